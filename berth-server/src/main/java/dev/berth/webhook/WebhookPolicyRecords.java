package dev.berth.webhook;

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
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code webhook_policy} table (V23). */
@Repository
class WebhookPolicyRecords {
    /** What the policy list may filter and sort by; Harbor lists the newest first. */
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "w.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("name", "w.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("enabled", "w.enabled", FieldType.BOOLEAN, Use.FILTER)
            .field("creator", "w.creator", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("creation_time", "w.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "w.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("-creation_time")
            .tieBreaker("w.id")
            .build();

    /** A target as kept in the {@code targets} column. */
    record StoredTarget(
            String type,
            String address,
            boolean skipCertVerify,
            String payloadFormat,
            String authHeader,
            String signingSecret) {
        static StoredTarget of(WebhookTarget t) {
            return new StoredTarget(
                    t.type(),
                    t.address(),
                    t.skipCertVerify(),
                    t.payloadFormat(),
                    t.authHeader().orElse(null),
                    t.signingSecret().orElse(null));
        }

        WebhookTarget target() {
            return new WebhookTarget(
                    type,
                    address,
                    skipCertVerify,
                    payloadFormat == null ? "" : payloadFormat,
                    Optional.ofNullable(authHeader),
                    Optional.ofNullable(signingSecret));
        }
    }

    private static final TypeReference<List<StoredTarget>> TARGETS = new TypeReference<>() {};
    private static final String COLUMNS = "w.id, w.project_id, w.name, w.description, w.event_types,"
            + " w.targets::text AS targets, w.creator, w.enabled, w.creation_time, w.update_time";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    WebhookPolicyRecords(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A new policy's id, taken before its row is written (its secrets are sealed for it). */
    long nextId() {
        return jdbc.sql("SELECT nextval('webhook_policy_id_seq')")
                .query(Long.class)
                .single();
    }

    /** Writes a new policy with the id from {@link #nextId}; empty when its name is taken in the project. */
    boolean insert(WebhookPolicy p) {
        try {
            jdbc.sql("""
                            INSERT INTO webhook_policy (id, project_id, name, description, event_types, targets,
                                                        creator, enabled, creation_time, update_time)
                            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)""")
                    .params(
                            p.id(),
                            p.projectId(),
                            p.name(),
                            p.description(),
                            p.eventTypes().toArray(String[]::new))
                    .params(targetsJson(p.targets()), p.creator(), p.enabled())
                    .params(utc(p.creationTime()), utc(p.updateTime()))
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** Replaces the policy's editable fields; false when its new name is taken in the project. */
    boolean update(WebhookPolicy p) {
        try {
            jdbc.sql("""
                            UPDATE webhook_policy SET name = ?, description = ?, event_types = ?, targets = ?::jsonb,
                                                      enabled = ?, update_time = ?
                             WHERE id = ? AND project_id = ?""")
                    .params(p.name(), p.description(), p.eventTypes().toArray(String[]::new))
                    .params(targetsJson(p.targets()), p.enabled(), utc(p.updateTime()), p.id(), p.projectId())
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    boolean delete(long projectId, long id) {
        return jdbc.sql("DELETE FROM webhook_policy WHERE id = ? AND project_id = ?")
                        .params(id, projectId)
                        .update()
                > 0;
    }

    /** The policy if it belongs to the project: an id of another project is not found. */
    Optional<WebhookPolicy> find(long projectId, long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_policy w WHERE w.id = ? AND w.project_id = ?")
                .params(id, projectId)
                .query((rs, i) -> policy(rs))
                .optional();
    }

    /** Any project's policy, for deliveries already queued. */
    Optional<WebhookPolicy> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_policy w WHERE w.id = ?")
                .param(id)
                .query((rs, i) -> policy(rs))
                .optional();
    }

    SqlPage<WebhookPolicy> list(long projectId, ListQuery query) {
        SqlFilter sql = query.toSql(FIELDS);
        List<Object> params = new ArrayList<>(List.of(projectId));
        params.addAll(sql.params());
        return SqlPage.read(
                jdbc,
                COLUMNS,
                " FROM webhook_policy w WHERE w.project_id = ?" + sql.andWhere(),
                params,
                sql,
                (rs, i) -> policy(rs));
    }

    /** Every policy of the project, oldest first. */
    List<WebhookPolicy> ofProject(long projectId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_policy w WHERE w.project_id = ? ORDER BY w.id")
                .param(projectId)
                .query((rs, i) -> policy(rs))
                .list();
    }

    /** The enabled policies of these projects that listen to any of the types, oldest first. */
    List<WebhookPolicy> listening(List<Long> projectIds, List<String> eventTypes) {
        return jdbc.sql("SELECT " + COLUMNS + """
                         FROM webhook_policy w
                        WHERE w.enabled AND w.project_id = ANY (?) AND w.event_types && CAST(? AS text[])
                        ORDER BY w.id""")
                .params(projectIds.toArray(Long[]::new), eventTypes.toArray(String[]::new))
                .query((rs, i) -> policy(rs))
                .list();
    }

    private String targetsJson(List<WebhookTarget> targets) {
        return json.writeValueAsString(targets.stream().map(StoredTarget::of).toList());
    }

    private WebhookPolicy policy(ResultSet rs) throws SQLException {
        return new WebhookPolicy(
                rs.getLong("id"),
                rs.getLong("project_id"),
                rs.getString("name"),
                rs.getString("description"),
                List.of((String[]) rs.getArray("event_types").getArray()),
                json.readValue(rs.getString("targets"), TARGETS).stream()
                        .map(StoredTarget::target)
                        .toList(),
                rs.getString("creator"),
                rs.getBoolean("enabled"),
                rs.getObject("creation_time", OffsetDateTime.class).toInstant(),
                rs.getObject("update_time", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
