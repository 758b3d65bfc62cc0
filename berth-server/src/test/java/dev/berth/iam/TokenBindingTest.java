package dev.berth.iam;

import static dev.berth.support.TestAccounts.createRobot;
import static dev.berth.support.TestAccounts.patchJson;
import static dev.berth.support.TestAccounts.permission;
import static dev.berth.support.TestAccounts.putJson;
import static dev.berth.support.TestAccounts.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.Closing;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A registry token is bound to the account it was issued to, by id and credential stamp, on two
 * replicas of one database: changing the password, refreshing or disabling a robot, or deleting the
 * account voids the tokens issued before at once on the other replica, and a token of a deleted user
 * does not pass to a new user of the same name. Anonymous tokens say nothing about private projects.
 */
class TokenBindingTest {
    private static TestDatabase db;
    private static BerthServer a;
    private static BerthServer b;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        a = BerthServer.withDatabase(db, Map.of());
        // Replicas sign with one key, as a deployment gives them.
        String key = a.dataDir().resolve("keys/token.pem").toString();
        b = BerthServer.withDatabase(db, Map.of("berth.token.private-key-file", key));
    }

    @AfterAll
    static void stop() {
        Closing.all(b, a, db);
    }

    @Test
    void aPasswordChangeVoidsTheTokensIssuedBeforeOnEveryReplica() {
        TestAccounts accounts = new TestAccounts(a);
        String project = accounts.project("bind", false);
        a.adminClient().pushImage(project + "/app", "v1", bytes("layer"));
        TestAccounts.Account user = accounts.user("binder");
        accounts.member(project, user, ProjectRole.DEVELOPER);
        String token = token(a, user.client(), project + "/app", "pull,push");
        RegistryClient bearer = bearer(b, token);
        RegistryClient.check(bearer.get("/v2/" + project + "/app/tags/list"), 200);

        RegistryClient.check(
                putJson(
                        a.adminClient(),
                        "/api/v2.0/users/" + user.id() + "/password",
                        Map.of("new_password", "New-Pass-2027")),
                200);

        assertThat(bearer.get("/v2/" + project + "/app/tags/list").status()).isEqualTo(401);
        assertThat(bearer(a, token).get("/v2/" + project + "/app/tags/list").status())
                .isEqualTo(401);
        // A token issued after the change works.
        String fresh = token(a, a.client(user.name(), "New-Pass-2027"), project + "/app", "pull");
        RegistryClient.check(bearer(b, fresh).get("/v2/" + project + "/app/tags/list"), 200);
    }

    @Test
    void aDeletedUsersTokenDoesNotPassToTheNextUserOfTheName() {
        TestAccounts accounts = new TestAccounts(a);
        String project = accounts.project("reuse", false);
        a.adminClient().pushImage(project + "/app", "v1", bytes("layer"));
        TestUsers.TestUser first = TestUsers.create(a, "reused");
        TestUsers.addMember(a, project, first.id(), ProjectRole.DEVELOPER.id());
        String token = token(a, first.client(), project + "/app", "pull,push");
        RegistryClient bearer = bearer(b, token);
        RegistryClient.check(bearer.get("/v2/" + project + "/app/tags/list"), 200);

        RegistryClient.check(a.adminClient().delete("/api/v2.0/users/" + first.id()), 200);
        assertThat(bearer.get("/v2/" + project + "/app/tags/list").status()).isEqualTo(401);

        // Someone else gets the name, and the same rights: the old token is still nobody's.
        RegistryClient.Response again =
                a.adminClient().send("POST", "/api/v2.0/users", TestUsers.json(first.name()), TestUsers.CONTENT_JSON);
        RegistryClient.check(again, 201);
        String location = again.header("Location").orElseThrow();
        long secondId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        TestUsers.addMember(a, project, secondId, ProjectRole.DEVELOPER.id());
        assertThat(bearer.get("/v2/" + project + "/app/tags/list").status()).isEqualTo(401);
        assertThat(bearer(a, token).get("/v2/" + project + "/app/tags/list").status())
                .isEqualTo(401);
    }

    @Test
    void aRobotsTokensDieWithItsSecretAndItsStanding() {
        TestAccounts accounts = new TestAccounts(a);
        String project = accounts.project("robotbind", false);
        a.adminClient().pushImage(project + "/app", "v1", bytes("layer"));
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("bot"));
        body.put("level", "project");
        body.put("duration", -1);
        body.put("permissions", List.of(permission("project", project, "repository:pull")));
        JsonNode robot = createRobot(a.adminClient(), body);
        long id = robot.get("id").asLong();
        RegistryClient robotClient =
                a.client(robot.get("name").asString(), robot.get("secret").asString());

        String beforeRefresh = token(a, robotClient, project + "/app", "pull");
        RegistryClient.check(bearer(b, beforeRefresh).get("/v2/" + project + "/app/tags/list"), 200);
        JsonNode refreshed =
                patchJson(a.adminClient(), "/api/v2.0/robots/" + id, Map.of()).json();
        assertThat(bearer(b, beforeRefresh)
                        .get("/v2/" + project + "/app/tags/list")
                        .status())
                .isEqualTo(401);

        RegistryClient renewed =
                a.client(robot.get("name").asString(), refreshed.get("secret").asString());
        String beforeDelete = token(a, renewed, project + "/app", "pull");
        RegistryClient.check(bearer(b, beforeDelete).get("/v2/" + project + "/app/tags/list"), 200);
        RegistryClient.check(a.adminClient().delete("/api/v2.0/robots/" + id), 200);
        assertThat(bearer(b, beforeDelete)
                        .get("/v2/" + project + "/app/tags/list")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void anAnonymousTokenSaysTheSameOfAPrivateProjectAsOfOneThatDoesNotExist() {
        TestAccounts accounts = new TestAccounts(a);
        String secret = accounts.project("hidden", false);
        String open = accounts.project("open", true);
        String missing = unique("missing");
        JsonNode forPrivate = claims(anonymousToken(secret + "/app"));
        JsonNode forMissing = claims(anonymousToken(missing + "/app"));
        assertThat(forPrivate.path("berth_projects")).isEqualTo(forMissing.path("berth_projects"));
        assertThat(forPrivate.path("berth_projects").size()).isZero();
        assertThat(forPrivate.path("access").path(0).path("actions"))
                .isEqualTo(forMissing.path("access").path(0).path("actions"));
        assertThat(forPrivate.path("access").path(0).path("actions").size()).isZero();
        assertThat(forPrivate.has("berth_subject")).isFalse();
        // What the caller may do is pinned to its project, as before.
        JsonNode forPublic = claims(anonymousToken(open + "/app"));
        assertThat(forPublic.path("berth_projects").path(open + "/app").asLong())
                .isEqualTo(accounts.projectId(open));
    }

    private static String anonymousToken(String repository) {
        RegistryClient.Response r =
                a.anonymousClient().get("/service/token?service=berth&scope=repository:" + repository + ":pull,push");
        RegistryClient.check(r, 200);
        return r.json().path("token").asString();
    }

    private static JsonNode claims(String token) {
        String payload = token.split("\\.")[1];
        return RegistryClient.JSON.readTree(Base64.getUrlDecoder().decode(payload));
    }

    private static String token(BerthServer server, RegistryClient client, String repository, String actions) {
        RegistryClient.Response r =
                client.get("/service/token?service=berth&scope=repository:" + repository + ":" + actions);
        RegistryClient.check(r, 200);
        return r.json().path("token").asString();
    }

    private static RegistryClient bearer(BerthServer server, String token) {
        return new RegistryClient(server.baseUri(), Map.of("Authorization", "Bearer " + token));
    }

    private static byte[] bytes(String prefix) {
        return (prefix + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    }
}
