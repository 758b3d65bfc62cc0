package dev.berth.iam;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code robot} and {@code robot_permission} tables, as authentication needs them. */
@Repository
public class RobotRecords {
    public static final String PREFIX = "robot$";

    private final JdbcClient jdbc;

    RobotRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A robot's credentials-relevant state. */
    public record StoredRobot(
            long id, String fullName, long projectId, String secretHash, boolean disabled, long expiresAt) {}

    /**
     * Finds a robot by the name it logs in with: {@code robot$<project>+<name>} for project robots,
     * {@code robot$<name>} for system robots.
     */
    public Optional<StoredRobot> findByLoginName(String loginName) {
        if (!loginName.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = loginName.substring(PREFIX.length());
        int plus = rest.indexOf('+');
        if (plus >= 0) {
            return jdbc.sql("""
                            SELECT r.id, r.project_id, r.secret_hash, r.disabled, r.expires_at
                            FROM robot r JOIN project p ON p.id = r.project_id
                            WHERE p.name = ? AND r.name = ?
                            """)
                    .param(rest.substring(0, plus))
                    .param(rest.substring(plus + 1))
                    .query((rs, i) -> new StoredRobot(
                            rs.getLong(1), loginName, rs.getLong(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5)))
                    .optional();
        }
        return jdbc.sql("SELECT id, secret_hash, disabled, expires_at FROM robot WHERE project_id IS NULL AND name = ?")
                .param(rest)
                .query((rs, i) ->
                        new StoredRobot(rs.getLong(1), loginName, 0, rs.getString(2), rs.getBoolean(3), rs.getLong(4)))
                .optional();
    }

    public List<RobotPermission> permissions(long robotId) {
        record Row(String kind, String namespace, String resource, String action) {}
        return jdbc
                .sql("SELECT kind, namespace, resource, action FROM robot_permission WHERE robot_id = ?")
                .param(robotId)
                .query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list()
                .stream()
                .flatMap(r -> Resource.of(r.resource())
                        .flatMap(res -> Action.of(r.action())
                                .map(act -> new RobotPermission(r.kind(), r.namespace(), res, act)))
                        .stream())
                .toList();
    }
}
