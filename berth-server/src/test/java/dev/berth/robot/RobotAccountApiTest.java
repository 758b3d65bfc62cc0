package dev.berth.robot;

import static dev.berth.support.TestAccounts.createRobot;
import static dev.berth.support.TestAccounts.patchJson;
import static dev.berth.support.TestAccounts.permission;
import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static dev.berth.support.TestAccounts.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.berth.iam.PasswordRules;
import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /api/v2.0/robots}: creating, reading, listing, updating, refreshing and deleting robots. */
class RobotAccountApiTest {
    private BerthServer server;
    private TestAccounts accounts;
    private RegistryClient admin;
    private String project;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        accounts = new TestAccounts(server);
        admin = server.adminClient();
        project = accounts.project("rbt", false);
    }

    private Map<String, Object> projectRobot(String name, String... access) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("level", "project");
        body.put("description", "ci");
        body.put("permissions", List.of(permission("project", project, access)));
        return body;
    }

    @Test
    void projectAdminCreatesAProjectRobotAndSeesItsSecretOnlyOnce() {
        TestAccounts.Account owner = accounts.user("owner");
        accounts.member(project, owner, ProjectRole.PROJECT_ADMIN);
        String name = unique("ci");

        Response r = postJson(owner.client(), "/api/v2.0/robots", projectRobot(name, "repository:pull"));

        assertThat(r.status()).isEqualTo(201);
        JsonNode created = r.json();
        long id = created.get("id").asLong();
        assertThat(r.header("Location")).contains("/api/v2.0/robots/" + id);
        assertThat(created.get("name").asString()).isEqualTo("robot$" + project + "+" + name);
        assertThat(PasswordRules.isStrong(created.get("secret").asString())).isTrue();
        // duration missing: Harbor's default robot_token_duration, 30 days
        assertThat(created.get("expires_at").asLong())
                .isCloseTo(Instant.now().plus(Duration.ofDays(30)).getEpochSecond(), within(120L));
        assertThat(created.get("creation_time").asString()).isNotEmpty();

        JsonNode robot = owner.client().get("/api/v2.0/robots/" + id).json();
        assertThat(robot.has("secret")).isFalse();
        assertThat(robot.get("name").asString()).isEqualTo("robot$" + project + "+" + name);
        assertThat(robot.get("level").asString()).isEqualTo("project");
        assertThat(robot.get("duration").asLong()).isEqualTo(30);
        assertThat(robot.get("disable").asBoolean()).isFalse();
        assertThat(robot.get("editable").asBoolean()).isTrue();
        assertThat(robot.get("description").asString()).isEqualTo("ci");
        assertThat(robot.get("creator_type").asString()).isEqualTo("local");
        assertThat(robot.get("creator_ref").asLong()).isEqualTo(owner.id());
        JsonNode permission = robot.get("permissions").get(0);
        assertThat(permission.get("kind").asString()).isEqualTo("project");
        assertThat(permission.get("namespace").asString()).isEqualTo(project);
        assertThat(permission.get("access").get(0).get("resource").asString()).isEqualTo("repository");
        assertThat(permission.get("access").get(0).get("action").asString()).isEqualTo("pull");
        assertThat(permission.get("access").get(0).get("effect").asString()).isEqualTo("allow");
    }

    @Test
    void sysadminCreatesASystemRobotThatNeverExpires() {
        String name = unique("sys");
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("level", "system");
        body.put("duration", -1);
        body.put(
                "permissions",
                List.of(
                        permission("system", "/", "audit-log:list", "project:list"),
                        permission("project", "*", "repository:pull"),
                        permission("project", project, "repository:push", "repository:pull")));

        JsonNode created = createRobot(admin, body);

        assertThat(created.get("name").asString()).isEqualTo("robot$" + name);
        assertThat(created.get("expires_at").asLong()).isEqualTo(-1);
        JsonNode robot =
                admin.get("/api/v2.0/robots/" + created.get("id").asLong()).json();
        assertThat(robot.get("level").asString()).isEqualTo("system");
        assertThat(robot.get("duration").asLong()).isEqualTo(-1);
        assertThat(robot.get("permissions")).hasSize(3);
        assertThat(robot.get("creator_type").asString()).isEqualTo("local");
    }

    @Test
    void aNameIsUniquePerProjectAndAChosenSecretWorks() {
        String name = unique("dup");
        Map<String, Object> body = projectRobot(name, "repository:pull");
        body.put("secret", "Chosen-Secret-42");
        JsonNode created = createRobot(admin, body);

        Response again = postJson(admin, "/api/v2.0/robots", projectRobot(name, "repository:pull"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("CONFLICT");

        assertThat(server.client(created.get("name").asString(), "Chosen-Secret-42")
                        .get("/v2/")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void listingIsByLevelAndProjectWithHarborPaging() {
        long projectId = accounts.projectId(project);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "l" + i + unique("r");
            names.add(name);
            createRobot(admin, projectRobot(name, "repository:pull"));
        }

        Response page1 = admin.get("/api/v2.0/robots?q=Level=project,ProjectID=" + projectId + "&page_size=2");
        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.header("X-Total-Count")).contains("3");
        assertThat(page1.header("Link").orElse("")).contains("rel=\"next\"").contains("page=2");
        assertThat(page1.json()).hasSize(2);
        // Default order: by name.
        assertThat(page1.json().get(0).get("name").asString()).isEqualTo("robot$" + project + "+" + names.get(0));
        for (JsonNode robot : page1.json()) {
            assertThat(robot.has("secret")).isFalse();
            assertThat(robot.get("permissions")).isNotEmpty();
        }

        Response filtered = admin.get("/api/v2.0/robots?q=Level=project,ProjectID=" + projectId + ",name=~"
                + names.get(1).substring(0, 6) + "&sort=-creation_time");
        assertThat(filtered.json()).hasSize(1);
        assertThat(filtered.json().get(0).get("name").asString()).endsWith("+" + names.get(1));

        // Without q Harbor lists system robots: none of these.
        Response system = admin.get("/api/v2.0/robots?page_size=100");
        assertThat(system.status()).isEqualTo(200);
        for (JsonNode robot : system.json()) {
            assertThat(robot.get("level").asString()).isEqualTo("system");
        }

        assertThat(admin.get("/api/v2.0/robots?q=Level=project").status()).isEqualTo(400);
        assertThat(admin.get("/api/v2.0/robots?q=Level=project,ProjectID=abc").status())
                .isEqualTo(400);
        assertThat(admin.get("/api/v2.0/robots?q=Level=everything").status()).isEqualTo(400);
    }

    @Test
    void updateChangesDescriptionDurationDisableAndPermissionsButNeverTheName() {
        JsonNode created = createRobot(admin, projectRobot(unique("upd"), "repository:pull"));
        long id = created.get("id").asLong();
        String fullName = created.get("name").asString();
        String secret = created.get("secret").asString();
        assertThat(server.client(fullName, secret).get("/v2/").status()).isEqualTo(200);

        Map<String, Object> update = new HashMap<>();
        update.put("name", fullName);
        update.put("level", "project");
        update.put("description", "changed");
        update.put("duration", 7);
        update.put("disable", true);
        update.put("permissions", List.of(permission("project", project, "repository:pull", "repository:push")));
        assertThat(putJson(admin, "/api/v2.0/robots/" + id, update).status()).isEqualTo(200);

        JsonNode robot = admin.get("/api/v2.0/robots/" + id).json();
        assertThat(robot.get("description").asString()).isEqualTo("changed");
        assertThat(robot.get("duration").asLong()).isEqualTo(7);
        assertThat(robot.get("disable").asBoolean()).isTrue();
        assertThat(robot.get("expires_at").asLong())
                .isCloseTo(Instant.now().plus(Duration.ofDays(7)).getEpochSecond(), within(120L));
        assertThat(robot.get("permissions").get(0).get("access")).hasSize(2);
        // Disabled: its credentials stop working at once, although they were just used.
        assertThat(server.client(fullName, secret).get("/v2/").status()).isEqualTo(401);

        update.put("name", "robot$" + project + "+other");
        assertThat(putJson(admin, "/api/v2.0/robots/" + id, update).status()).isEqualTo(400);
        update.put("name", fullName);
        update.put("level", "system");
        assertThat(putJson(admin, "/api/v2.0/robots/" + id, update).status()).isEqualTo(400);
        assertThat(admin.get("/api/v2.0/robots/" + id).json().get("name").asString())
                .isEqualTo(fullName);
    }

    @Test
    void refreshingTheSecretRetiresTheOldOne() {
        JsonNode created = createRobot(admin, projectRobot(unique("ref"), "repository:pull"));
        long id = created.get("id").asLong();
        String name = created.get("name").asString();
        String old = created.get("secret").asString();
        assertThat(server.client(name, old).get("/v2/").status()).isEqualTo(200);

        Response refreshed = patchJson(admin, "/api/v2.0/robots/" + id, Map.of());
        assertThat(refreshed.status()).isEqualTo(200);
        String fresh = refreshed.json().get("secret").asString();
        assertThat(fresh).isNotEqualTo(old);
        assertThat(PasswordRules.isStrong(fresh)).isTrue();
        assertThat(server.client(name, old).get("/v2/").status()).isEqualTo(401);
        assertThat(server.client(name, fresh).get("/v2/").status()).isEqualTo(200);

        assertThat(patchJson(admin, "/api/v2.0/robots/" + id, Map.of("secret", "weak"))
                        .status())
                .isEqualTo(400);
        Response chosen = patchJson(admin, "/api/v2.0/robots/" + id, Map.of("secret", "My-Own-Secret-9"));
        assertThat(chosen.status()).isEqualTo(200);
        assertThat(chosen.json().get("secret").asString()).isEmpty();
        assertThat(server.client(name, "My-Own-Secret-9").get("/v2/").status()).isEqualTo(200);
        assertThat(server.client(name, fresh).get("/v2/").status()).isEqualTo(401);
    }

    @Test
    void deletingARobotEndsItsCredentials() {
        JsonNode created = createRobot(admin, projectRobot(unique("del"), "repository:pull"));
        long id = created.get("id").asLong();
        RegistryClient robot = server.client(
                created.get("name").asString(), created.get("secret").asString());
        assertThat(robot.get("/v2/").status()).isEqualTo(200);

        assertThat(admin.delete("/api/v2.0/robots/" + id).status()).isEqualTo(200);

        assertThat(admin.get("/api/v2.0/robots/" + id).status()).isEqualTo(404);
        assertThat(admin.delete("/api/v2.0/robots/" + id).status()).isEqualTo(404);
        assertThat(robot.get("/v2/").status()).isEqualTo(401);
    }

    @Test
    void permissionListsGoToAdministratorsOnly() {
        JsonNode both = admin.get("/api/v2.0/permissions").json();
        assertThat(both.get("system").toString()).contains("\"audit-log\"").contains("\"user-group\"");
        assertThat(both.get("project").toString()).contains("{\"resource\":\"repository\",\"action\":\"pull\"}");
        assertThat(both.get("project")).hasSize(AssignablePermissions.PROJECT.size());
        assertThat(both.get("system")).hasSize(AssignablePermissions.SYSTEM.size());

        TestAccounts.Account owner = accounts.user("padm");
        accounts.member(project, owner, ProjectRole.PROJECT_ADMIN);
        Response projectOnly = owner.client().get("/api/v2.0/permissions");
        assertThat(projectOnly.status()).isEqualTo(200);
        assertThat(projectOnly.json().has("system")).isFalse();
        assertThat(projectOnly.json().get("project")).isNotEmpty();

        TestAccounts.Account developer = accounts.user("pdev");
        accounts.member(project, developer, ProjectRole.DEVELOPER);
        assertThat(developer.client().get("/api/v2.0/permissions").status()).isEqualTo(403);
        assertThat(server.anonymousClient().get("/api/v2.0/permissions").status())
                .isEqualTo(401);
        JsonNode robot = createRobot(admin, projectRobot(unique("perm"), "repository:pull"));
        assertThat(server.client(
                                robot.get("name").asString(),
                                robot.get("secret").asString())
                        .get("/api/v2.0/permissions")
                        .status())
                .isEqualTo(403);
    }
}
