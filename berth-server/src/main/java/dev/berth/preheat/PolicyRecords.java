package dev.berth.preheat;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.api.SqlPage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code p2p_preheat_policy} table (V78). */
@Repository
class PolicyRecords {
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "p.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("name", "p.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("provider_id", "p.provider_id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("enabled", "p.enabled", FieldType.BOOLEAN, Use.FILTER)
            .field("creation_time", "p.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "p.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("-id")
            .tieBreaker("p.id")
            .build();

    private static final String COLUMNS = "p.id, p.name, p.description, p.project_id, p.provider_id, p.filters,"
            + " p.trigger, p.enabled, p.extra_attrs, p.creation_time, p.update_time";

    private final JdbcClient jdbc;

    PolicyRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The new policy's id; empty when the name is taken in the project. */
    Optional<Long> insert(PreheatPolicy p) {
        try {
            return Optional.of(jdbc.sql("""
                            INSERT INTO p2p_preheat_policy (name, description, project_id, provider_id, filters, trigger,
                                   enabled, extra_attrs, creation_time, update_time)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")
                    .params(p.name(), p.description(), p.projectId(), p.providerId(), p.filters(), p.trigger())
                    .params(p.enabled(), p.extraAttrs(), utc(p.creationTime()), utc(p.updateTime()))
                    .query(Long.class)
                    .single());
        } catch (DuplicateKeyException e) {
            return Optional.empty();
        }
    }

    /** False when the new name is taken in the project. */
    boolean update(PreheatPolicy p) {
        try {
            jdbc.sql("""
                            UPDATE p2p_preheat_policy SET name = ?, description = ?, provider_id = ?, filters = ?,
                                   trigger = ?, enabled = ?, extra_attrs = ?, update_time = ?
                             WHERE id = ? AND project_id = ?""")
                    .params(p.name(), p.description(), p.providerId(), p.filters(), p.trigger(), p.enabled())
                    .params(p.extraAttrs(), utc(p.updateTime()), p.id(), p.projectId())
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    void delete(long projectId, long id) {
        jdbc.sql("DELETE FROM p2p_preheat_policy WHERE id = ? AND project_id = ?")
                .params(id, projectId)
                .update();
    }

    Optional<PreheatPolicy> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM p2p_preheat_policy p WHERE p.id = ?")
                .param(id)
                .query((rs, i) -> policy(rs))
                .optional();
    }

    /** The project's policy of this name: a name in another project is not found. */
    Optional<PreheatPolicy> findByName(long projectId, String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM p2p_preheat_policy p WHERE p.project_id = ? AND p.name = ?")
                .params(projectId, name)
                .query((rs, i) -> policy(rs))
                .optional();
    }

    long countByProvider(long providerId) {
        return jdbc.sql("SELECT count(*) FROM p2p_preheat_policy WHERE provider_id = ?")
                .param(providerId)
                .query(Long.class)
                .single();
    }

    /** The enabled policies of these projects, oldest first (the event consumer picks event_based ones). */
    List<PreheatPolicy> enabledOf(List<Long> projectIds) {
        return jdbc.sql("SELECT " + COLUMNS
                        + " FROM p2p_preheat_policy p WHERE p.enabled AND p.project_id = ANY (?) ORDER BY p.id")
                .param(projectIds.toArray(Long[]::new))
                .query((rs, i) -> policy(rs))
                .list();
    }

    SqlPage<PreheatPolicy> list(long projectId, ListQuery query) {
        SqlFilter sql = query.toSql(FIELDS);
        List<Object> params = new ArrayList<>(List.of(projectId));
        params.addAll(sql.params());
        return SqlPage.read(
                jdbc,
                COLUMNS,
                " FROM p2p_preheat_policy p WHERE p.project_id = ?" + sql.andWhere(),
                params,
                sql,
                (rs, i) -> policy(rs));
    }

    private static PreheatPolicy policy(ResultSet rs) throws SQLException {
        return new PreheatPolicy(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getLong("project_id"),
                rs.getLong("provider_id"),
                rs.getString("filters"),
                rs.getString("trigger"),
                rs.getBoolean("enabled"),
                rs.getString("extra_attrs"),
                rs.getObject("creation_time", OffsetDateTime.class).toInstant(),
                rs.getObject("update_time", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
