package dev.berth.scan.osv;

import java.util.Comparator;

/**
 * Debian's version order (Debian Policy §5.6.12): {@code [epoch:]upstream[-revision]}, the epoch
 * compared as a number, then upstream and revision each by alternating runs of non-digits (letters
 * before other characters, {@code ~} before everything, even the end) and numbers.
 */
final class DpkgVersion implements Comparator<String> {
    static final DpkgVersion ORDER = new DpkgVersion();

    private DpkgVersion() {}

    @Override
    public int compare(String a, String b) {
        Evr x = Evr.parse(a);
        Evr y = Evr.parse(b);
        int c = Long.compare(x.epoch, y.epoch);
        if (c != 0) {
            return c;
        }
        c = compareFragment(x.upstream, y.upstream);
        return c != 0 ? c : compareFragment(x.revision, y.revision);
    }

    /** Epoch, upstream version and revision; an absent revision is "0" as dpkg treats it. */
    private record Evr(long epoch, String upstream, String revision) {
        static Evr parse(String v) {
            String s = v.trim();
            long epoch = 0;
            int colon = s.indexOf(':');
            if (colon > 0 && s.substring(0, colon).chars().allMatch(Character::isDigit)) {
                epoch = Long.parseLong(s.substring(0, colon));
                s = s.substring(colon + 1);
            }
            int dash = s.lastIndexOf('-');
            if (dash >= 0) {
                return new Evr(epoch, s.substring(0, dash), s.substring(dash + 1));
            }
            return new Evr(epoch, s, "0");
        }
    }

    /** The weight of one non-digit character; the end of the string weighs 0, like a digit. */
    private static int weight(String s, int i) {
        if (i >= s.length()) {
            return 0;
        }
        char c = s.charAt(i);
        if (isDigit(c)) {
            return 0;
        }
        if (Character.isLetter(c) && c < 128) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c + 256;
    }

    static int compareFragment(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            // the non-digit prefixes, character by character
            while ((i < a.length() && !isDigit(a.charAt(i))) || (j < b.length() && !isDigit(b.charAt(j)))) {
                int wa = weight(a, i);
                int wb = weight(b, j);
                if (wa != wb) {
                    return Integer.compare(wa, wb);
                }
                i++;
                j++;
            }
            // the numbers that follow, without leading zeros
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            int firstDiff = 0;
            while (i < a.length() && isDigit(a.charAt(i)) && j < b.length() && isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = Character.compare(a.charAt(i), b.charAt(j));
                }
                i++;
                j++;
            }
            if (i < a.length() && isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return Integer.signum(firstDiff);
            }
        }
        return 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
