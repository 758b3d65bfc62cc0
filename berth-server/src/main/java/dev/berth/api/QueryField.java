package dev.berth.api;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of a resource's allow-list: the API name clients use in {@code q} and {@code sort},
 * the SQL expression it stands for, its type and what it may be used for.
 *
 * @param name the API field name, e.g. {@code creation_time}
 * @param column a trusted SQL expression from code, e.g. {@code p.creation_time}; never client input
 */
public record QueryField(String name, String column, FieldType type, Set<Use> uses) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");
    // Not a parser, a tripwire: a column expression is code, but one that could end a statement,
    // open a comment, leave a literal open or shift the positional parameters is a mistake.
    private static final Pattern UNSAFE_COLUMN = Pattern.compile(";|\\?|--|/\\*");

    /** What a field may be used for. */
    public enum Use {
        /** May appear in {@code q}. */
        FILTER,
        /** May appear in {@code sort}. */
        SORT,
        /** May be filtered with an intersection list {@code k=(v1 v2)}, each value ANDed. */
        ALL_OF
    }

    public QueryField {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad query field name: " + name);
        }
        if (column.isBlank()
                || UNSAFE_COLUMN.matcher(column).find()
                || column.chars().filter(c -> c == '\'').count() % 2 != 0) {
            throw new IllegalArgumentException("bad column expression for " + name + ": " + column);
        }
        if (uses.isEmpty()) {
            throw new IllegalArgumentException("query field " + name + " has no use");
        }
        if (uses.contains(Use.ALL_OF) && !uses.contains(Use.FILTER)) {
            throw new IllegalArgumentException("query field " + name + " is ALL_OF but not FILTER");
        }
        uses = Set.copyOf(uses);
    }

    public boolean filterable() {
        return uses.contains(Use.FILTER);
    }

    public boolean sortable() {
        return uses.contains(Use.SORT);
    }

    public boolean allowsAllOf() {
        return uses.contains(Use.ALL_OF);
    }
}
