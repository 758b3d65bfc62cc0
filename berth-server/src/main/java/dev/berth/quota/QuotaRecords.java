package dev.berth.quota;

import dev.berth.api.FieldType;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Quotas as Harbor shows them. Each project has exactly one, so a quota's id is its project's id;
 * the limit is {@code project.storage_limit} and usage is summed from {@code project_blob}.
 */
@Repository
class QuotaRecords {
    private static final String USED =
            "(SELECT COALESCE(sum(pb.size), 0) FROM project_blob pb WHERE pb.project_id = p.id)";

    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "p.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("creation_time", "p.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "p.quota_update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("hard.storage", "p.storage_limit", FieldType.LONG, Use.SORT)
            .field("used.storage", USED, FieldType.LONG, Use.SORT)
            .defaultSort("id")
            .tieBreaker("p.id")
            .build();

    record Quota(
            long id, String projectName, String ownerName, long hard, long used, Instant created, Instant updated) {}

    private static final String SELECT = "SELECT p.id, p.name, u.username, p.storage_limit, " + USED
            + " AS used, p.creation_time, p.quota_update_time FROM project p LEFT JOIN app_user u ON u.id = p.owner_id";

    private final JdbcClient jdbc;

    QuotaRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code referenceId} narrows to one project when present. */
    List<Quota> page(Optional<Long> referenceId, SqlFilter filter) {
        return jdbc.sql(SELECT + " WHERE " + scope(referenceId) + filter.andWhere() + filter.orderBy()
                        + filter.limitOffset())
                .params(params(referenceId, filter))
                .query(QuotaRecords::quota)
                .list();
    }

    long count(Optional<Long> referenceId, SqlFilter filter) {
        return jdbc.sql("SELECT count(*) FROM project p WHERE " + scope(referenceId) + filter.andWhere())
                .params(params(referenceId, filter))
                .query(Long.class)
                .single();
    }

    Optional<Quota> find(long id) {
        return jdbc.sql(SELECT + " WHERE p.id = ?")
                .param(id)
                .query(QuotaRecords::quota)
                .optional();
    }

    boolean setHard(long id, long storage) {
        return jdbc.sql("UPDATE project SET storage_limit = ?, quota_update_time = now() WHERE id = ?")
                        .param(storage)
                        .param(id)
                        .update()
                > 0;
    }

    private static String scope(Optional<Long> referenceId) {
        return referenceId.isPresent() ? "p.id = ?" : "true";
    }

    private static List<Object> params(Optional<Long> referenceId, SqlFilter filter) {
        List<Object> params = new ArrayList<>();
        referenceId.ifPresent(params::add);
        return filter.paramsAfter(params.toArray());
    }

    private static Quota quota(ResultSet rs, int i) throws SQLException {
        return new Quota(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getLong(5),
                rs.getTimestamp(6).toInstant(),
                rs.getTimestamp(7).toInstant());
    }
}
