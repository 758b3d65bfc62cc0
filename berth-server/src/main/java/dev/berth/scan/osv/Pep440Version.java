package dev.berth.scan.osv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's version order (PEP 440, as the {@code packaging} library normalises and sorts): epoch,
 * release (trailing zeros ignored), then {@code .devN} releases before pre-releases
 * ({@code aN < bN < rcN}, with {@code alpha}, {@code beta}, {@code c}, {@code pre}, {@code preview}
 * as spellings) before the release before post-releases ({@code .postN}, {@code -N}, {@code rev},
 * {@code r}); a local version label ({@code +ubuntu.1}) ranks above the same version without one.
 */
final class Pep440Version implements Comparator<String> {
    static final Pep440Version ORDER = new Pep440Version();

    private static final Pattern PEP440 = Pattern.compile("^v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)"
            + "(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\\d+)?)?"
            + "(?:-(\\d+)|[-_.]?(post|rev|r)[-_.]?(\\d+)?)?"
            + "(?:[-_.]?(dev)[-_.]?(\\d+)?)?"
            + "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$");

    private Pep440Version() {}

    /** A parsed version; the pre-release kind is 0 (a), 1 (b) or 2 (rc). */
    record Parsed(
            long epoch, List<Long> release, Integer preKind, long preNumber, Long post, Long dev, List<String> local) {}

    static Parsed parse(String version) {
        Matcher m = PEP440.matcher(version.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        List<Long> release = new ArrayList<>();
        for (String part : m.group(2).split("\\.")) {
            release.add(parseLong(part));
        }
        while (release.size() > 1 && release.getLast() == 0) {
            release.removeLast();
        }
        Integer preKind = null;
        if (m.group(3) != null) {
            preKind = switch (m.group(3)) {
                case "a", "alpha" -> 0;
                case "b", "beta" -> 1;
                default -> 2; // c, rc, pre, preview
            };
        }
        long preNumber = m.group(4) == null ? 0 : parseLong(m.group(4));
        Long post = null;
        if (m.group(5) != null) {
            post = parseLong(m.group(5));
        } else if (m.group(6) != null) {
            post = m.group(7) == null ? 0 : parseLong(m.group(7));
        }
        Long dev = m.group(8) == null ? null : (m.group(9) == null ? 0 : parseLong(m.group(9)));
        List<String> local =
                m.group(10) == null ? List.of() : List.of(m.group(10).split("[-_.]"));
        return new Parsed(
                m.group(1) == null ? 0 : parseLong(m.group(1)), release, preKind, preNumber, post, dev, local);
    }

    @Override
    public int compare(String a, String b) {
        Parsed x = parse(a);
        Parsed y = parse(b);
        if (x == null || y == null) {
            // not PEP 440 (a legacy version): such versions sort before all valid ones
            return x == y ? a.compareTo(b) : (x == null ? -1 : 1);
        }
        int c = Long.compare(x.epoch, y.epoch);
        if (c != 0) {
            return c;
        }
        for (int k = 0; k < Math.max(x.release.size(), y.release.size()); k++) {
            long xr = k < x.release.size() ? x.release.get(k) : 0;
            long yr = k < y.release.size() ? y.release.get(k) : 0;
            if (xr != yr) {
                return Long.compare(xr, yr);
            }
        }
        c = Integer.compare(preRank(x), preRank(y));
        if (c != 0) {
            return c;
        }
        if (x.preKind != null) {
            c = Long.compare(x.preNumber, y.preNumber);
            if (c != 0) {
                return c;
            }
        }
        // no post-release ranks below any post-release
        c = Long.compare(x.post == null ? -1 : x.post, y.post == null ? -1 : y.post);
        if (c != 0) {
            return c;
        }
        // no dev-release ranks above any dev-release
        c = Long.compare(x.dev == null ? Long.MAX_VALUE : x.dev, y.dev == null ? Long.MAX_VALUE : y.dev);
        if (c != 0) {
            return c;
        }
        return compareLocal(x.local, y.local);
    }

    /**
     * Where the pre-release part puts a version among those of the same release: a dev release of
     * the release itself lowest, then a, b, rc, then the final release (with or without post).
     */
    private static int preRank(Parsed p) {
        if (p.preKind == null) {
            return p.post == null && p.dev != null ? -1 : 3;
        }
        return p.preKind;
    }

    /** Local labels: absent lowest; segment by segment, numbers above strings, shorter lower. */
    private static int compareLocal(List<String> x, List<String> y) {
        for (int k = 0; k < Math.min(x.size(), y.size()); k++) {
            int c = Evr.compareSegments(x.get(k), y.get(k));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    }

    private static long parseLong(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
