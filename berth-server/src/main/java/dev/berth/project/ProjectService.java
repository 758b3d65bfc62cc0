package dev.berth.project;

import dev.berth.api.ApiException;
import dev.berth.iam.CredentialAuthenticator;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Projects: creation with Harbor's rules, lookup, metadata, deletion of empty projects. */
@Service
public class ProjectService {
    static final Pattern NAME = Pattern.compile("^[a-z0-9]+(?:[._-][a-z0-9]+)*$");
    /** Metadata keys Harbor defines; anything else is refused. */
    static final Set<String> METADATA_KEYS = Set.of(
            "public",
            "enable_content_trust",
            "enable_content_trust_cosign",
            "prevent_vul",
            "severity",
            "auto_scan",
            "auto_sbom_generation",
            "reuse_sys_cve_allowlist",
            "retention_id",
            "proxy_speed_kb");

    private static final String SELECT = """
            SELECT p.id, p.name, COALESCE(p.owner_id, 0) AS owner_id, COALESCE(u.username, '') AS owner_name,
                   p.storage_limit, p.creation_time, p.update_time
            FROM project p LEFT JOIN app_user u ON u.id = p.owner_id
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ProjectAccessService access;
    private final CredentialAuthenticator credentials;

    ProjectService(
            JdbcClient jdbc, TransactionTemplate tx, ProjectAccessService access, CredentialAuthenticator credentials) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.access = access;
        this.credentials = credentials;
    }

    public Optional<Project> findByName(String name) {
        return jdbc.sql(SELECT + " WHERE p.name = ?")
                .param(name)
                .query(this::row)
                .optional();
    }

    public Optional<Project> findById(long id) {
        return jdbc.sql(SELECT + " WHERE p.id = ?").param(id).query(this::row).optional();
    }

    /** {@code {project_name_or_id}}: a number is an id unless the caller says it is a name. */
    public Optional<Project> resolve(String nameOrId, boolean isResourceName) {
        if (!isResourceName
                && nameOrId.chars().allMatch(Character::isDigit)
                && !nameOrId.isEmpty()
                && nameOrId.length() < 19) {
            return findById(Long.parseLong(nameOrId));
        }
        return findByName(nameOrId);
    }

    public static void validateName(String name) {
        if (name == null
                || name.isEmpty()
                || name.length() > 255
                || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest(
                    "project name must be 1-255 characters of lower-case letters, digits and single . _ - between them");
        }
    }

    public static Map<String, String> validateMetadata(Map<String, String> metadata) {
        Map<String, String> clean = new LinkedHashMap<>();
        if (metadata == null) {
            return clean;
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!METADATA_KEYS.contains(e.getKey())) {
                throw ApiException.badRequest("unknown project metadata key " + e.getKey());
            }
            String value = e.getValue() == null ? "" : e.getValue();
            if (value.length() > 1024) {
                throw ApiException.badRequest("metadata value too long: " + e.getKey());
            }
            clean.put(e.getKey(), value);
        }
        if (clean.containsKey("public")) {
            clean.put("public", Boolean.toString(Boolean.parseBoolean(clean.get("public"))));
        }
        return clean;
    }

    /** Creates the project with its owner as project admin; 409 if the name is taken. */
    public Project create(String name, long ownerId, Map<String, String> metadata, long storageLimit) {
        validateName(name);
        Map<String, String> meta = validateMetadata(metadata);
        meta.putIfAbsent("public", "false");
        long id = tx.execute(status -> {
            Optional<Long> created = jdbc.sql(
                            "INSERT INTO project (name, owner_id, storage_limit) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id")
                    .param(name)
                    .param(ownerId > 0 ? ownerId : null)
                    .param(storageLimit)
                    .query(Long.class)
                    .optional();
            if (created.isEmpty()) {
                throw ApiException.conflict("project " + name + " already exists");
            }
            meta.forEach((k, v) -> setMetadata(created.get(), k, v));
            if (ownerId > 0) {
                jdbc.sql("INSERT INTO project_member (project_id, entity_type, entity_id, role) VALUES (?, 'u', ?, 1)")
                        .param(created.get())
                        .param(ownerId)
                        .update();
            }
            return created.get();
        });
        access.invalidate(name);
        return findById(id).orElseThrow();
    }

    public void setMetadata(long projectId, String key, String value) {
        jdbc.sql("""
                        INSERT INTO project_metadata (project_id, name, value) VALUES (?, ?, ?)
                        ON CONFLICT (project_id, name) DO UPDATE SET value = EXCLUDED.value
                        """).param(projectId).param(key).param(value).update();
        findById(projectId).ifPresent(p -> access.invalidate(p.name()));
    }

    public void deleteMetadata(long projectId, String key) {
        jdbc.sql("DELETE FROM project_metadata WHERE project_id = ? AND name = ?")
                .param(projectId)
                .param(key)
                .update();
        findById(projectId).ifPresent(p -> access.invalidate(p.name()));
    }

    public long repositoryCount(long projectId) {
        return jdbc.sql("SELECT count(*) FROM repository WHERE project_id = ?")
                .param(projectId)
                .query(Long.class)
                .single();
    }

    /** Deletes an empty project with its members, metadata and robots; 412 while it holds repositories. */
    public void delete(Project project) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("SELECT id FROM project WHERE id = ? FOR UPDATE")
                    .param(project.id())
                    .query(Long.class)
                    .optional();
            if (repositoryCount(project.id()) > 0) {
                throw ApiException.preconditionFailed(
                        "project " + project.name() + " contains repositories; delete them first");
            }
            jdbc.sql("DELETE FROM project WHERE id = ?").param(project.id()).update();
        });
        access.invalidate(project.name());
        // The project's robots are gone; remembered robot credentials must not outlive them.
        credentials.forgetAll();
    }

    private Project row(ResultSet rs, int i) throws SQLException {
        long id = rs.getLong("id");
        Map<String, String> metadata = new HashMap<>();
        jdbc.sql("SELECT name, value FROM project_metadata WHERE project_id = ?")
                .param(id)
                .query((r, n) -> metadata.put(r.getString(1), r.getString(2)))
                .list();
        return new Project(
                id,
                rs.getString("name"),
                rs.getLong("owner_id"),
                rs.getString("owner_name"),
                rs.getLong("storage_limit"),
                rs.getTimestamp("creation_time").toInstant(),
                rs.getTimestamp("update_time").toInstant(),
                Map.copyOf(metadata));
    }
}
