package dev.berth.project;

import dev.berth.iam.ProjectRole;
import dev.berth.iam.ProjectScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code project} and {@code project_member} tables as authorisation reads them. */
@Repository
class ProjectRecords {
    private static final String SCOPE = """
            SELECT p.id, p.name, p.creation_time,
                   COALESCE((SELECT m.value FROM project_metadata m WHERE m.project_id = p.id AND m.name = 'public'), 'false'),
                   COALESCE(p.registry_id, 0) > 0
            FROM project p
            """;

    private final JdbcClient jdbc;

    ProjectRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ProjectScope> scopeByName(String name) {
        return jdbc.sql(SCOPE + " WHERE p.name = ?")
                .param(name)
                .query(ProjectRecords::scope)
                .optional();
    }

    Optional<ProjectScope> scopeById(long id) {
        return jdbc.sql(SCOPE + " WHERE p.id = ?")
                .param(id)
                .query(ProjectRecords::scope)
                .optional();
    }

    /**
     * The user's strongest role in the project, held directly or through one of {@code groupIds}
     * (Harbor unites the permissions of all of them; each role includes the ones below it, so the
     * strongest is that union).
     */
    Optional<ProjectRole> userRole(long projectId, long userId, List<Long> groupIds) {
        if (groupIds.isEmpty()) {
            return jdbc.sql(
                            "SELECT role FROM project_member WHERE project_id = ? AND entity_type = 'u' AND entity_id = ?")
                    .param(projectId)
                    .param(userId)
                    .query(Integer.class)
                    .optional()
                    .flatMap(ProjectRole::byId);
        }
        return jdbc.sql("""
                        SELECT role FROM project_member
                        WHERE project_id = ? AND ((entity_type = 'u' AND entity_id = ?)
                            OR (entity_type = 'g' AND entity_id = ANY (?::bigint[])))
                        ORDER BY array_position(ARRAY[1, 4, 2, 3, 5], role) LIMIT 1
                        """)
                .param(projectId)
                .param(userId)
                .param(groupIds.stream()
                        .map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(",", "{", "}")))
                .query(Integer.class)
                .optional()
                .flatMap(ProjectRole::byId);
    }

    private static ProjectScope scope(ResultSet rs, int i) throws SQLException {
        return new ProjectScope(
                rs.getLong(1),
                rs.getString(2),
                "true".equalsIgnoreCase(rs.getString(4)),
                rs.getTimestamp(3).toInstant(),
                rs.getBoolean(5));
    }
}
