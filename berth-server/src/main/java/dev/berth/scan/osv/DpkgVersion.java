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
        // an absent revision is "0", as dpkg treats it
        Evr x = Evr.parse(a, "0");
        Evr y = Evr.parse(b, "0");
        int c = Long.compare(x.epoch(), y.epoch());
        if (c != 0) {
            return c;
        }
        c = compareFragment(x.version(), y.version());
        return c != 0 ? c : compareFragment(x.release(), y.release());
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
