package dev.berth.scan.osv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RubyGems' version order ({@code Gem::Version}): segments split at dots and at changes between
 * digits and letters; trailing zero segments dropped; numbers compared as numbers, letters as
 * strings, and a letter segment (a pre-release such as {@code .pre}, {@code .rc1}) below any number.
 */
final class GemVersion implements Comparator<String> {
    static final GemVersion ORDER = new GemVersion();

    private static final Pattern SEGMENT = Pattern.compile("[0-9]+|[a-zA-Z]+");

    private GemVersion() {}

    static List<String> segments(String version) {
        List<String> out = new ArrayList<>();
        Matcher m = SEGMENT.matcher(version.trim().replace('-', '.'));
        while (m.find()) {
            out.add(m.group());
        }
        // trailing zeros (and zeros before a pre-release letter) do not count, as Gem::Version#canonical_segments
        while (!out.isEmpty() && isZero(out.getLast())) {
            out.removeLast();
        }
        return out;
    }

    @Override
    public int compare(String a, String b) {
        List<String> x = segments(a);
        List<String> y = segments(b);
        for (int k = 0; k < Math.max(x.size(), y.size()); k++) {
            int c = Evr.compareSegments(k < x.size() ? x.get(k) : "0", k < y.size() ? y.get(k) : "0");
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static boolean isZero(String s) {
        return s.chars().allMatch(c -> c == '0');
    }
}
