package dev.berth.scan.osv;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic Versioning 2.0.0 precedence (semver.org §11), used by npm, crates.io, Go and OSV's
 * {@code SEMVER} ranges: major, minor and patch as numbers; a pre-release ranks below its release,
 * its dot-separated identifiers compared numerically when both are numbers, numbers below
 * alphanumerics, and a shorter list below a longer one that it prefixes; build metadata is
 * ignored. A leading {@code v} or {@code =} is allowed (npm, Go); Go's pseudo-versions are
 * pre-releases and so order as Go orders them. Missing minor or patch numbers count as 0.
 */
final class SemverVersion implements Comparator<String> {
    static final SemverVersion ORDER = new SemverVersion();

    private static final Pattern SEMVER =
            Pattern.compile("^[=v]*(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-([0-9A-Za-z.-]*))?(?:\\+[0-9A-Za-z.-]*)?$");

    private SemverVersion() {}

    @Override
    public int compare(String a, String b) {
        Matcher x = SEMVER.matcher(a.trim());
        Matcher y = SEMVER.matcher(b.trim());
        boolean xs = x.matches();
        boolean ys = y.matches();
        if (!xs || !ys) {
            // not a version this order knows: keep a total order, unparsable ones first
            return xs == ys ? a.compareTo(b) : (xs ? 1 : -1);
        }
        for (int g = 1; g <= 3; g++) {
            int c = compareNumbers(orZero(x.group(g)), orZero(y.group(g)));
            if (c != 0) {
                return c;
            }
        }
        return comparePreRelease(x.group(4), y.group(4));
    }

    static int comparePreRelease(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : 1) : -1;
        }
        String[] xa = a.split("\\.", -1);
        String[] ya = b.split("\\.", -1);
        for (int k = 0; k < Math.min(xa.length, ya.length); k++) {
            boolean xn = isNumber(xa[k]);
            boolean yn = isNumber(ya[k]);
            int c;
            if (xn && yn) {
                c = compareNumbers(xa[k], ya[k]);
            } else if (xn != yn) {
                c = xn ? -1 : 1;
            } else {
                c = Integer.signum(xa[k].compareTo(ya[k]));
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(xa.length, ya.length);
    }

    /** Compares two strings of digits as numbers of any size. */
    static int compareNumbers(String a, String b) {
        String x = stripZeros(a);
        String y = stripZeros(b);
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : Integer.signum(x.compareTo(y));
    }

    private static String stripZeros(String digits) {
        int k = 0;
        while (k < digits.length() - 1 && digits.charAt(k) == '0') {
            k++;
        }
        return digits.substring(k);
    }

    private static String orZero(String s) {
        return s == null ? "0" : s;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
