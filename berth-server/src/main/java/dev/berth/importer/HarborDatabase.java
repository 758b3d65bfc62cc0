package dev.berth.importer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A Harbor 2.x database, read and never written: the session is read-only from the first
 * statement. Reads only columns every schema from Harbor 2.8 to 2.15 has; columns that came later
 * ({@code artifact.artifact_type} in 2.11, {@code robot.creator_*} in 2.12) are not needed.
 */
final class HarborDatabase implements AutoCloseable {
    private final Connection connection;
    private final Set<String> tables = new HashSet<>();

    private HarborDatabase(Connection connection) throws SQLException {
        this.connection = connection;
        try (ResultSet rs = connection
                .createStatement()
                .executeQuery(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
    }

    static HarborDatabase open(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        if (user != null && !user.isBlank()) {
            props.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        // Read-only on the server's side as well as the driver's: nothing this session runs can write.
        props.setProperty("options", "-c default_transaction_read_only=on");
        props.setProperty("ApplicationName", "berth-import-harbor");
        Connection c = DriverManager.getConnection(url, props);
        try (Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = on");
        }
        c.setReadOnly(true);
        HarborDatabase db = new HarborDatabase(c);
        if (!db.tables.contains("harbor_user") || !db.tables.contains("artifact") || !db.tables.contains("project")) {
            c.close();
            throw new IllegalArgumentException(
                    "not a Harbor 2.x database (no harbor_user, project and artifact tables)");
        }
        return db;
    }

    /** Harbor's schema version, from its migration tool's table, when present. */
    Optional<String> schemaVersion() throws SQLException {
        if (!tables.contains("schema_migrations")) {
            return Optional.empty();
        }
        return one("SELECT version::text FROM schema_migrations ORDER BY version DESC LIMIT 1", rs -> rs.getString(1));
    }

    record User(
            long id,
            String username,
            String email,
            String realname,
            String comment,
            String password,
            String salt,
            String passwordVersion,
            boolean sysadmin) {}

    List<User> users() throws SQLException {
        return list(
                """
                SELECT user_id, username, email, realname, comment, password, salt, password_version, sysadmin_flag
                FROM harbor_user WHERE NOT deleted ORDER BY user_id
                """,
                rs -> new User(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getBoolean(9)));
    }

    record Group(long id, String name, int type, String ldapDn) {}

    List<Group> groups() throws SQLException {
        return list(
                "SELECT id, group_name, group_type, ldap_group_dn FROM user_group ORDER BY id",
                rs -> new Group(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4)));
    }

    record Project(
            long id, String name, long ownerId, Instant created, long registryId, Map<String, String> metadata) {}

    List<Project> projects() throws SQLException {
        boolean hasRegistry = hasColumn("project", "registry_id");
        List<Project> projects = list(
                "SELECT project_id, name, owner_id, creation_time, "
                        + (hasRegistry ? "COALESCE(registry_id, 0)" : "0")
                        + " FROM project WHERE NOT deleted ORDER BY project_id",
                rs -> new Project(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getLong(3),
                        instant(rs.getTimestamp(4)),
                        rs.getLong(5),
                        Map.of()));
        Map<Long, Map<String, String>> metadata = new HashMap<>();
        for (String[] row : list("SELECT project_id::text, name, value FROM project_metadata", rs ->
                new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})) {
            metadata.computeIfAbsent(Long.parseLong(row[0]), k -> new HashMap<>())
                    .put(row[1], row[2] == null ? "" : row[2]);
        }
        return projects.stream()
                .map(p -> new Project(
                        p.id(),
                        p.name(),
                        p.ownerId(),
                        p.created(),
                        p.registryId(),
                        metadata.getOrDefault(p.id(), Map.of())))
                .toList();
    }

    /** Storage limits by project id (bytes; -1 unlimited), from Harbor's quota table. */
    Map<Long, Long> storageLimits() throws SQLException {
        Map<Long, Long> limits = new HashMap<>();
        if (!tables.contains("quota")) {
            return limits;
        }
        for (String[] row :
                list("SELECT reference_id, hard::jsonb ->> 'storage' FROM quota WHERE reference = 'project'", rs ->
                        new String[] {rs.getString(1), rs.getString(2)})) {
            try {
                limits.put(Long.parseLong(row[0]), Long.parseLong(row[1]));
            } catch (NumberFormatException | NullPointerException e) {
                // a quota without a storage limit: unlimited
            }
        }
        return limits;
    }

    record Member(long projectId, long entityId, String entityType, int role) {}

    List<Member> members() throws SQLException {
        return list(
                "SELECT project_id, entity_id, entity_type, role FROM project_member ORDER BY id",
                rs -> new Member(rs.getLong(1), rs.getLong(2), rs.getString(3).trim(), rs.getInt(4)));
    }

    record Label(long id, String name, String description, String color, String scope, long projectId) {}

    List<Label> labels() throws SQLException {
        if (!tables.contains("harbor_label")) {
            return List.of();
        }
        return list(
                """
                SELECT id, name, COALESCE(description, ''), COALESCE(color, ''), scope, COALESCE(project_id, 0)
                FROM harbor_label WHERE NOT deleted ORDER BY id
                """,
                rs -> new Label(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5).trim(),
                        rs.getLong(6)));
    }

