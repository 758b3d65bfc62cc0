package dev.berth.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;

/**
 * The list parameters every {@code /api/v2.0/} list endpoint takes, as Harbor spells them:
 * {@code q} (filter terms, see {@link Term}), {@code sort} ({@code field1,-field2}), {@code page}
 * (from 1) and {@code page_size} (1 to 100, default 10). Parsing checks only the syntax; which
 * fields may be used is the resource's {@link QueryFields}, applied by {@link #toSql}.
 *
 * <p>A controller method may simply declare a {@code ListQuery} parameter.
 */
public record ListQuery(List<Term> terms, List<SortKey> sorts, long page, long pageSize) {
    public static final long DEFAULT_PAGE_SIZE = 10;
    public static final long MAX_PAGE_SIZE = 100;

    public ListQuery {
        terms = List.copyOf(terms);
        sorts = List.copyOf(sorts);
        if (page < 1) {
            throw ApiException.badRequest("page must be 1 or more");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw ApiException.badRequest("page_size must be between 1 and " + MAX_PAGE_SIZE);
        }
        try {
            Math.multiplyExact(page, pageSize);
        } catch (ArithmeticException e) {
            throw ApiException.badRequest("page is too large");
        }
    }

    /** Parses the four parameters; absent or empty ones take their defaults. A 400 for bad syntax. */
    public static ListQuery parse(
            Optional<String> q, Optional<String> sort, Optional<String> page, Optional<String> pageSize) {
        return new ListQuery(
                QueryStringParser.parse(q.orElse("")),
                SortKey.parseAll(sort.orElse("")),
                number("page", page, 1),
                number("page_size", pageSize, DEFAULT_PAGE_SIZE));
    }

    /** Parses the request's {@code q}, {@code sort}, {@code page} and {@code page_size}; each may appear once. */
    public static ListQuery from(HttpServletRequest request) {
        return parse(
                single(request, "q"), single(request, "sort"), single(request, "page"), single(request, "page_size"));
    }

    /** The first page of the given size, unfiltered, in the resource's default order. */
    public static ListQuery firstPage(long pageSize) {
        return new ListQuery(List.of(), List.of(), 1, pageSize);
    }

    /** Checks this query against {@code fields} and translates it to SQL; a 400 for any field not allowed. */
    public SqlFilter toSql(QueryFields fields) {
        return fields.toSql(this);
    }

    /** This query with one more term, {@code field} equal to any of {@code values} (a dedicated parameter's filter). */
    public ListQuery withTerm(String field, List<String> values) {
        List<Term> all = new java.util.ArrayList<>(terms);
        all.add(new Term.AnyOf(field, values));
        return new ListQuery(all, sorts, page, pageSize);
    }

    /** Rows to skip before this page. */
    public long offset() {
        return (page - 1) * pageSize;
    }

    private static long number(String name, Optional<String> value, long fallback) {
        if (value.isEmpty() || value.get().isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a number, not " + Quoting.quote(value.get()));
        }
    }

    private static Optional<String> single(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        if (values == null || values.length == 0) {
            return Optional.empty();
        }
        if (values.length > 1) {
            throw ApiException.badRequest("parameter " + name + " may be given only once");
        }
        return Optional.of(values[0]);
    }
}
