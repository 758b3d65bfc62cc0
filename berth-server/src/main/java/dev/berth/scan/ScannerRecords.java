package dev.berth.scan;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.api.SqlPage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code scanner_registration} and {@code project_scanner} tables. */
@Repository
class ScannerRecords {
    static final QueryFields FIELDS = QueryFields.builder()
            .field("name", "s.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("description", "s.description", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("url", "s.url", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("uuid", "s.uuid", FieldType.STRING, Use.FILTER)
            .field("disabled", "s.disabled", FieldType.BOOLEAN, Use.FILTER)
            // The built-in scanner's row is the default while no adapter's is (it is listed only when
            // berth.scan.builtin-default is on, which is when that rule holds).
            .field(
                    "is_default",
                    "(s.is_default OR (s.immutable AND NOT EXISTS"
                            + " (SELECT 1 FROM scanner_registration d WHERE d.is_default)))",
                    FieldType.BOOLEAN,
                    Use.FILTER)
            .field("create_time", "s.create_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "s.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("create_time")
            .tieBreaker("s.id")
            .build();

    private static final String COLUMNS = """
            s.id, s.uuid, s.name, s.description, s.url, s.auth, s.access_credential, s.skip_cert_verify,
            s.use_internal_addr, s.disabled, s.is_default, s.immutable, s.create_time, s.update_time""";

    private final JdbcClient jdbc;

    ScannerRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    SqlPage<ScannerRegistration> list(ListQuery query, String extraWhere, List<Object> extraParams) {
        SqlFilter sql = query.toSql(FIELDS);
        List<Object> params = new ArrayList<>(extraParams);
        params.addAll(sql.params());
        return SqlPage.read(
                jdbc,
                COLUMNS,
                " FROM scanner_registration s WHERE true" + extraWhere + sql.andWhere(),
                params,
                sql,
                (rs, i) -> row(rs));
    }

    Optional<ScannerRegistration> find(String uuid) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM scanner_registration s WHERE s.uuid = ?")
                .param(uuid)
                .query((rs, i) -> row(rs))
                .optional();
    }

    Optional<ScannerRegistration> findByName(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM scanner_registration s WHERE s.name = ?")
                .param(name)
                .query((rs, i) -> row(rs))
                .optional();
    }

    Optional<ScannerRegistration> findDefault() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM scanner_registration s WHERE s.is_default")
                .query((rs, i) -> row(rs))
                .optional();
    }

    Optional<ScannerRegistration> ofProject(long projectId) {
        return jdbc.sql("SELECT " + COLUMNS
                        + " FROM project_scanner ps JOIN scanner_registration s ON s.id = ps.registration_id"
                        + " WHERE ps.project_id = ?")
                .param(projectId)
                .query((rs, i) -> row(rs))
                .optional();
    }

    boolean named(String name) {
        return jdbc.sql("SELECT count(*) FROM scanner_registration WHERE name = ?")
                        .param(name)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Whether any adapter is registered (the built-in scanner's row aside). */
    boolean anyAdapter() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM scanner_registration WHERE NOT immutable)")
                .query(Boolean.class)
                .single();
    }

    void insert(ScannerRegistration r) {
        jdbc.sql("""
                        INSERT INTO scanner_registration (uuid, name, description, url, auth, access_credential,
                            skip_cert_verify, use_internal_addr, disabled, is_default, create_time, update_time)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                .params(
                        r.uuid(),
                        r.name(),
                        r.description(),
                        r.url(),
                        r.auth(),
                        r.sealedCredential().orElse(null),
                        r.skipCertVerify(),
                        r.useInternalAddr(),
                        r.disabled(),
                        r.isDefault(),
                        Timestamp.from(r.createTime()),
                        Timestamp.from(r.updateTime()))
                .update();
    }

    void update(ScannerRegistration r) {
        jdbc.sql("""
                        UPDATE scanner_registration SET name = ?, description = ?, url = ?, auth = ?,
                            access_credential = ?, skip_cert_verify = ?, use_internal_addr = ?, disabled = ?,
                            update_time = ?
                        WHERE uuid = ? AND NOT immutable
                        """)
                .params(
                        r.name(),
                        r.description(),
                        r.url(),
                        r.auth(),
                        r.sealedCredential().orElse(null),
                        r.skipCertVerify(),
                        r.useInternalAddr(),
                        r.disabled(),
                        Timestamp.from(r.updateTime()),
                        r.uuid())
                .update();
    }

    boolean delete(String uuid) {
        return jdbc.sql("DELETE FROM scanner_registration WHERE uuid = ? AND NOT immutable")
                        .param(uuid)
                        .update()
                > 0;
    }

    /** Makes {@code uuid} the one default (callers hold a transaction). */
    void setDefault(String uuid, Instant now) {
        jdbc.sql("UPDATE scanner_registration SET is_default = false, update_time = ? WHERE is_default AND uuid <> ?")
                .params(Timestamp.from(now), uuid)
                .update();
        jdbc.sql("UPDATE scanner_registration SET is_default = true, update_time = ? WHERE uuid = ? AND NOT is_default")
                .params(Timestamp.from(now), uuid)
                .update();
    }

    void unsetDefault(String uuid, Instant now) {
        jdbc.sql("UPDATE scanner_registration SET is_default = false, update_time = ? WHERE uuid = ? AND is_default")
                .params(Timestamp.from(now), uuid)
                .update();
    }

    void setProjectScanner(long projectId, long registrationId) {
        jdbc.sql("""
                        INSERT INTO project_scanner (project_id, registration_id) VALUES (?, ?)
                        ON CONFLICT (project_id) DO UPDATE SET registration_id = EXCLUDED.registration_id
                        """).params(projectId, registrationId).update();
    }

    private static ScannerRegistration row(ResultSet rs) throws SQLException {
        return new ScannerRegistration(
                rs.getLong("id"),
                rs.getString("uuid"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("url"),
                rs.getString("auth"),
                Optional.ofNullable(rs.getString("access_credential")),
                rs.getBoolean("skip_cert_verify"),
                rs.getBoolean("use_internal_addr"),
                rs.getBoolean("disabled"),
                rs.getBoolean("is_default"),
                rs.getBoolean("immutable"),
                rs.getTimestamp("create_time").toInstant(),
                rs.getTimestamp("update_time").toInstant());
    }
}
