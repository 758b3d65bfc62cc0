package dev.berth.api;

import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One page of a list read with a {@link SqlFilter}: the total count of what {@code from} selects,
 * then the page's rows (no row query at all when the page lies past the end).
 *
 * @param total how many rows the whole list has, for {@code X-Total-Count}
 */
public record SqlPage<T>(long total, List<T> rows) {
    public SqlPage {
        rows = List.copyOf(rows);
    }

    /**
     * @param columns the select list, e.g. {@code "l.id, l.name"}
     * @param from {@code " FROM … WHERE …"} ending with {@code filter.andWhere()} (or {@code where()})
     * @param params the values for every {@code ?} in {@code from}, the filter's included
     */
    public static <T> SqlPage<T> read(
            JdbcClient jdbc, String columns, String from, List<Object> params, SqlFilter filter, RowMapper<T> rows) {
        long total = jdbc.sql("SELECT count(*)" + from)
                .params(params)
                .query(Long.class)
                .single();
        if (total == 0 || filter.offset() >= total) {
            return new SqlPage<>(total, List.of());
        }
        return new SqlPage<>(
                total,
                jdbc.sql("SELECT " + columns + from + filter.orderBy() + filter.limitOffset())
                        .params(params)
                        .query(rows)
                        .list());
    }
}