    record LabelReference(long labelId, long artifactId) {}

    List<LabelReference> labelReferences() throws SQLException {
        if (!tables.contains("label_reference")) {
            return List.of();
        }
        return list(
                "SELECT label_id, artifact_id FROM label_reference ORDER BY id",
                rs -> new LabelReference(rs.getLong(1), rs.getLong(2)));
    }

    record ImmutableRule(long id, long projectId, String json, boolean disabled) {}

    List<ImmutableRule> immutableRules() throws SQLException {
        if (!tables.contains("immutable_tag_rule")) {
            return List.of();
        }
        return list(
                "SELECT id, project_id, tag_filter, disabled FROM immutable_tag_rule ORDER BY id",
                rs -> new ImmutableRule(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4)));
    }

    /** A project's retention policy: Harbor's {@code retention_policy}, its {@code data} the API's JSON. */
    record RetentionPolicy(long id, long projectId, String json) {}

    List<RetentionPolicy> retentionPolicies() throws SQLException {
        if (!tables.contains("retention_policy")) {
            return List.of();
        }
        return list(
                "SELECT id, scope_reference, data FROM retention_policy WHERE scope_level = 'project' ORDER BY id",
                rs -> new RetentionPolicy(rs.getLong(1), rs.getLong(2), rs.getString(3)));
    }

    record WebhookPolicy(
            long id,
            long projectId,
            String name,
            String description,
            String targets,
            String eventTypes,
            String creator,
            boolean enabled) {}

    List<WebhookPolicy> webhookPolicies() throws SQLException {
        if (!tables.contains("notification_policy")) {
            return List.of();
        }
        return list(
                """
                SELECT id, project_id, name, COALESCE(description, ''), COALESCE(targets, '[]'),
                       COALESCE(event_types, '[]'), COALESCE(creator, ''), enabled
                FROM notification_policy ORDER BY id
                """,
                rs -> new WebhookPolicy(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getBoolean(8)));
    }

    /**
     * A robot account as Harbor keeps it: {@code name} without Harbor's display prefix
     * ({@code robot$}), "project+name" for project robots; hidden robots (Harbor's own, for scan
     * jobs) are left out.
     */
    record Robot(
            long id,
            String name,
            String description,
            long projectId,
            boolean disabled,
            long duration,
            long expiresAt,
            List<RobotPermission> permissions) {}

    /** One grant: Harbor's scope ({@code /system}, {@code /project/*}, {@code /project/<id>}), resource, action. */
    record RobotPermission(String scope, String resource, String action, String effect) {}

    List<Robot> robots() throws SQLException {
        Map<Long, List<RobotPermission>> grants = new HashMap<>();
        if (tables.contains("role_permission") && tables.contains("permission_policy")) {
            for (Object[] row : list("""
                    SELECT rp.role_id, pp.scope, COALESCE(pp.resource, ''), COALESCE(pp.action, ''),
                           COALESCE(pp.effect, 'allow')
                    FROM role_permission rp JOIN permission_policy pp ON pp.id = rp.permission_policy_id
                    WHERE rp.role_type = 'robotaccount' ORDER BY rp.id
                    """, rs -> new Object[] {
                rs.getLong(1), new RobotPermission(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5))
            })) {
                grants.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((RobotPermission) row[1]);
            }
        }
        boolean hasVisible = hasColumn("robot", "visible");
        return list(
                "SELECT id, name, COALESCE(description, ''), COALESCE(project_id, 0), disabled, COALESCE(duration, -1),"
                        + " COALESCE(expiresat, -1) FROM robot"
                        + (hasVisible ? " WHERE visible" : "") + " ORDER BY id",
                rs -> new Robot(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getBoolean(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        List.copyOf(grants.getOrDefault(rs.getLong(1), List.of()))));
    }

    /** A registry endpoint; {@code accessSecret} as Harbor stores it (encrypted with its key). */
    record Registry(
            long id,
            String name,
            String description,
            String type,
            String url,
            boolean insecure,
            String credentialType,
            String accessKey,
            String accessSecret) {}

    List<Registry> registries() throws SQLException {
        if (!tables.contains("registry")) {
            return List.of();
        }
        return list(
                """
                SELECT id, name, COALESCE(description, ''), COALESCE(type, ''), COALESCE(url, ''), insecure,
                       COALESCE(credential_type, ''), COALESCE(access_key, ''), COALESCE(access_secret, '')
                FROM registry ORDER BY id
                """,
                rs -> new Registry(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getBoolean(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9)));
    }

    /** A scanner registration; Harbor keeps its access credential as given. */
    record Scanner(
            String name,
            String description,
            String url,
            String auth,
            String accessCredential,
            boolean disabled,
            boolean skipCertVerify,
            boolean useInternalAddr) {}

    List<Scanner> scanners() throws SQLException {
        if (!tables.contains("scanner_registration")) {
            return List.of();
        }
        return list(
                """
                SELECT name, COALESCE(description, ''), url, COALESCE(auth, ''), COALESCE(access_cred, ''), disabled,
                       skip_cert_verify, use_internal_addr
                FROM scanner_registration ORDER BY id
                """,
                rs -> new Scanner(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getBoolean(6),
                        rs.getBoolean(7),
                        rs.getBoolean(8)));
    }

    /**
     * A replication policy as Harbor stores it: {@code filters} and {@code trigger} are JSON strings
     * (Harbor's API shapes, or the 1.x shapes its reader still converts); registry id 0 is Harbor
     * itself.
     */
    record ReplicationPolicy(
            long id,
            String name,
            String description,
            String creator,
            long srcRegistryId,
            long destRegistryId,
            String destNamespace,
            int destNamespaceReplaceCount,
            String filters,
            String trigger,
            boolean replicateDeletion,
            boolean override,
            boolean enabled,
            int speed,
            boolean copyByChunk,
            boolean singleActiveReplication) {}

    List<ReplicationPolicy> replicationPolicies() throws SQLException {
        if (!tables.contains("replication_policy")) {
            return List.of();
        }
        // copy_by_chunk came with 2.6, single_active_replication with 2.14
        String singleActive = hasColumn("replication_policy", "single_active_replication")
                ? "COALESCE(single_active_replication, false)"
                : "false";
        return list(
                """
                SELECT id, name, COALESCE(description, ''), COALESCE(creator, ''), COALESCE(src_registry_id, 0),
                       COALESCE(dest_registry_id, 0), COALESCE(dest_namespace, ''),
                       COALESCE(dest_namespace_replace_count, -1), COALESCE(filters, ''), COALESCE(trigger, ''),
                       replicate_deletion, COALESCE(override, false), enabled, COALESCE(speed_kb, 0),
                       COALESCE(copy_by_chunk, false), """ + singleActive + " FROM replication_policy WHERE NOT deleted ORDER BY id",
                rs -> new ReplicationPolicy(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getString(7),
                        rs.getInt(8),
                        rs.getString(9),
                        rs.getString(10),
                        rs.getBoolean(11),
                        rs.getBoolean(12),
                        rs.getBoolean(13),
                        rs.getInt(14),
                        rs.getBoolean(15),
                        rs.getBoolean(16)));
    }

    /** A preheat provider instance; {@code authData} as Harbor stores it (encrypted from 2.14, JSON before). */
    record PreheatInstance(
            long id,
            String name,
            String description,
            String vendor,
            String endpoint,
            String authMode,
            String authData,
            boolean enabled,
            boolean isDefault,
            boolean insecure) {}

    List<PreheatInstance> preheatInstances() throws SQLException {
        if (!tables.contains("p2p_preheat_instance")) {
            return List.of();
        }
        return list(
                """
                SELECT id, name, COALESCE(description, ''), vendor, endpoint, COALESCE(auth_mode, ''),
                       COALESCE(auth_data, ''), COALESCE(enabled, false), COALESCE(is_default, false),
                       COALESCE(insecure, false)
                FROM p2p_preheat_instance ORDER BY id
                """,
                rs -> new PreheatInstance(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getBoolean(8),
                        rs.getBoolean(9),
                        rs.getBoolean(10)));
    }

    /**
     * A preheat policy; {@code filters}, {@code trigger} and {@code extraAttrs} are Harbor's JSON
     * strings. Harbor 2.12 kept Dragonfly's scope in a column of its own, 2.13 on in {@code
     * extra_attrs}: read from either as {@code extra_attrs}.
     */
    record PreheatPolicy(
            long id,
            String name,
            String description,
            long projectId,
            long providerId,
            String filters,
            String trigger,
            boolean enabled,
            String extraAttrs) {}

    List<PreheatPolicy> preheatPolicies() throws SQLException {
        if (!tables.contains("p2p_preheat_policy")) {
            return List.of();
        }
        String extra = hasColumn("p2p_preheat_policy", "extra_attrs")
                ? "COALESCE(extra_attrs, '')"
                : hasColumn("p2p_preheat_policy", "scope")
                        ? "CASE WHEN COALESCE(scope, '') = '' THEN '' ELSE json_build_object('scope', scope)::text END"
                        : "''";
        return list(
                """
                SELECT id, name, COALESCE(description, ''), project_id, provider_id, COALESCE(filters, ''),
                       COALESCE(trigger, ''), COALESCE(enabled, false), """ + extra + " FROM p2p_preheat_policy ORDER BY id",
                rs -> new PreheatPolicy(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getBoolean(8),
                        rs.getString(9)));
    }

    record Repository(long id, String name, long projectId) {}

    List<Repository> repositories() throws SQLException {
        return list(
                "SELECT repository_id, name, project_id FROM repository ORDER BY repository_id",
                rs -> new Repository(rs.getLong(1), rs.getString(2), rs.getLong(3)));
    }

    record Artifact(long id, long repositoryId, String repository, String digest, String manifestMediaType) {}

    List<Artifact> artifacts() throws SQLException {
        return list(
                """
                SELECT id, repository_id, repository_name, digest, manifest_media_type
                FROM artifact ORDER BY repository_id, id
                """,
                rs -> new Artifact(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)));
    }

    /** Tag names by artifact id. */
    Map<Long, List<String>> tags() throws SQLException {
        Map<Long, List<String>> tags = new HashMap<>();
        for (String[] row : list("SELECT artifact_id::text, name FROM tag ORDER BY id", rs ->
                new String[] {rs.getString(1), rs.getString(2)})) {
            tags.computeIfAbsent(Long.parseLong(row[0]), k -> new ArrayList<>()).add(row[1]);
        }
        return tags;
    }

    /** Accessory artifact ids (signatures, SBOMs, ...) with their type. */
    Map<Long, String> accessories() throws SQLException {
        Map<Long, String> accessories = new HashMap<>();
        if (!tables.contains("artifact_accessory")) {
            return accessories;
        }
        for (String[] row : list("SELECT artifact_id::text, type FROM artifact_accessory", rs ->
                new String[] {rs.getString(1), rs.getString(2)})) {
            accessories.put(Long.parseLong(row[0]), row[1]);
        }
        return accessories;
    }

    /**
     * One entry of Harbor's audit logs: {@code audit_log} (every 2.x) and {@code audit_log_ext}
     * (2.13 on, with a description, whether the operation succeeded, and where Harbor filled them
     * the request's source address and payload).
     *
     * @param time Harbor writes {@code op_time} without a zone, in UTC (its containers run in UTC)
     */
    record AuditEntry(
            long projectId,
            String operation,
            String resourceType,
            String resource,
            String username,
            String description,
            boolean succeeded,
            Instant time,
            String sourceIp,
            String payload) {}

    /** Both audit logs, oldest first within each, read in pages so that a long log is not held at once. */
    void auditLog(java.util.function.Consumer<AuditEntry> each) throws SQLException {
        List<String> queries = new ArrayList<>();
        if (tables.contains("audit_log")) {
            queries.add("SELECT project_id, operation, resource_type, resource, username, NULL, true, op_time,"
                    + " NULL, NULL FROM audit_log ORDER BY op_time, id");
        }
        if (tables.contains("audit_log_ext")) {
            queries.add("SELECT project_id, operation, resource_type, resource, username, op_desc,"
                    + " coalesce(op_result, true), op_time, source_ip, payload FROM audit_log_ext"
                    + " ORDER BY op_time, id");
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
        try {
            for (String sql : queries) {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    ps.setFetchSize(1000);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            java.time.LocalDateTime at = rs.getObject(8, java.time.LocalDateTime.class);
                            each.accept(new AuditEntry(
                                    rs.getLong(1),
                                    nonNull(rs.getString(2)),
                                    nonNull(rs.getString(3)),
                                    nonNull(rs.getString(4)),
                                    nonNull(rs.getString(5)),
                                    rs.getString(6),
                                    rs.getBoolean(7),
                                    at == null ? Instant.EPOCH : at.toInstant(java.time.ZoneOffset.UTC),
                                    rs.getString(9),
                                    rs.getString(10)));
                        }
                    }
                }
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** Rows of a table Berth does not import, when the table exists: the dry run and summary name them. */
    long count(String table) throws SQLException {
        if (!tables.contains(table)) {
            return 0;
        }
        return one("SELECT count(*) FROM " + table, rs -> rs.getLong(1)).orElse(0L);
    }

    private boolean hasColumn(String table, String column) throws SQLException {
        return one(
                        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '"
                                + table + "' AND column_name = '" + column + "'",
                        rs -> 1)
                .isPresent();
    }

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> list(String sql, Row<T> row) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row.map(rs));
            }
        }
        return out;
    }

    private <T> Optional<T> one(String sql, Row<T> row) throws SQLException {
        List<T> all = list(sql, row);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
    }

    private static Instant instant(Timestamp t) {
        return t == null ? Instant.EPOCH : t.toInstant();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
