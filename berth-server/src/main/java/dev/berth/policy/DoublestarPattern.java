package dev.berth.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A pattern of Harbor's {@code doublestar} selector kind, which matches repository paths (within
 * the project, {@code team/app}) and tag names the way Harbor's selector library does:
 *
 * <ul>
 *   <li>{@code *} any run of characters other than {@code /}; {@code ?} one such character;
 *   <li>{@code **} as a whole path component: any number of components (at least one when it is the
 *       last component, so {@code team/**} matches {@code team/app} but not {@code team}); inside a
 *       component it is just {@code *};
 *   <li>{@code [abc]}, {@code [a-z]}, {@code [^a-z]}: one character of (or not of) a class;
 *   <li>{@code {a,b}}: alternatives, which may nest and contain any of the above;
 *   <li>{@code \c}: the character {@code c} literally;
 *   <li>the empty pattern matches everything.
 * </ul>
 *
 * Alternatives are expanded when the pattern is compiled, so matching is a dynamic programme over
 * path components and characters with no backtracking blow-up. Malformed patterns are refused at
 * compile time with {@link IllegalArgumentException}.
 */
public final class DoublestarPattern {
    static final int MAX_LENGTH = 256;
    /** Patterns that alternatives expand to, at most: {@code {a,b}{c,d}{e,f}} is already 8. */
    static final int MAX_EXPANSIONS = 64;

    private final String source;
    private final List<List<Component>> alternatives;

    private DoublestarPattern(String source, List<List<Component>> alternatives) {
        this.source = source;
        this.alternatives = alternatives;
    }

    /** Compiles a pattern; {@link IllegalArgumentException} says what is malformed. */
    public static DoublestarPattern compile(String pattern) {
        if (pattern.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("pattern is longer than " + MAX_LENGTH + " characters");
        }
        List<List<Component>> compiled = new ArrayList<>();
        if (!pattern.isEmpty()) {
            for (String expanded : expand(pattern)) {
                List<Component> components = new ArrayList<>();
                for (String part : splitComponents(expanded)) {
                    components.add(part.equals("**") ? Component.GLOBSTAR : Component.of(part));
                }
                compiled.add(components);
            }
        }
        return new DoublestarPattern(pattern, List.copyOf(compiled));
    }

    public String source() {
        return source;
    }

    public boolean matches(String name) {
        if (alternatives.isEmpty()) {
            return true;
        }
        String[] parts = name.split("/", -1);
        for (List<Component> alternative : alternatives) {
            if (matches(alternative, parts)) {
                return true;
            }
        }
        return false;
    }

    /** can[i][j]: pattern components from i match name components from j. */
    private static boolean matches(List<Component> pattern, String[] name) {
        int p = pattern.size();
        int n = name.length;
        boolean[][] can = new boolean[p + 1][n + 1];
        can[p][n] = true;
        for (int i = p - 1; i >= 0; i--) {
            Component c = pattern.get(i);
            boolean last = i == p - 1;
            for (int j = n; j >= 0; j--) {
                if (c.globstar()) {
                    // Zero components, unless it is the last one; or one more, staying on the globstar.
                    boolean zero = !last && can[i + 1][j];
                    boolean more = j < n && (can[i + 1][j + 1] || can[i][j + 1]);
                    can[i][j] = zero || more;
                } else {
                    can[i][j] = j < n && can[i + 1][j + 1] && c.matches(name[j]);
                }
            }
        }
        return can[0][0];
    }

    /** The pattern with every {@code {…}} group replaced by each of its alternatives in turn. */
    private static List<String> expand(String pattern) {
        List<String> done = new ArrayList<>();
        List<String> todo = new ArrayList<>(List.of(pattern));
        while (!todo.isEmpty()) {
            String p = todo.removeLast();
            int open = firstGroup(p);
            if (open < 0) {
                done.add(p);
                if (done.size() > MAX_EXPANSIONS) {
                    throw new IllegalArgumentException("pattern has more than " + MAX_EXPANSIONS + " alternatives");
                }
                continue;
            }
            List<String> options = new ArrayList<>();
            int close = splitGroup(p, open, options);
            for (String option : options.reversed()) {
                todo.add(p.substring(0, open) + option + p.substring(close + 1));
            }
            if (todo.size() + done.size() > MAX_EXPANSIONS) {
                throw new IllegalArgumentException("pattern has more than " + MAX_EXPANSIONS + " alternatives");
            }
        }
        return done.reversed();
    }

    /** Index of the first unescaped {@code {} outside a character class, or -1. */
    private static int firstGroup(String p) {
        for (int i = 0; i < p.length(); i = next(p, i)) {
            if (p.charAt(i) == '{') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index after the pattern element at {@code i}: past an escaped character or a whole
     * character class, else the next character. Scans for {@code { , } /} step by it, so that
     * those characters count only where they are syntax.
     */
    private static int next(String p, int i) {
        return switch (p.charAt(i)) {
            case '\\' -> i + 2;
            case '[' -> classEnd(p, i) + 1;
            default -> i + 1;
        };
    }

    /** Splits the group opening at {@code open} on its top-level commas; returns the index of its {@code }}. */
    private static int splitGroup(String p, int open, List<String> options) {
        int depth = 0;
        int start = open + 1;
        for (int i = open + 1; i < p.length(); i = next(p, i)) {
            char c = p.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0) {
                    options.add(p.substring(start, i));
                    return i;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                options.add(p.substring(start, i));
                start = i + 1;
            }
        }
        throw new IllegalArgumentException("unclosed { in pattern");
    }

    /** Index of the {@code ]} closing the class that opens at {@code open}. */
    private static int classEnd(String p, int open) {
        for (int i = open + 1; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed [ in pattern");
    }

    /** Splits on {@code /} that is neither escaped nor inside a class. */
    private static List<String> splitComponents(String p) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < p.length(); i = next(p, i)) {
            if (p.charAt(i) == '/') {
                parts.add(p.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(p.substring(start));
        return parts;
    }

    @Override
    public String toString() {
        return source;
    }

    /** One path component of a pattern: {@link #GLOBSTAR} or a sequence of character tokens. */
    private record Component(boolean globstar, List<Token> tokens) {
        static final Component GLOBSTAR = new Component(true, List.of());

        static Component of(String text) {
            List<Token> tokens = new ArrayList<>();
            int i = 0;
            while (i < text.length()) {
                int cp = text.codePointAt(i);
                int next = i + Character.charCount(cp);
                switch (cp) {
                    case '*' -> {
                        if (tokens.isEmpty() || !(tokens.getLast() instanceof Token.Star)) {
                            tokens.add(new Token.Star());
                        }
                    }
                    case '?' -> tokens.add(new Token.AnyOne());
                    case '\\' -> {
                        if (next >= text.length()) {
                            throw new IllegalArgumentException("pattern ends with an escape character");
                        }
                        int escaped = text.codePointAt(next);
                        tokens.add(new Token.Literal(escaped));
                        next += Character.charCount(escaped);
                    }
                    case '[' -> {
                        int end = classEnd(text, i);
                        tokens.add(Token.CharClass.parse(text.substring(i + 1, end)));
                        next = end + 1;
                    }
                    default -> tokens.add(new Token.Literal(cp));
                }
                i = next;
            }
            return new Component(false, List.copyOf(tokens));
        }

        boolean matches(String name) {
            int[] cps = name.codePoints().toArray();
            int t = tokens.size();
            int n = cps.length;
            boolean[][] can = new boolean[t + 1][n + 1];
            can[t][n] = true;
            for (int i = t - 1; i >= 0; i--) {
                Token token = tokens.get(i);
                for (int j = n; j >= 0; j--) {
                    can[i][j] = token instanceof Token.Star
                            ? can[i + 1][j] || (j < n && can[i][j + 1])
                            : j < n && can[i + 1][j + 1] && token.matches(cps[j]);
                }
            }
            return can[0][0];
        }
    }

    private sealed interface Token {
        boolean matches(int codePoint);

        record Star() implements Token {
            @Override
            public boolean matches(int codePoint) {
                return true;
            }
        }

        record AnyOne() implements Token {
            @Override
            public boolean matches(int codePoint) {
                return codePoint != '/';
            }
        }

        record Literal(int codePoint) implements Token {
            @Override
            public boolean matches(int c) {
                return c == codePoint;
            }
        }

        /** {@code [...]}: single characters and ranges, negated by a leading {@code ^}. */
        record CharClass(boolean negated, int[] lows, int[] highs) implements Token {
            static CharClass parse(String body) {
                int[] cps = body.codePoints().toArray();
                int i = 0;
                boolean negated = cps.length > 0 && cps[0] == '^';
                if (negated) {
                    i++;
                }
                if (i >= cps.length) {
                    throw new IllegalArgumentException("empty character class in pattern");
                }
                List<int[]> ranges = new ArrayList<>();
                while (i < cps.length) {
                    int low = cps[i++];
                    if (low == '-') {
                        throw new IllegalArgumentException("character class range without a start in pattern");
                    }
                    if (low == '\\') {
                        if (i >= cps.length) {
                            throw new IllegalArgumentException("pattern ends with an escape character");
                        }
                        low = cps[i++];
                    }
                    int high = low;
                    if (i < cps.length && cps[i] == '-') {
                        i++;
                        if (i >= cps.length || cps[i] == '-') {
                            throw new IllegalArgumentException("character class range without an end in pattern");
                        }
                        high = cps[i++];
                        if (high == '\\') {
                            if (i >= cps.length) {
                                throw new IllegalArgumentException("pattern ends with an escape character");
                            }
                            high = cps[i++];
                        }
                    }
                    ranges.add(new int[] {low, high});
                }
                return new CharClass(
                        negated,
                        ranges.stream().mapToInt(r -> r[0]).toArray(),
                        ranges.stream().mapToInt(r -> r[1]).toArray());
            }

            @Override
            public boolean matches(int c) {
                if (c == '/') {
                    return false;
                }
                boolean in = false;
                for (int k = 0; k < lows.length && !in; k++) {
                    in = lows[k] <= c && c <= highs[k];
                }
                return in != negated;
            }
        }
    }
}
