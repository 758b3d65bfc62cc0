package dev.berth.robot;

import dev.berth.api.ApiException;
import dev.berth.api.SqlFilter;
import dev.berth.iam.Action;
import dev.berth.iam.Resource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code robot} and {@code robot_permission} tables, as robot management needs them. Secrets
 * only ever go in, as hashes; no query here reads {@code secret_hash} back.
 */
@Repository
class RobotStore {
    /** A robot as stored. {@code projectId} is 0 and {@code projectName} empty for system robots. */
    record Stored(
            long id,
            String name,
            long projectId,
            String projectName,
            String description,
            boolean disabled,
            long duration,
            long expiresAt,
            String creatorType,
            String creatorRef,
            Instant creationTime,
            Instant updateTime) {
        String level() {
            return projectId == 0 ? "system" : "project";
        }

        /** The name the robot logs in with: {@code robot$<project>+<name>} or {@code robot$<name>}. */
        String loginName() {
            return projectId == 0 ? "robot$" + name : "robot$" + projectName + "+" + name;
        }
    }

    /** One stored grant; {@code projectId} is set for grants on one project. */
    record StoredGrant(String kind, String namespace, long projectId, Resource resource, Action action) {}

    static final String FROM = """
            FROM robot r LEFT JOIN project p ON p.id = r.project_id
            """;
    private static final String COLUMNS = """
            SELECT r.id, r.name, COALESCE(r.project_id, 0) AS project_id, COALESCE(p.name, '') AS project_name,
                   r.description, r.disabled, r.duration, r.expires_at, r.creator_type, r.creator_ref,
                   r.creation_time, r.update_time
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    RobotStore(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    Optional<Stored> find(long id) {
        return jdbc.sql(COLUMNS + FROM + " WHERE r.id = ? AND r.visible")
                .param(id)
                .query(RobotStore::row)
                .optional();
    }

    /** The robot of this name at this level (project id, 0 for system), hidden ones included. */
    Optional<Long> idOf(String name, long projectId) {
        return jdbc.sql("SELECT id FROM robot WHERE name = ? AND COALESCE(project_id, 0) = ?")
                .param(name)
                .param(projectId)
                .query(Long.class)
                .optional();
    }

    /** Robots of one project, or system robots when {@code projectId} is 0, filtered and paged. */
    List<Stored> list(long projectId, SqlFilter filter) {
        return jdbc.sql(COLUMNS + FROM + " WHERE COALESCE(r.project_id, 0) = ? AND r.visible" + filter.andWhere()
                        + filter.orderBy() + filter.limitOffset())
                .params(filter.paramsAfter(projectId))
                .query(RobotStore::row)
                .list();
    }

    long count(long projectId, SqlFilter filter) {
        return jdbc.sql("SELECT count(*) " + FROM + " WHERE COALESCE(r.project_id, 0) = ? AND r.visible"
                        + filter.andWhere())
                .params(filter.paramsAfter(projectId))
                .query(Long.class)
                .single();
    }

    List<StoredGrant> grants(long robotId) {
        return jdbc
                .sql("""
                        SELECT rp.kind, COALESCE(p.name, rp.namespace), COALESCE(rp.project_id, 0), rp.resource, rp.action
                        FROM robot_permission rp LEFT JOIN project p ON p.id = rp.project_id
                        WHERE rp.robot_id = ?
                        ORDER BY rp.kind DESC, 2, rp.resource, rp.action
                        """)
                .param(robotId)
                .query((rs, i) -> new StoredGrant(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        Resource.of(rs.getString(4)).orElse(null),
                        Action.of(rs.getString(5)).orElse(null)))
                .list()
                .stream()
                .filter(g -> g.resource() != null && g.action() != null)
                .toList();
    }

    /** Inserts a robot with its grants; 409 when the name is taken at its level. */
    long insert(
            String name,
            long projectId,
            String description,
            String secretHash,
            boolean disabled,
            long duration,
            long expiresAt,
            String creatorType,
            String creatorRef,
            List<StoredGrant> grants) {
        try {
            return tx.execute(status -> {
                long id = jdbc.sql("""
                                INSERT INTO robot (name, project_id, description, secret_hash, disabled, duration,
                                                   expires_at, creator_type, creator_ref)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                                """)
                        .param(name)
                        .param(projectId == 0 ? null : projectId)
                        .param(description)
                        .param(secretHash)
                        .param(disabled)
                        .param((int) duration)
                        .param(expiresAt)
                        .param(creatorType)
                        .param(creatorRef)
                        .query(Long.class)
                        .single();
                insertGrants(id, grants);
                return id;
            });
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("a robot account named " + name + " already exists");
        }
    }

    void update(
            long id, String description, boolean disabled, long duration, long expiresAt, List<StoredGrant> grants) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("""
                            UPDATE robot SET description = ?, disabled = ?, duration = ?, expires_at = ?,
                                             update_time = now()
                            WHERE id = ?
                            """)
                    .param(description)
                    .param(disabled)
                    .param((int) duration)
                    .param(expiresAt)
                    .param(id)
                    .update();
            jdbc.sql("DELETE FROM robot_permission WHERE robot_id = ?")
                    .param(id)
                    .update();
            insertGrants(id, grants);
        });
    }

    void updateSecret(long id, String secretHash) {
        jdbc.sql("UPDATE robot SET secret_hash = ?, update_time = now() WHERE id = ?")
                .param(secretHash)
                .param(id)
                .update();
    }

    boolean delete(long id) {
        return jdbc.sql("DELETE FROM robot WHERE id = ?").param(id).update() > 0;
    }

    /** Whether the user holds {@code role} in some project (for who may read the permission lists). */
    boolean holdsRoleSomewhere(long userId, int role) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM project_member
                                       WHERE entity_type = 'u' AND entity_id = ? AND role = ?)
                        """).param(userId).param(role).query(Boolean.class).single();
    }

    private void insertGrants(long robotId, List<StoredGrant> grants) {
        for (StoredGrant g : grants) {
            jdbc.sql("""
                            INSERT INTO robot_permission (robot_id, kind, namespace, project_id, resource, action, effect)
                            VALUES (?, ?, ?, ?, ?, ?, 'allow')
                            ON CONFLICT DO NOTHING
                            """)
                    .param(robotId)
                    .param(g.kind())
                    .param(g.namespace())
                    .param(g.projectId() == 0 ? null : g.projectId())
                    .param(g.resource().wire())
                    .param(g.action().wire())
                    .update();
        }
    }

    private static Stored row(ResultSet rs, int i) throws SQLException {
        return new Stored(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getLong("project_id"),
                rs.getString("project_name"),
                rs.getString("description"),
                rs.getBoolean("disabled"),
                rs.getLong("duration"),
                rs.getLong("expires_at"),
                rs.getString("creator_type"),
                rs.getString("creator_ref"),
                rs.getTimestamp("creation_time").toInstant(),
                rs.getTimestamp("update_time").toInstant());
    }
}
