package dev.berth.support;

import dev.berth.iam.PasswordHasher;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Users and memberships for tests, written straight to the server's database. The tests of the
 * users and members APIs cover those endpoints themselves; other tests only need the accounts.
 */
public final class TestUsers {
    private TestUsers() {}

    public static long createUser(BerthServer server, String username, String password) {
        String hash = server.bean(PasswordHasher.class).hash(password);
        return server.bean(JdbcClient.class)
                .sql("INSERT INTO app_user (username, email, password_hash) VALUES (?, ?, ?) RETURNING id")
                .param(username)
                .param(username + "@example.test")
                .param(hash)
                .query(Long.class)
                .single();
    }

    /** Makes the user a member of the project with a Harbor role id (1 admin, 2 developer, 3 guest, 4 maintainer, 5 limited guest). */
    public static void addMember(BerthServer server, String project, long userId, int roleId) {
        server.bean(JdbcClient.class)
                .sql("""
                        INSERT INTO project_member (project_id, entity_type, entity_id, role)
                        SELECT id, 'u', ?, ? FROM project WHERE name = ?
                        """)
                .param(userId)
                .param(roleId)
                .param(project)
                .update();
    }
}
