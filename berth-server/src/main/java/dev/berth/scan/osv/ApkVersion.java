package dev.berth.scan.osv;

import java.util.Comparator;

/**
 * Alpine's version order (apk-tools; Gentoo's scheme):
 * {@code digits{.digits}[letter]{_suffix[number]}[-r#]}, where {@code _alpha < _beta < _pre < _rc}
 * come before the bare version and {@code _cvs < _svn < _git < _hg < _p} after it. A component
 * after a dot with leading zeros compares as a fraction ({@code 1.02 < 1.1}). Where a version stops
 * being well formed the comparison decides on what came before, as apk does.
 */
final class ApkVersion implements Comparator<String> {
    static final ApkVersion ORDER = new ApkVersion();

    private static final String[] PRE = {"alpha", "beta", "pre", "rc"};
    private static final String[] POST = {"cvs", "svn", "git", "hg", "p"};

    /** Token kinds, in the order apk ranks them when one version ends before the other. */
    private static final int INVALID = -1;

    private static final int DIGIT_OR_ZERO = 0;
    private static final int DIGIT = 1;
    private static final int LETTER = 2;
    private static final int SUFFIX = 3;
    private static final int SUFFIX_NO = 4;
    private static final int REVISION_NO = 5;
    private static final int END = 6;

    private ApkVersion() {}

    /** A cursor over one version string: the kind of the next token and where it starts. */
    private static final class Cursor {
        final String s;
        int pos;
        int kind = DIGIT;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        /** Reads the token of the current kind and returns its value; moves on to the next kind. */
        long token() {
            if (atEnd()) {
                kind = END;
                return 0;
            }
            long value = 0;
            int nextKind = INVALID;
            switch (kind) {
                case DIGIT_OR_ZERO, DIGIT, SUFFIX_NO, REVISION_NO -> {
                    if (kind == DIGIT_OR_ZERO && s.charAt(pos) == '0') {
                        // leading zeros after a dot: more zeros rank lower
                        int zeros = 0;
                        while (!atEnd() && s.charAt(pos) == '0') {
                            pos++;
                            zeros++;
                        }
                        value = -zeros;
                        nextKind = DIGIT;
                    } else {
                        while (!atEnd() && isDigit(s.charAt(pos))) {
                            int d = s.charAt(pos++) - '0';
                            value = value > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : value * 10 + d;
                        }
                    }
                }
                case LETTER -> value = s.charAt(pos++);
                case SUFFIX -> {
                    int pre = prefixIndex(PRE);
                    if (pre >= 0) {
                        pos += PRE[pre].length();
                        value = pre - PRE.length;
                    } else {
                        int post = prefixIndex(POST);
                        if (post < 0) {
                            kind = INVALID;
                            return -1;
                        }
                        pos += POST[post].length();
                        value = post;
                    }
                }
                default -> {
                    kind = INVALID;
                    return -1;
                }
            }
            if (atEnd()) {
                kind = END;
            } else if (nextKind != INVALID) {
                kind = nextKind;
            } else {
                advanceKind();
            }
            return value;
        }

        private int prefixIndex(String[] names) {
            for (int k = 0; k < names.length; k++) {
                if (s.startsWith(names[k], pos)) {
                    return k;
                }
            }
            return -1;
        }

        /** Decides the next token's kind from the character at the cursor, consuming separators. */
        private void advanceKind() {
            int next;
            char c = s.charAt(pos);
            if ((kind == DIGIT || kind == DIGIT_OR_ZERO) && c >= 'a' && c <= 'z') {
                next = LETTER;
            } else if (kind == LETTER && isDigit(c)) {
                next = DIGIT;
            } else if (kind == SUFFIX && isDigit(c)) {
                next = SUFFIX_NO;
            } else {
                next = switch (c) {
                    case '.' -> DIGIT_OR_ZERO;
                    case '_' -> SUFFIX;
                    case '-' -> {
                        if (pos + 1 < s.length() && s.charAt(pos + 1) == 'r') {
                            pos++;
                            yield REVISION_NO;
                        }
                        yield INVALID;
                    }
                    default -> INVALID;
                };
                pos++;
            }
            boolean allowedBackwards = (next == DIGIT_OR_ZERO && kind == DIGIT)
                    || (next == SUFFIX && kind == SUFFIX_NO)
                    || (next == DIGIT && kind == LETTER);
            if (next < kind && !allowedBackwards) {
                next = INVALID;
            }
            kind = next;
        }
    }

    @Override
    public int compare(String a, String b) {
        Cursor x = new Cursor(a.trim());
        Cursor y = new Cursor(b.trim());
        long xv = 0;
        long yv = 0;
        while (x.kind == y.kind && x.kind != END && x.kind != INVALID && xv == yv) {
            xv = x.token();
            yv = y.token();
        }
        if (xv != yv) {
            return xv < yv ? -1 : 1;
        }
        if (x.kind == y.kind) {
            return 0;
        }
        // equal so far: the longer version is newer, unless what it has more of is a pre-release suffix
        if (x.kind == SUFFIX && preReleaseAhead(x)) {
            return -1;
        }
        if (y.kind == SUFFIX && preReleaseAhead(y)) {
            return 1;
        }
        return Integer.compare(y.kind, x.kind);
    }

    private static boolean preReleaseAhead(Cursor c) {
        Cursor peek = new Cursor(c.s);
        peek.pos = c.pos;
        peek.kind = c.kind;
        return peek.token() < 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
