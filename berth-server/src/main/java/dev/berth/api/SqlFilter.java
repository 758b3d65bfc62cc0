package dev.berth.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link ListQuery} translated for one resource: SQL conditions with their positional parameters,
 * the ORDER BY and the page. Values are only ever in {@link #params()}; the SQL text holds nothing
 * but column expressions from the resource's {@link QueryFields} and {@code ?} placeholders.
 *
 * <pre>{@code
 * SqlFilter f = query.toSql(PROJECT_FIELDS);
 * long total = jdbc.sql("SELECT count(*) FROM project p WHERE p.deleted = ?" + f.andWhere())
 *         .params(f.paramsAfter(false)).query(Long.class).single();
 * List<Project> page = jdbc.sql("SELECT … FROM project p WHERE p.deleted = ?" + f.andWhere()
 *         + f.orderBy() + f.limitOffset()).params(f.paramsAfter(false)).query(Project.class).list();
 * }</pre>
 *
 * @param conditions SQL boolean expressions, to be ANDed
 * @param params the values for the {@code ?} in {@code conditions}, in order
 * @param orderings ORDER BY items, ending with the resource's unique tie-breaker
 */
public record SqlFilter(List<String> conditions, List<Object> params, List<String> orderings, long limit, long offset) {
    public SqlFilter {
        conditions = List.copyOf(conditions);
        params = List.copyOf(params);
        orderings = List.copyOf(orderings);
    }

    /** {@code ""}, or {@code " AND (c1) AND (c2)"} to append to an existing WHERE. */
    public String andWhere() {
        StringBuilder sql = new StringBuilder();
        for (String condition : conditions) {
            sql.append(" AND (").append(condition).append(')');
        }
        return sql.toString();
    }

    /** {@code ""}, or {@code " WHERE (c1) AND (c2)"} for a query without its own WHERE. */
    public String where() {
        return conditions.isEmpty() ? "" : " WHERE" + andWhere().substring(" AND".length());
    }

    /** {@code " ORDER BY …"}, never empty: it always ends with the tie-breaker, so pages are stable. */
    public String orderBy() {
        return " ORDER BY " + String.join(", ", orderings);
    }

    /** {@code " LIMIT n OFFSET m"}; both are validated numbers, so they are written inline. */
    public String limitOffset() {
        return " LIMIT " + limit + " OFFSET " + offset;
    }

    /** The parameters for a statement whose own {@code ?} come before this filter's. */
    public List<Object> paramsAfter(Object... leading) {
        List<Object> all = new ArrayList<>(Arrays.asList(leading));
        all.addAll(params);
        return all;
    }
}
