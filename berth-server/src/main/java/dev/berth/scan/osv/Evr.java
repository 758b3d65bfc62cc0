package dev.berth.scan.osv;

/**
 * A distribution version split as dpkg and rpm split it: {@code [epoch:]version[-release]}, the
 * epoch digits before the first colon (0 when absent), the release after the last hyphen.
 */
record Evr(long epoch, String version, String release) {
    /** Splits {@code v}; {@code noRelease} is the release of a version without a hyphen. */
    static Evr parse(String v, String noRelease) {
        String s = v.trim();
        long epoch = 0;
        int colon = s.indexOf(':');
        if (colon > 0 && colon <= 18 && s.substring(0, colon).chars().allMatch(Character::isDigit)) {
            epoch = Long.parseLong(s.substring(0, colon));
            s = s.substring(colon + 1);
        }
        int dash = s.lastIndexOf('-');
        return dash >= 0 ? new Evr(epoch, s.substring(0, dash), s.substring(dash + 1)) : new Evr(epoch, s, noRelease);
    }

    /**
     * Compares two segments of a version split into numbers and words: numbers by value, a number
     * above a word, words by their characters (RubyGems' segments, PEP 440's local labels).
     */
    static int compareSegments(String a, String b) {
        boolean an = !a.isEmpty() && a.chars().allMatch(c -> c >= '0' && c <= '9');
        boolean bn = !b.isEmpty() && b.chars().allMatch(c -> c >= '0' && c <= '9');
        if (an && bn) {
            return SemverVersion.compareNumbers(a, b);
        }
        if (an != bn) {
            return an ? 1 : -1;
        }
        return Integer.signum(a.compareTo(b));
    }
}
