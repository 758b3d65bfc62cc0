package dev.berth.replication;

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
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code replication_policy} table (V73). */
@Repository
class ReplicationPolicyRecords {
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "p.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("name", "p.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("enabled", "p.enabled", FieldType.BOOLEAN, Use.FILTER)
            .field("src_registry_id", "p.src_registry_id", FieldType.LONG, Use.FILTER)
            .field("dest_registry_id", "p.dest_registry_id", FieldType.LONG, Use.FILTER)
            .field("creation_time", "p.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "p.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("-creation_time")
            .tieBreaker("p.id")
            .build();

    private static final TypeReference<List<PolicyFilter>> FILTERS = new TypeReference<>() {};
    private static final String COLUMNS = "p.id, p.name, p.description, p.creator, p.src_registry_id,"
            + " p.dest_registry_id, p.dest_namespace, p.dest_namespace_replace_count, p.filters::text AS filters,"
            + " p.trigger::text AS trigger, p.replicate_deletion, p.override, p.enabled, p.speed, p.copy_by_chunk,"
            + " p.single_active_replication, p.creation_time, p.update_time";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ReplicationPolicyRecords(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The new policy's id; empty when the name is taken. */
    Optional<Long> insert(ReplicationPolicy p) {
        try {
            return Optional.of(jdbc.sql("""
                            INSERT INTO replication_policy (name, description, creator, src_registry_id,
                                dest_registry_id, dest_namespace, dest_namespace_replace_count, filters, trigger,
                                replicate_deletion, override, enabled, speed, copy_by_chunk,
                                single_active_replication, creation_time, update_time)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?)
                            RETURNING id""")
                    .params(p.name(), p.description(), p.creator(), p.srcRegistryId(), p.destRegistryId())
                    .params(p.destNamespace(), p.destNamespaceReplaceCount())
                    .params(json.writeValueAsString(p.filters()), json.writeValueAsString(p.trigger()))
                    .params(p.replicateDeletion(), p.override(), p.enabled(), p.speed(), p.copyByChunk())
                    .params(p.singleActiveReplication(), utc(p.creationTime()), utc(p.updateTime()))
                    .query(Long.class)
                    .single());
        } catch (DuplicateKeyException e) {
            return Optional.empty();
        }
    }

    /** False when the new name is taken. */
    boolean update(ReplicationPolicy p) {
        try {
            jdbc.sql("""
                            UPDATE replication_policy
                               SET name = ?, description = ?, src_registry_id = ?, dest_registry_id = ?,
                                   dest_namespace = ?, dest_namespace_replace_count = ?, filters = ?::jsonb,
                                   trigger = ?::jsonb, replicate_deletion = ?, override = ?, enabled = ?, speed = ?,
                                   copy_by_chunk = ?, single_active_replication = ?, update_time = ?
                             WHERE id = ?""")
                    .params(p.name(), p.description(), p.srcRegistryId(), p.destRegistryId())
                    .params(p.destNamespace(), p.destNamespaceReplaceCount())
                    .params(json.writeValueAsString(p.filters()), json.writeValueAsString(p.trigger()))
                    .params(p.replicateDeletion(), p.override(), p.enabled(), p.speed(), p.copyByChunk())
                    .params(p.singleActiveReplication(), utc(p.updateTime()), p.id())
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    boolean delete(long id) {
        return jdbc.sql("DELETE FROM replication_policy WHERE id = ?").param(id).update() > 0;
    }

    Optional<Long> idOf(String name) {
        return jdbc.sql("SELECT id FROM replication_policy WHERE name = ?")
                .param(name)
                .query(Long.class)
                .optional();
    }

    Optional<ReplicationPolicy> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM replication_policy p WHERE p.id = ?")
                .param(id)
                .query((rs, i) -> policy(rs))
                .optional();
    }

    SqlPage<ReplicationPolicy> list(ListQuery query) {
        SqlFilter sql = query.toSql(FIELDS);
        return SqlPage.read(
                jdbc, COLUMNS, " FROM replication_policy p" + sql.where(), sql.params(), sql, (rs, i) -> policy(rs));
    }

    /** How many policies name the endpoint as source or destination. */
    long countUsing(long registryId) {
        return jdbc.sql("SELECT count(*) FROM replication_policy WHERE src_registry_id = ? OR dest_registry_id = ?")
                .params(registryId, registryId)
                .query(Long.class)
                .single();
    }

    /** The enabled event-based policies that push from this Berth. */
    List<ReplicationPolicy> eventBasedPush() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM replication_policy p"
                        + " WHERE p.enabled AND p.src_registry_id = 0 AND p.trigger->>'type' = 'event_based'"
                        + " ORDER BY p.id")
                .query((rs, i) -> policy(rs))
                .list();
    }

    private ReplicationPolicy policy(ResultSet rs) throws SQLException {
        return new ReplicationPolicy(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("creator"),
                rs.getLong("src_registry_id"),
                rs.getLong("dest_registry_id"),
                rs.getString("dest_namespace"),
                rs.getInt("dest_namespace_replace_count"),
                json.readValue(rs.getString("filters"), FILTERS),
                json.readValue(rs.getString("trigger"), PolicyTrigger.class),
                rs.getBoolean("replicate_deletion"),
                rs.getBoolean("override"),
                rs.getBoolean("enabled"),
                rs.getInt("speed"),
                rs.getBoolean("copy_by_chunk"),
                rs.getBoolean("single_active_replication"),
                rs.getObject("creation_time", OffsetDateTime.class).toInstant(),
                rs.getObject("update_time", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
