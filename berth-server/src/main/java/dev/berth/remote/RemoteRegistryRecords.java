package dev.berth.remote;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.api.SqlPage;
import dev.berth.crypto.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code remote_registry} table (V72). Access keys and secrets are sealed here on the way in and
 * opened on the way out, each bound to its row and field, so a value copied into another row does
 * not open there.
 */
@Repository
class RemoteRegistryRecords {
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "r.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("name", "r.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("type", "r.type", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("url", "r.url", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("description", "r.description", FieldType.STRING, Use.FILTER)
            .field("status", "r.status", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("insecure", "r.insecure", FieldType.BOOLEAN, Use.FILTER)
            .field("creation_time", "r.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "r.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("-creation_time")
            .tieBreaker("r.id")
            .build();

    private static final String COLUMNS = "r.id, r.name, r.description, r.type, r.url, r.insecure, r.credential_type,"
            + " r.access_key, r.access_secret, r.status, r.creation_time, r.update_time";

    private final JdbcClient jdbc;
    private final SecretBox secrets;

    RemoteRegistryRecords(JdbcClient jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    static String keyContext(long id) {
        return "remote_registry:" + id + ":access_key";
    }

    static String secretContext(long id) {
        return "remote_registry:" + id + ":access_secret";
    }

    long nextId() {
        return jdbc.sql("SELECT nextval('remote_registry_id_seq')")
                .query(Long.class)
                .single();
    }

    /** The endpoint of this name. */
    Optional<Long> idOf(String name) {
        return jdbc.sql("SELECT id FROM remote_registry WHERE name = ?")
                .param(name)
                .query(Long.class)
                .optional();
    }

    /** Writes a new endpoint with an id from {@link #nextId}; false when its name is taken. */
    boolean insert(RemoteRegistry r) {
        try {
            jdbc.sql("""
                            INSERT INTO remote_registry (id, name, description, type, url, insecure, credential_type,
                                                         access_key, access_secret, status, creation_time, update_time)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(r.id(), r.name(), r.description(), r.type(), r.url(), r.insecure())
                    .params(sealed(r))
                    .params(r.status(), utc(r.creationTime()), utc(r.updateTime()))
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** Replaces the editable fields; false when the new name is taken. */
    boolean update(RemoteRegistry r) {
        try {
            jdbc.sql("""
                            UPDATE remote_registry
                               SET name = ?, description = ?, type = ?, url = ?, insecure = ?, credential_type = ?,
                                   access_key = ?, access_secret = ?, status = ?, update_time = ?
                             WHERE id = ?""")
                    .params(r.name(), r.description(), r.type(), r.url(), r.insecure())
                    .params(sealed(r))
                    .params(r.status(), utc(r.updateTime()), r.id())
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    boolean delete(long id) {
        return jdbc.sql("DELETE FROM remote_registry WHERE id = ?").param(id).update() > 0;
    }

    Optional<RemoteRegistry> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM remote_registry r WHERE r.id = ?")
                .param(id)
                .query((rs, i) -> registry(rs))
                .optional();
    }

    SqlPage<RemoteRegistry> list(ListQuery query) {
        SqlFilter sql = query.toSql(FIELDS);
        return SqlPage.read(
                jdbc, COLUMNS, " FROM remote_registry r" + sql.where(), sql.params(), sql, (rs, i) -> registry(rs));
    }

    private Object[] sealed(RemoteRegistry r) {
        Optional<Credential> c = r.credential();
        return new Object[] {
            c.map(Credential::type).orElse(null),
            c.map(Credential::accessKey)
                    .filter(k -> !k.isEmpty())
                    .map(k -> secrets.seal(k, keyContext(r.id())))
                    .orElse(null),
            c.map(Credential::accessSecret)
                    .filter(s -> !s.isEmpty())
                    .map(s -> secrets.seal(s, secretContext(r.id())))
                    .orElse(null)
        };
    }

    private RemoteRegistry registry(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String type = rs.getString("credential_type");
        String key = rs.getString("access_key");
        String secret = rs.getString("access_secret");
        Optional<Credential> credential = type == null && key == null && secret == null
                ? Optional.empty()
                : Optional.of(new Credential(
                        type,
                        key == null ? "" : secrets.open(key, keyContext(id)),
                        secret == null ? "" : secrets.open(secret, secretContext(id))));
        return new RemoteRegistry(
                id,
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("type"),
                rs.getString("url"),
                rs.getBoolean("insecure"),
                credential,
                rs.getString("status"),
                rs.getObject("creation_time", OffsetDateTime.class).toInstant(),
                rs.getObject("update_time", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
