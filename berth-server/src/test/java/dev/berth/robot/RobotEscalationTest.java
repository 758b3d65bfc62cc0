package dev.berth.robot;

import static dev.berth.support.TestAccounts.createRobot;
import static dev.berth.support.TestAccounts.patchJson;
import static dev.berth.support.TestAccounts.permission;
import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static dev.berth.support.TestAccounts.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The ways robot accounts have been abused in Harbor, tried here: permissions outside the
 * assignable lists, grants on projects the caller does not manage (CVE-2019-16919), robots minting
 * more powerful robots (#18636), acting on other projects' robots by id (CVE-2022-31667), and
 * secrets leaking through {@code q=} (CVE-2025-30086).
 */
class RobotEscalationTest {
    private BerthServer server;
    private TestAccounts accounts;
    private RegistryClient admin;
    private String mine;
    private String theirs;
    private TestAccounts.Account owner;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        accounts = new TestAccounts(server);
        admin = server.adminClient();
        mine = accounts.project("mine", false);
        theirs = accounts.project("theirs", false);
        owner = accounts.user("owner");
        accounts.member(mine, owner, ProjectRole.PROJECT_ADMIN);
    }

    private static Map<String, Object> robot(String level, Object... permissions) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("r"));
        body.put("level", level);
        body.put("permissions", List.of(permissions));
        return body;
    }

    private Response create(RegistryClient client, Map<String, Object> body) {
        return postJson(client, "/api/v2.0/robots", body);
    }

    @Test
    void onlyAssignablePermissionsAreAccepted() {
        List<Object> refused = List.of(
                permission("project", mine, "repository:*"),
                permission("project", mine, "robot:update"),
                permission("project", mine, "user:create"),
                permission("project", mine, "audit-log:list"),
                permission("project", mine, "configuration:update"),
                permission("project", mine, "nonsense:pull"),
                permission("system", "/", "repository:pull"),
                permission("system", "/", "robot:update"),
                permission("system", "/", "configuration:update"),
                permission("global", "/", "project:list"));
        for (Object p : refused) {
            Response r = create(admin, robot(((Map<?, ?>) p).get("kind").equals("system") ? "system" : "project", p));
            assertThat(r.status()).as("%s", p).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("BAD_REQUEST");
        }
        Map<String, Object> deny = Map.of(
                "kind",
                "project",
                "namespace",
                mine,
                "access",
                List.of(Map.of("resource", "repository", "action", "pull", "effect", "deny")));
        assertThat(create(admin, robot("project", deny)).status()).isEqualTo(400);
        assertThat(create(admin, robot("project")).status()).isEqualTo(400);
        assertThat(create(admin, robot("project", Map.of("kind", "project", "namespace", mine, "access", List.of())))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void shapeRulesOfHarbor() {
        Object pull = permission("project", mine, "repository:pull");
        Map<String, Object> body = robot("project", pull);
        body.put("name", "Robot+x");
        assertThat(create(admin, body).status()).isEqualTo(400);
        body.put("name", "a$b");
        assertThat(create(admin, body).status()).isEqualTo(400);
        body.put("name", unique("ok"));
        body.put("duration", -2);
        assertThat(create(admin, body).status()).isEqualTo(400);
        body.put("duration", 1.5);
        assertThat(create(admin, body).status()).isEqualTo(400);
        body.put("duration", 1);
        body.put("secret", "alllowercase1");
        assertThat(create(admin, body).status()).isEqualTo(400);
        body.remove("secret");
        body.put("level", "global");
        assertThat(create(admin, body).status()).isEqualTo(400);

        // A project robot: one permission, of kind project, for one real project.
        assertThat(create(admin, robot("project", pull, permission("project", theirs, "repository:pull")))
                        .status())
                .isEqualTo(400);
        assertThat(create(admin, robot("project", permission("project", "*", "repository:pull")))
                        .status())
                .isEqualTo(400);
        assertThat(create(admin, robot("project", permission("system", "/", "project:list")))
                        .status())
                .isEqualTo(400);
        assertThat(create(admin, robot("project", permission("project", unique("none"), "repository:pull")))
                        .status())
                .isEqualTo(404);
        assertThat(create(admin, robot("system", permission("system", "x", "project:list")))
                        .status())
                .isEqualTo(400);
        assertThat(create(admin, robot("system", permission("project", unique("none"), "repository:pull")))
                        .status())
                .isEqualTo(404);
        // The body cannot set what the server decides.
        Map<String, Object> sneaky = robot("project", pull);
        sneaky.put("id", 1);
        sneaky.put("creator_ref", 1);
        sneaky.put("creator_type", "robot");
        JsonNode created = createRobot(admin, sneaky);
        JsonNode stored =
                admin.get("/api/v2.0/robots/" + created.get("id").asLong()).json();
        assertThat(stored.get("creator_type").asString()).isEqualTo("local");
        assertThat(stored.get("id").asLong()).isNotEqualTo(1);
    }

    @Test
    void aProjectAdminCreatesRobotsOnlyForTheirOwnProject() {
        RegistryClient client = owner.client();
        assertThat(create(client, robot("project", permission("project", mine, "repository:push")))
                        .status())
                .isEqualTo(201);
        // Another private project: as if it did not exist.
        assertThat(create(client, robot("project", permission("project", theirs, "repository:pull")))
                        .status())
                .isEqualTo(404);
        // A public project they may read but not manage.
        String open = accounts.project("open", true);
        assertThat(create(client, robot("project", permission("project", open, "repository:push")))
                        .status())
                .isEqualTo(403);
        // System robots, even if limited to their own project.
        assertThat(create(client, robot("system", permission("project", mine, "repository:pull")))
                        .status())
                .isEqualTo(403);
        assertThat(create(client, robot("system", permission("project", "*", "repository:pull")))
                        .status())
                .isEqualTo(403);

        TestAccounts.Account maintainer = accounts.user("mnt");
        accounts.member(mine, maintainer, ProjectRole.MAINTAINER);
        TestAccounts.Account developer = accounts.user("dev");
        accounts.member(mine, developer, ProjectRole.DEVELOPER);
        for (TestAccounts.Account member : List.of(maintainer, developer)) {
            assertThat(create(member.client(), robot("project", permission("project", mine, "repository:pull")))
                            .status())
                    .isEqualTo(403);
        }
        assertThat(create(server.anonymousClient(), robot("project", permission("project", mine, "repository:pull")))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void aRobotCannotCreateARobotMorePowerfulOrLongerLivedThanItself() {
        JsonNode creator = createRobot(
                admin, robot("project", permission("project", mine, "robot:create", "robot:read", "repository:pull")));
        RegistryClient asRobot = server.client(
                creator.get("name").asString(), creator.get("secret").asString());

        Response escalate = create(asRobot, robot("project", permission("project", mine, "repository:push")));
        assertThat(escalate.status()).isEqualTo(403);
        assertThat(escalate.errorCode()).isEqualTo("DENIED");
        assertThat(create(asRobot, robot("project", permission("project", theirs, "repository:pull")))
                        .status())
                .isIn(403, 404);
        assertThat(create(asRobot, robot("system", permission("project", mine, "repository:pull")))
                        .status())
                .isEqualTo(403);
        Map<String, Object> forever = robot("project", permission("project", mine, "repository:pull"));
        forever.put("duration", -1);
        assertThat(create(asRobot, forever).status()).isEqualTo(403);

        Map<String, Object> lesser = robot("project", permission("project", mine, "repository:pull"));
        lesser.put("duration", 1);
        Response ok = create(asRobot, lesser);
        assertThat(ok.status()).isEqualTo(201);
        JsonNode made =
                admin.get("/api/v2.0/robots/" + ok.json().get("id").asLong()).json();
        assertThat(made.get("creator_type").asString()).isEqualTo("robot");
        assertThat(made.get("creator_ref").asLong()).isEqualTo(creator.get("id").asLong());
    }

    @Test
    void aSystemRobotMayDelegateOnlyWhatItHolds() {
        Map<String, Object> body = robot(
                "system",
                permission("system", "/", "robot:create", "project:list"),
                permission("project", "*", "repository:pull"));
        body.put("duration", 30);
        JsonNode creator = createRobot(admin, body);
        RegistryClient asRobot = server.client(
                creator.get("name").asString(), creator.get("secret").asString());

        assertThat(create(asRobot, robot("system", permission("system", "/", "audit-log:list")))
                        .status())
                .isEqualTo(403);
        assertThat(create(asRobot, robot("system", permission("system", "/", "robot:create", "user:create")))
                        .status())
                .isEqualTo(403);
        assertThat(create(asRobot, robot("system", permission("project", theirs, "repository:push")))
                        .status())
                .isEqualTo(403);
        Map<String, Object> fine = robot(
                "system", permission("system", "/", "project:list"), permission("project", theirs, "repository:pull"));
        fine.put("duration", 2);
        assertThat(create(asRobot, fine).status()).isEqualTo(201);
    }

    @Test
    void robotsOfProjectsTheCallerCannotManageAreOutOfReachById() {
        JsonNode victim = createRobot(admin, robot("project", permission("project", theirs, "repository:pull")));
        long id = victim.get("id").asLong();
        String secret = victim.get("secret").asString();
        String before = admin.get("/api/v2.0/robots/" + id).text();
        RegistryClient attacker = owner.client();

        assertThat(attacker.get("/api/v2.0/robots/" + id).status()).isEqualTo(404);
        Map<String, Object> takeover = new HashMap<>();
        takeover.put("name", victim.get("name").asString());
        takeover.put("level", "project");
        takeover.put("disable", true);
        takeover.put("permissions", List.of(permission("project", mine, "repository:pull")));
        assertThat(putJson(attacker, "/api/v2.0/robots/" + id, takeover).status())
                .isEqualTo(404);
        takeover.put("permissions", List.of(permission("project", theirs, "repository:pull")));
        assertThat(putJson(attacker, "/api/v2.0/robots/" + id, takeover).status())
                .isEqualTo(404);
        assertThat(patchJson(attacker, "/api/v2.0/robots/" + id, Map.of()).status())
                .isEqualTo(404);
        assertThat(attacker.delete("/api/v2.0/robots/" + id).status()).isEqualTo(404);
        // Nor is it in their listing of that project.
        assertThat(attacker.get("/api/v2.0/robots?q=Level=project,ProjectID=" + accounts.projectId(theirs))
                        .status())
                .isEqualTo(404);

        assertThat(admin.get("/api/v2.0/robots/" + id).text()).isEqualTo(before);
        assertThat(server.client(victim.get("name").asString(), secret)
                        .get("/v2/")
                        .status())
                .isEqualTo(200);

        // A project admin moving their own robot into another project is refused too.
        JsonNode own = createRobot(owner.client(), robot("project", permission("project", mine, "repository:pull")));
        takeover.put("name", own.get("name").asString());
        assertThat(putJson(owner.client(), "/api/v2.0/robots/" + own.get("id").asLong(), takeover)
                        .status())
                .isEqualTo(400);
        // And system robots are not theirs either.
        JsonNode system = createRobot(admin, robot("system", permission("system", "/", "project:list")));
        assertThat(attacker.get("/api/v2.0/robots/" + system.get("id").asLong()).status())
                .isEqualTo(404);
        assertThat(attacker.get("/api/v2.0/robots").status()).isEqualTo(403);
    }

    @Test
    void membersWhoMayReadRobotsStillCannotChangeThem() {
        JsonNode robot = createRobot(admin, robot("project", permission("project", mine, "repository:pull")));
        long id = robot.get("id").asLong();
        TestAccounts.Account developer = accounts.user("dev");
        accounts.member(mine, developer, ProjectRole.DEVELOPER);
        RegistryClient client = developer.client();

        Response read = client.get("/api/v2.0/robots/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().has("secret")).isFalse();
        assertThat(client.get("/api/v2.0/robots?q=Level=project,ProjectID=" + accounts.projectId(mine))
                        .status())
                .isEqualTo(200);
        Map<String, Object> update = new HashMap<>();
        update.put("level", "project");
        update.put("permissions", List.of(permission("project", mine, "repository:push")));
        assertThat(putJson(client, "/api/v2.0/robots/" + id, update).status()).isEqualTo(403);
        assertThat(patchJson(client, "/api/v2.0/robots/" + id, Map.of()).status())
                .isEqualTo(403);
        assertThat(client.delete("/api/v2.0/robots/" + id).status()).isEqualTo(403);
        assertThat(server.anonymousClient().get("/api/v2.0/robots/" + id).status())
                .isEqualTo(401);
    }

    @Test
    void secretsCannotBeProbedThroughQueries() {
        createRobot(admin, robot("project", permission("project", mine, "repository:pull")));
        long projectId = accounts.projectId(mine);
        for (String q : List.of("secret=~a", "secret_hash=x", "secret_hash=~0", "salt=x", "password=~a")) {
            Response r = admin.get("/api/v2.0/robots?q=Level=project,ProjectID=" + projectId + "," + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.text()).doesNotContain("robot$");
        }
        assertThat(admin.get("/api/v2.0/robots?sort=secret_hash").status()).isEqualTo(400);
    }
}
