package dev.berth.project;

import dev.berth.api.ApiException;
import dev.berth.event.EventPublisher;
import dev.berth.event.EventTypes;
import dev.berth.event.ProjectEvent;
import dev.berth.iam.CredentialAuthenticator;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Projects: creation with Harbor's rules, lookup, metadata, deletion of empty projects. */
@Service
public class ProjectService {
    static final Pattern NAME = Pattern.compile("^[a-z0-9]+(?:[._-][a-z0-9]+)*$");
    private static final String SELECT = """
            SELECT p.id, p.name, COALESCE(p.owner_id, 0) AS owner_id, COALESCE(u.username, '') AS owner_name,
                   p.storage_limit, p.creation_time, p.update_time, COALESCE(p.registry_id, 0) AS registry_id,
                   ARRAY(SELECT m.name FROM project_metadata m WHERE m.project_id = p.id ORDER BY m.name) AS meta_names,
                   ARRAY(SELECT m.value FROM project_metadata m WHERE m.project_id = p.id ORDER BY m.name) AS meta_values
            FROM project p LEFT JOIN app_user u ON u.id = p.owner_id
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ProjectAccessService access;
    private final CredentialAuthenticator credentials;
    private final EventPublisher events;

    ProjectService(
            JdbcClient jdbc,
            TransactionTemplate tx,
            ProjectAccessService access,
            CredentialAuthenticator credentials,
            EventPublisher events) {
        this.events = events;
        this.jdbc = jdbc;
        this.tx = tx;
        this.access = access;
        this.credentials = credentials;
    }

    public Optional<Project> findByName(String name) {
        return jdbc.sql(SELECT + " WHERE p.name = ?")
                .param(name)
                .query(ProjectService::row)
                .optional();
    }

    /**
     * The project as {@link #findByName} reads it, remembered for up to two seconds and forgotten
     * at once when it changes through this replica (on every replica with Redis), like the
     * authoriser's project lookups: for the registry's request path (pull policies, proxy cache),
     * which asks on every manifest and blob request. Not for reading a project in order to change it.
     */
    public Optional<Project> findByNameCached(String name) {
        return access.cachedProject(name, this::findByName);
    }

    public Optional<Project> findById(long id) {
        return jdbc.sql(SELECT + " WHERE p.id = ?")
                .param(id)
                .query(ProjectService::row)
                .optional();
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

    /** Creates the project with its owner as project admin; 409 if the name is taken. */
    public Project create(String name, long ownerId, Map<String, String> metadata, long storageLimit) {
        return create(name, ownerId, metadata, storageLimit, 0);
    }

    /**
     * Creates a project; with {@code registryId > 0} a proxy cache of that endpoint (the caller has
     * checked that the endpoint can be one), which keeps the proxy-only metadata keys.
     */
    public Project create(String name, long ownerId, Map<String, String> metadata, long storageLimit, long registryId) {
        validateName(name);
        Map<String, String> meta = registryId > 0
                ? ProjectMetadataRules.forProxyProject(metadata, "")
                : ProjectMetadataRules.forProject(metadata, "");
        meta.putIfAbsent("public", "false");
        long id = tx.execute(status -> {
            Optional<Long> created = jdbc.sql(
                            "INSERT INTO project (name, owner_id, storage_limit, registry_id) VALUES (?, ?, ?, ?)"
                                    + " ON CONFLICT (name) DO NOTHING RETURNING id")
                    .param(name)
                    .param(ownerId > 0 ? ownerId : null)
                    .param(storageLimit)
                    .param(registryId > 0 ? registryId : null)
                    .query(Long.class)
                    .optional();
            if (created.isEmpty()) {
                throw ApiException.conflict("The project named " + name + " already exists");
            }
            meta.forEach((k, v) -> setMetadata(created.get(), k, v));
            if (ownerId > 0) {
                jdbc.sql("INSERT INTO project_member (project_id, entity_type, entity_id, role) VALUES (?, 'u', ?, 1)")
                        .param(created.get())
                        .param(ownerId)
                        .update();
            }
            events.publish(EventTypes.CREATE_PROJECT, created.get(), new ProjectEvent(name));
            return created.get();
        });
        access.invalidate(name);
        return findById(id).orElseThrow();
    }

    /**
     * Sets metadata values (inserting or replacing each key) and, when present, the storage limit,
     * in one transaction. Visibility may change, so the access cache forgets the project.
     */
    public void update(Project project, Map<String, String> metadata, Optional<Long> storageLimit) {
        tx.executeWithoutResult(status -> {
            metadata.forEach((k, v) -> setMetadata(project.id(), k, v));
            storageLimit.ifPresent(
                    limit -> jdbc.sql("UPDATE project SET storage_limit = ?, quota_update_time = now() WHERE id = ?")
                            .param(limit)
                            .param(project.id())
                            .update());
            touch(project.id());
        });
        access.invalidate(project.name());
    }

    /** Adds a key the project does not have yet; 409 if it has. */
    public void addMetadata(Project project, String key, String value) {
        tx.executeWithoutResult(status -> {
            int added =
                    jdbc.sql("""
                            INSERT INTO project_metadata (project_id, name, value) VALUES (?, ?, ?)
                            ON CONFLICT (project_id, name) DO NOTHING
                            """).param(project.id()).param(key).param(value).update();
            if (added == 0) {
                throw ApiException.conflict("metadata " + key + " of project " + project.name() + " already exists");
            }
            touch(project.id());
        });
        access.invalidate(project.name());
    }

    /** Removes a key; true if the project had it. */
    public boolean deleteMetadata(Project project, String key) {
        Boolean removed = tx.execute(status -> {
            int n = jdbc.sql("DELETE FROM project_metadata WHERE project_id = ? AND name = ?")
                    .param(project.id())
                    .param(key)
                    .update();
            if (n > 0) {
                touch(project.id());
            }
            return n > 0;
        });
        access.invalidate(project.name());
        return Boolean.TRUE.equals(removed);
    }

    /** Members per role id (1..5), for the project summary. */
    public Map<Integer, Long> memberCountsByRole(long projectId) {
        Map<Integer, Long> counts = new HashMap<>();
        jdbc.sql("SELECT role, count(*) FROM project_member WHERE project_id = ? GROUP BY role")
                .param(projectId)
                .query((rs, n) -> counts.put(rs.getInt(1), rs.getLong(2)))
                .list();
        return counts;
    }

    private void setMetadata(long projectId, String key, String value) {
        jdbc.sql("""
                        INSERT INTO project_metadata (project_id, name, value) VALUES (?, ?, ?)
                        ON CONFLICT (project_id, name) DO UPDATE SET value = EXCLUDED.value
                        """).param(projectId).param(key).param(value).update();
    }

    private void touch(long projectId) {
        jdbc.sql("UPDATE project SET update_time = now() WHERE id = ?")
                .param(projectId)
                .update();
    }

    /** The names of the proxy-cache projects of a registry endpoint. */
    public java.util.List<String> proxyProjectsOf(long registryId) {
        return jdbc.sql("SELECT name FROM project WHERE registry_id = ? ORDER BY name")
                .param(registryId)
                .query(String.class)
                .list();
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
                        "precondition failed: the project contains repositories, can not be deleted");
            }
            jdbc.sql("DELETE FROM project WHERE id = ?").param(project.id()).update();
            events.publish(EventTypes.DELETE_PROJECT, project.id(), new ProjectEvent(project.name()));
        });
        access.invalidate(project.name());
        // The project's robots are gone; remembered robot credentials must not outlive them.
        credentials.forgetAll();
    }

    static Project row(ResultSet rs, int i) throws SQLException {
        String[] names = (String[]) rs.getArray("meta_names").getArray();
        String[] values = (String[]) rs.getArray("meta_values").getArray();
        Map<String, String> metadata = new HashMap<>();
        for (int k = 0; k < names.length; k++) {
            metadata.put(names[k], values[k]);
        }
        return new Project(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getLong("owner_id"),
                rs.getString("owner_name"),
                rs.getLong("storage_limit"),
                rs.getTimestamp("creation_time").toInstant(),
                rs.getTimestamp("update_time").toInstant(),
                Map.copyOf(metadata),
                rs.getLong("registry_id"));
    }
}
