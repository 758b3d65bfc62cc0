package dev.berth.support;

import dev.berth.iam.ProjectRole;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Users, projects and memberships for tests that need more than the administrator. Users and
 * members are written straight to the database (through the server's own beans) until their APIs
 * exist; projects go through the API.
 */
public final class TestAccounts {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BerthServer server;

    public TestAccounts(BerthServer server) {
        this.server = server;
    }

    /** A user and a client that authenticates as them with Basic credentials. */
    public record Account(long id, String name, String password, RegistryClient client) {}

    /** {@code prefix} followed by 8 random lower-case hex digits: valid as a user, project or robot name. */
    public static String unique(String prefix) {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    public Account user(String prefix) {
        String name = unique(prefix);
        String password = "Pw-" + unique("x") + "A1";
        long id = TestUsers.createUser(server, name, password);
        return new Account(id, name, password, server.client(name, password));
    }

    /** A new project with a unique name. */
    public String project(String prefix, boolean isPublic) {
        String name = unique(prefix);
        server.ensureProject(name, isPublic);
        return name;
    }

    public long projectId(String name) {
        return jdbc().sql("SELECT id FROM project WHERE name = ?")
                .param(name)
                .query(Long.class)
                .single();
    }

    public void member(String project, Account user, ProjectRole role) {
        TestUsers.addMember(server, project, user.id(), role.id());
    }

    public JdbcClient jdbc() {
        return server.bean(JdbcClient.class);
    }

    /** A JSON request body from maps and lists. */
    public static byte[] json(Object value) {
        return RegistryClient.JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    }

    public static RegistryClient.Response postJson(RegistryClient client, String path, Object body) {
        return client.send("POST", path, json(body), "Content-Type", "application/json");
    }

    public static RegistryClient.Response putJson(RegistryClient client, String path, Object body) {
        return client.send("PUT", path, json(body), "Content-Type", "application/json");
    }

    /**
     * Pauses the server's schedule firing (Harbor's SCHEDULER queue), for a class whose tests are not
     * about schedules but create something the product schedules daily, such as a proxy project's
     * default retention at midnight UTC: run near midnight, or with a clock moved past it, that run
     * would delete a just-cached image whose first pull is not counted yet.
     */
    public static void pauseScheduler(RegistryClient admin) {
        RegistryClient.Response paused =
                putJson(admin, "/api/v2.0/jobservice/queues/SCHEDULER", java.util.Map.of("action", "pause"));
        if (paused.status() != 200) {
            throw new AssertionError("cannot pause the scheduler: " + paused.status() + " " + paused.text());
        }
    }

    public static RegistryClient.Response patchJson(RegistryClient client, String path, Object body) {
        return client.send("PATCH", path, json(body), "Content-Type", "application/json");
    }

    /** Harbor's {@code RobotPermission} granting {@code resource:action} pairs on one namespace. */
    public static Map<String, Object> permission(String kind, String namespace, String... resourceActions) {
        java.util.List<Map<String, Object>> access = new java.util.ArrayList<>();
        for (String ra : resourceActions) {
            int colon = ra.indexOf(':');
            access.add(Map.of("resource", ra.substring(0, colon), "action", ra.substring(colon + 1)));
        }
        return Map.of("kind", kind, "namespace", namespace, "access", access);
    }

    /** Harbor's body of an enabled immutability rule for tags matching {@code tagPattern} in every repository. */
    public static Map<String, Object> immutableRule(String tagPattern) {
        return Map.of(
                "action",
                "immutable",
                "template",
                "immutable_template",
                "priority",
                0,
                "disabled",
                false,
                "scope_selectors",
                Map.of(
                        "repository",
                        java.util.List.of(Map.of("kind", "doublestar", "decoration", "repoMatches", "pattern", "**"))),
                "tag_selectors",
                java.util.List.of(Map.of("kind", "doublestar", "decoration", "matches", "pattern", tagPattern)));
    }

    /** Creates a robot through the API as {@code creator}; fails the test unless it is created. */
    public static JsonNode createRobot(RegistryClient creator, Map<String, Object> body) {
        RegistryClient.Response r = postJson(creator, "/api/v2.0/robots", body);
        RegistryClient.check(r, 201);
        return r.json();
    }
}
