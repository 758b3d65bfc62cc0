package dev.berth.preheat;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.api.SqlPage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code p2p_preheat_instance} table (V78). */
@Repository
class InstanceRecords {
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "i.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("name", "i.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("vendor", "i.vendor", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("endpoint", "i.endpoint", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("enabled", "i.enabled", FieldType.BOOLEAN, Use.FILTER)
            .field("default", "i.is_default", FieldType.BOOLEAN, Use.FILTER)
            .field("setup_timestamp", "i.setup_timestamp", FieldType.LONG, Use.FILTER, Use.SORT)
            .defaultSort("id")
            .tieBreaker("i.id")
            .build();

    private static final String COLUMNS = "i.id, i.name, i.description, i.vendor, i.endpoint, i.auth_mode,"
            + " i.auth_info, i.enabled, i.is_default, i.insecure, i.setup_timestamp";

    private final JdbcClient jdbc;

    InstanceRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long nextId() {
        return jdbc.sql("SELECT nextval('p2p_preheat_instance_id_seq')")
                .query(Long.class)
                .single();
    }

    /** False when the name or the endpoint is taken. */
    boolean insert(ProviderInstance i) {
        try {
            jdbc.sql("""
                            INSERT INTO p2p_preheat_instance (id, name, description, vendor, endpoint, auth_mode,
                                   auth_info, enabled, is_default, insecure, setup_timestamp)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(i.id(), i.name(), i.description(), i.vendor(), i.endpoint(), i.authMode())
                    .params(i.sealedAuth().orElse(null), i.enabled(), i.isDefault(), i.insecure(), i.setupTimestamp())
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** False when the new name or endpoint is taken by another instance. */
    boolean update(ProviderInstance i) {
        try {
            jdbc.sql("""
                            UPDATE p2p_preheat_instance SET name = ?, description = ?, endpoint = ?, auth_mode = ?,
                                   auth_info = ?, enabled = ?, is_default = ?, insecure = ?
                             WHERE id = ?""")
                    .params(
                            i.name(),
                            i.description(),
                            i.endpoint(),
                            i.authMode(),
                            i.sealedAuth().orElse(null))
                    .params(i.enabled(), i.isDefault(), i.insecure(), i.id())
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** At most one default instance: Harbor's rule when one is saved as the default. */
    void clearDefaultExcept(long id) {
        jdbc.sql("UPDATE p2p_preheat_instance SET is_default = false WHERE id <> ? AND is_default")
                .param(id)
                .update();
    }

    void delete(long id) {
        jdbc.sql("DELETE FROM p2p_preheat_instance WHERE id = ?").param(id).update();
    }

    Optional<ProviderInstance> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM p2p_preheat_instance i WHERE i.id = ?")
                .param(id)
                .query((rs, n) -> instance(rs))
                .optional();
    }

    Optional<ProviderInstance> findByName(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM p2p_preheat_instance i WHERE i.name = ?")
                .param(name)
                .query((rs, n) -> instance(rs))
                .optional();
    }

    List<ProviderInstance> all() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM p2p_preheat_instance i ORDER BY i.id")
                .query((rs, n) -> instance(rs))
                .list();
    }

    SqlPage<ProviderInstance> list(ListQuery query) {
        SqlFilter sql = query.toSql(FIELDS);
        return SqlPage.read(
                jdbc,
                COLUMNS,
                " FROM p2p_preheat_instance i" + sql.where(),
                sql.params(),
                sql,
                (rs, n) -> instance(rs));
    }

    private static ProviderInstance instance(ResultSet rs) throws SQLException {
        return new ProviderInstance(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("vendor"),
                rs.getString("endpoint"),
                rs.getString("auth_mode"),
                Optional.ofNullable(rs.getString("auth_info")),
                rs.getBoolean("enabled"),
                rs.getBoolean("is_default"),
                rs.getBoolean("insecure"),
                rs.getLong("setup_timestamp"));
    }
}
