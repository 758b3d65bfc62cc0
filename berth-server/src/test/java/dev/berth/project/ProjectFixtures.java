package dev.berth.project;

import dev.berth.iam.PasswordRules;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Users, robots and projects for the project API tests. Users and robots are written straight into
 * the database: this branch has no {@code POST /api/v2.0/users} or robot API yet. Everything else
 * goes through the HTTP API.
 */
final class ProjectFixtures {
    static final String PASSWORD = "Project-Test-2026";

    /** The roles a caller can hold towards a project, beyond the five member roles. */
    enum Who {
        SYSADMIN,
        PROJECT_ADMIN(1),
        MAINTAINER(4),
        DEVELOPER(2),
        GUEST(3),
        LIMITED_GUEST(5),
        NON_MEMBER,
        ANONYMOUS;

        final int roleId;

        Who() {
            this(0);
        }

        Who(int roleId) {
            this.roleId = roleId;
        }
    }

    record Account(long id, String name, RegistryClient client) {}

    /** A private project with one user in each role, an outsider and the two other callers. */
    record RoleSet(String project, long projectId, Map<Who, Account> accounts) {
        RegistryClient client(Who who) {
            return accounts.get(who).client();
        }
    }

    final BerthServer server;
    final RegistryClient admin;

    ProjectFixtures(BerthServer server) {
        this.server = server;
        this.admin = server.adminClient();
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    Account user(String prefix) {
        String name = unique(prefix);
        long id = TestUsers.createUser(server, name, PASSWORD);
        return new Account(id, name, server.client(name, PASSWORD));
    }

    /**
     * A robot with the given grants, each {@code {kind, namespace, resource, action}}.
     *
     * @param projectId its project, 0 for a system robot
     */
    Account robot(long projectId, String projectName, List<String[]> grants) {
        String name = unique("bot");
        String secret = "Secret-" + UUID.randomUUID();
        JdbcClient jdbc = server.bean(JdbcClient.class);
        long id = jdbc.sql("""
                        INSERT INTO robot (name, project_id, secret_hash, duration, expires_at)
                        VALUES (?, ?, ?, -1, -1) RETURNING id
                        """)
                .param(name)
                .param(projectId == 0 ? null : projectId)
                .param(PasswordRules.sha256(secret))
                .query(Long.class)
                .single();
        for (String[] g : grants) {
            jdbc.sql("""
                            INSERT INTO robot_permission (robot_id, kind, namespace, resource, action, project_id)
                            VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 'project' AND ? <> '*'
                                                        THEN (SELECT id FROM project WHERE name = ?) END)
                            """)
                    .param(id)
                    .param(g[0])
                    .param(g[1])
                    .param(g[2])
                    .param(g[3])
                    .param(g[0])
                    .param(g[1])
                    .param(g[1])
                    .update();
        }
        String login = "robot$" + (projectId == 0 ? name : projectName + "+" + name);
        return new Account(id, login, server.client(login, secret));
    }

    /** Creates a project through the API; returns its id. */
    long project(String name, boolean isPublic) {
        RegistryClient.Response r = admin.send(
                "POST",
                "/api/v2.0/projects",
                json("{\"project_name\":\"" + name + "\",\"metadata\":{\"public\":\"" + isPublic + "\"}}"),
                "Content-Type",
                "application/json");
        RegistryClient.check(r, 201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    /** Adds a user as a member through the API (as admin); returns the member id. */
    long addMember(String project, String username, int roleId) {
        RegistryClient.Response r = admin.send(
                "POST",
                "/api/v2.0/projects/" + project + "/members",
                json("{\"role_id\":" + roleId + ",\"member_user\":{\"username\":\"" + username + "\"}}"),
                "Content-Type",
                "application/json");
        RegistryClient.check(r, 201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    RoleSet roleSet(boolean isPublic) {
        String project = unique("roles");
        long id = project(project, isPublic);
        Map<Who, Account> accounts = new EnumMap<>(Who.class);
        accounts.put(Who.SYSADMIN, new Account(1, "admin", admin));
        accounts.put(Who.ANONYMOUS, new Account(0, "anonymous", server.anonymousClient()));
        for (Who who : Who.values()) {
            if (who.roleId > 0 || who == Who.NON_MEMBER) {
                Account a = user(who.name().toLowerCase().replace("_", ""));
                if (who.roleId > 0) {
                    addMember(project, a.name(), who.roleId);
                }
                accounts.put(who, a);
            }
        }
        return new RoleSet(project, id, accounts);
    }

    static RegistryClient.Response sendJson(RegistryClient client, String method, String path, String body) {
        return client.send(method, path, json(body), "Content-Type", "application/json");
    }
}
