package dev.berth.scan.osv;

import java.util.Comparator;

/**
 * RPM's version order: {@code [epoch:]version[-release]}, the epoch as a number, then version and
 * release by rpmvercmp: runs of digits and of letters compared in turn (a number beats letters,
 * numbers without leading zeros by length then digits), other characters only separate runs,
 * {@code ~} sorts before anything (pre-releases) and {@code ^} after the end but before anything else
 * (snapshots).
 */
final class RpmVersion implements Comparator<String> {
    static final RpmVersion ORDER = new RpmVersion();

    private RpmVersion() {}

    @Override
    public int compare(String a, String b) {
        Evr x = Evr.parse(a, "");
        Evr y = Evr.parse(b, "");
        int c = Long.compare(x.epoch(), y.epoch());
        if (c != 0) {
            return c;
        }
        c = rpmvercmp(x.version(), y.version());
        if (c != 0 || x.release().isEmpty() || y.release().isEmpty()) {
            return c; // a missing release matches any release, as rpm compares dependencies
        }
        return rpmvercmp(x.release(), y.release());
    }

    static int rpmvercmp(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while (i < a.length() && isSeparator(a.charAt(i))) {
                i++;
            }
            while (j < b.length() && isSeparator(b.charAt(j))) {
                j++;
            }
            char ca = i < a.length() ? a.charAt(i) : 0;
            char cb = j < b.length() ? b.charAt(j) : 0;
            if (ca == '~' || cb == '~') {
                if (ca != '~') {
                    return 1;
                }
                if (cb != '~') {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (ca == '^' || cb == '^') {
                if (ca == 0) {
                    return -1;
                }
                if (cb == 0) {
                    return 1;
                }
                if (ca != '^') {
                    return 1;
                }
                if (cb != '^') {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (ca == 0 || cb == 0) {
                break;
            }
            boolean numeric = isDigit(ca);
            int startA = i;
            int startB = j;
            while (i < a.length() && (numeric ? isDigit(a.charAt(i)) : isAlpha(a.charAt(i)))) {
                i++;
            }
            while (j < b.length() && (numeric ? isDigit(b.charAt(j)) : isAlpha(b.charAt(j)))) {
                j++;
            }
            if (j == startB) {
                return numeric ? 1 : -1; // runs of different kinds: the number is newer
            }
            String runA = a.substring(startA, i);
            String runB = b.substring(startB, j);
            int c;
            if (numeric) {
                runA = stripZeros(runA);
                runB = stripZeros(runB);
                c = runA.length() != runB.length()
                        ? Integer.compare(runA.length(), runB.length())
                        : runA.compareTo(runB);
            } else {
                c = runA.compareTo(runB);
            }
            if (c != 0) {
                return c < 0 ? -1 : 1;
            }
        }
        boolean restA = i < a.length();
        boolean restB = j < b.length();
        if (!restA && !restB) {
            return 0;
        }
        return restA ? 1 : -1;
    }

    private static String stripZeros(String digits) {
        int k = 0;
        while (k < digits.length() - 1 && digits.charAt(k) == '0') {
            k++;
        }
        return digits.substring(k);
    }

    private static boolean isSeparator(char c) {
        return !isDigit(c) && !isAlpha(c) && c != '~' && c != '^';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
