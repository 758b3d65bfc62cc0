package dev.berth.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Harbor's {@code q} syntax into {@link Term}s: comma-separated {@code key=value} terms where a
 * value is {@code v} (exact), {@code ~v} (fuzzy), {@code [min~max]} (range), {@code {v1 v2}} (union)
 * or {@code (v1 v2)} (intersection). A value or list element may be quoted with {@code "} or
 * {@code '} to hold commas, spaces, {@code ~} or brackets; inside quotes a backslash escapes the
 * quote or itself. A leading backslash makes the rest an exact value ({@code k=\~v} means "~v").
 *
 * <p>Unlike Harbor, which splits on every comma, quotes are honoured, and a key given twice is
 * refused rather than the last one silently winning. A value that opens a quote but does not close
 * it right before what may follow it ({@code name=~'s}) is taken literally, as Harbor takes it.
 */
final class QueryStringParser {
    static final int MAX_LIST_VALUES = 100;

    private final String q;
    private int pos;

    private QueryStringParser(String q) {
        this.q = q;
    }

    static List<Term> parse(String q) {
        List<Term> terms = new ArrayList<>();
        if (q.isEmpty()) {
            return terms;
        }
        QueryStringParser parser = new QueryStringParser(q);
        Set<String> keys = new HashSet<>();
        while (true) {
            Term term = parser.term();
            if (!keys.add(term.field())) {
                throw error("key " + Quoting.quote(term.field()) + " appears twice");
            }
            terms.add(term);
            if (parser.atEnd()) {
                return terms;
            }
            parser.pos++; // the comma, which is all that can follow a term
            if (parser.atEnd()) {
                throw error("it ends with a comma");
            }
        }
    }

    private Term term() {
        int start = pos;
        while (!atEnd() && peek() != '=' && peek() != ',') {
            pos++;
        }
        if (atEnd() || peek() == ',') {
            throw error("term " + Quoting.quote(q.substring(start, pos)) + " is not key=value");
        }
        String key = q.substring(start, pos);
        if (key.isEmpty()) {
            throw error("a term has an empty key");
        }
        pos++; // '='
        if (atEnd() || peek() == ',') {
            throw error("key " + Quoting.quote(key) + " has an empty value");
        }
        Term term = switch (peek()) {
            case '~' -> fuzzy(key);
            case '[' -> range(key);
            case '{' -> new Term.AnyOf(key, list(key, '}'));
            case '(' -> new Term.AllOf(key, list(key, ')'));
            case '\\' -> {
                pos++;
                yield new Term.Exact(key, bare());
            }
            default -> new Term.Exact(key, scalar());
        };
        if (!atEnd() && peek() != ',') {
            throw error("unexpected " + Quoting.quote(q.substring(pos, pos + 1)) + " after the value of "
                    + Quoting.quote(key));
        }
        return term;
    }

    private Term fuzzy(String key) {
        pos++; // '~'
        String value = atEnd() ? "" : scalar();
        if (value.isEmpty()) {
            throw error("fuzzy match on " + Quoting.quote(key) + " needs a value after ~");
        }
        return new Term.Fuzzy(key, value);
    }

    private Term range(String key) {
        pos++; // '['
        Optional<String> min = bound();
        if (atEnd() || peek() != '~') {
            throw error("range on " + Quoting.quote(key) + " must look like [min~max]");
        }
        pos++; // '~'
        Optional<String> max = bound();
        if (atEnd() || peek() != ']') {
            throw error("range on " + Quoting.quote(key) + " must look like [min~max], with one ~ and a closing ]");
        }
        pos++; // ']'
        if (min.isEmpty() && max.isEmpty()) {
            throw error("range on " + Quoting.quote(key) + " needs a min or a max");
        }
        return new Term.Range(key, min, max);
    }

    /** A range bound: quoted, or bare text up to {@code ~}, {@code ]} or a comma, trimmed. */
    private Optional<String> bound() {
        skipSpaces();
        Optional<String> quoted = quotedBefore("~]", true);
        if (quoted.isPresent()) {
            return quoted;
        }
        int start = pos;
        while (!atEnd() && peek() != '~' && peek() != ']' && peek() != ',') {
            pos++;
        }
        String value = q.substring(start, pos).trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private List<String> list(String key, char close) {
        pos++; // '{' or '('
        List<String> values = new ArrayList<>();
        while (true) {
            skipSpaces();
            if (atEnd() || peek() == ',') {
                throw error("list for " + Quoting.quote(key) + " must end with " + close
                        + " and separate values with spaces");
            }
            if (peek() == close) {
                pos++;
                return values;
            }
            Optional<String> quoted = quotedBefore(" \t" + close, false);
            if (quoted.isPresent()) {
                values.add(quoted.get());
            } else {
                int start = pos;
                while (!atEnd() && !isSpace(peek()) && peek() != close && peek() != ',') {
                    pos++;
                }
                values.add(q.substring(start, pos));
            }
            if (values.size() > MAX_LIST_VALUES) {
                throw error("list for " + Quoting.quote(key) + " has more than " + MAX_LIST_VALUES + " values");
            }
        }
    }

    /** A quoted value, or bare text up to the next comma. */
    private String scalar() {
        return quotedBefore(",", false).orElseGet(this::bare);
    }

    private String bare() {
        int start = pos;
        while (!atEnd() && peek() != ',') {
            pos++;
        }
        return q.substring(start, pos);
    }

    /**
     * The quoted value starting here, if there is one and it is followed by the end or one of
     * {@code next} (after spaces, if {@code spacesAfter}); otherwise nothing, and nothing is consumed.
     */
    private Optional<String> quotedBefore(String next, boolean spacesAfter) {
        if (atEnd() || !isQuote(peek())) {
            return Optional.empty();
        }
        int start = pos;
        char quote = q.charAt(pos++);
        StringBuilder value = new StringBuilder();
        while (!atEnd()) {
            char c = q.charAt(pos++);
            if (c == quote) {
                if (spacesAfter) {
                    skipSpaces();
                }
                if (atEnd() || next.indexOf(peek()) >= 0) {
                    return Optional.of(value.toString());
                }
                break;
            }
            if (c == '\\' && !atEnd() && (peek() == quote || peek() == '\\')) {
                c = q.charAt(pos++);
            }
            value.append(c);
        }
        pos = start;
        return Optional.empty();
    }

    private void skipSpaces() {
        while (!atEnd() && isSpace(peek())) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= q.length();
    }

    private char peek() {
        return q.charAt(pos);
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static ApiException error(String reason) {
        return ApiException.badRequest("invalid query string q: " + reason);
    }
}
