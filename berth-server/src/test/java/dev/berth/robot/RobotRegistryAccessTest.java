package dev.berth.robot;

import static dev.berth.support.TestAccounts.createRobot;
import static dev.berth.support.TestAccounts.permission;
import static dev.berth.support.TestAccounts.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.Skopeo;
import dev.berth.support.TestAccounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A robot's credentials at {@code /v2/}: with Basic, through the token service, and with skopeo. */
class RobotRegistryAccessTest {
    @TempDir
    Path work;

    private BerthServer server;
    private TestAccounts accounts;
    private RegistryClient admin;
    private String project;
    private String repository;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        accounts = new TestAccounts(server);
        admin = server.adminClient();
        project = accounts.project("pull", false);
        repository = project + "/app";
        admin.pushImage(repository, "v1", emptyLayer());
    }

    private JsonNode robot(String... access) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("bot"));
        body.put("level", "project");
        body.put("permissions", List.of(permission("project", project, access)));
        return createRobot(admin, body);
    }

    private RegistryClient basic(JsonNode robot) {
        return server.client(robot.get("name").asString(), robot.get("secret").asString());
    }

    @Test
    void aPullOnlyRobotPullsWithBasicCredentialsAndCannotPushOrDelete() {
        RegistryClient robot = basic(robot("repository:pull"));

        Response pulled = robot.get("/v2/" + repository + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(pulled.status()).isEqualTo(200);
        assertThat(robot.get("/v2/" + repository + "/tags/list").status()).isEqualTo(200);

        Response push = robot.send("POST", "/v2/" + repository + "/blobs/uploads/", null);
        assertThat(push.status()).isEqualTo(403);
        assertThat(push.errorCode()).isEqualTo("DENIED");
        Response putManifest = robot.send(
                "PUT",
                "/v2/" + repository + "/manifests/v2",
                pulled.body(),
                "Content-Type",
                RegistryClient.OCI_MANIFEST);
        assertThat(putManifest.status()).isEqualTo(403);
        assertThat(robot.delete("/v2/" + repository + "/manifests/v1").status()).isEqualTo(403);
        assertThat(admin.get("/v2/" + repository + "/tags/list")
                        .json()
                        .get("tags")
                        .toString())
                .isEqualTo("[\"v1\"]");

        String other = accounts.project("other", false);
        admin.pushImage(other + "/app", "v1", emptyLayer());
        assertThat(robot.get("/v2/" + other + "/app/manifests/v1").status()).isEqualTo(403);
        assertThat(robot.get("/v2/_catalog").status()).isEqualTo(403);
    }

    @Test
    void theTokenServiceGrantsARobotOnlyWhatItHolds() {
        RegistryClient robot = basic(robot("repository:pull"));
        Response token = robot.get("/service/token?service=berth&scope=repository:" + repository + ":pull,push,delete");
        assertThat(token.status()).isEqualTo(200);
        RegistryClient bearer = new RegistryClient(
                server.baseUri(),
                Map.of("Authorization", "Bearer " + token.json().get("token").asString()));

        assertThat(bearer.get("/v2/" + repository + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);
        Response push = bearer.send("POST", "/v2/" + repository + "/blobs/uploads/", null);
        assertThat(push.status()).isEqualTo(401);
        assertThat(push.header("WWW-Authenticate").orElse("")).contains("insufficient_scope");
        assertThat(bearer.delete("/v2/" + repository + "/manifests/v1").status())
                .isEqualTo(401);

        // A robot that holds push gets push in its token, and can push with it.
        RegistryClient pusher = basic(robot("repository:pull", "repository:push"));
        Response pushToken = pusher.get("/service/token?service=berth&scope=repository:" + repository + ":pull,push");
        RegistryClient pushBearer = new RegistryClient(
                server.baseUri(),
                Map.of(
                        "Authorization",
                        "Bearer " + pushToken.json().get("token").asString()));
        pushBearer.pushImage(repository, "v2", emptyLayer());
        assertThat(admin.get("/v2/" + repository + "/tags/list")
                        .json()
                        .get("tags")
                        .toString())
                .contains("v2");
    }

    @Test
    void disabledAndExpiredRobotsAreRefused() {
        JsonNode disabled = robot("repository:pull");
        Map<String, Object> update = new HashMap<>();
        update.put("level", "project");
        update.put("disable", true);
        update.put("permissions", List.of(permission("project", project, "repository:pull")));
        RegistryClient.check(
                TestAccounts.putJson(
                        admin, "/api/v2.0/robots/" + disabled.get("id").asLong(), update),
                200);
        assertThat(basic(disabled).get("/v2/").status()).isEqualTo(401);
        assertThat(basic(disabled)
                        .get("/service/token?scope=repository:" + repository + ":pull")
                        .status())
                .isEqualTo(401);

        JsonNode expired = robot("repository:pull");
        accounts.jdbc()
                .sql("UPDATE robot SET expires_at = extract(epoch FROM now())::bigint - 10 WHERE id = ?")
                .param(expired.get("id").asLong())
                .update();
        assertThat(basic(expired).get("/v2/" + repository + "/manifests/v1").status())
                .isEqualTo(401);
        assertThat(basic(expired)
                        .get("/service/token?scope=repository:" + repository + ":pull")
                        .status())
                .isEqualTo(401);

        assertThat(server.client(disabled.get("name").asString(), "Wrong-Secret-1")
                        .get("/v2/")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void skopeoPullsWithAPullOnlyRobotAndCannotPush() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is not installed");
        JsonNode robot = robot("repository:pull");
        String creds = robot.get("name").asString() + ":" + robot.get("secret").asString();
        Path layout = work.resolve("layout");

        Skopeo.Result pull = skopeo(
                "copy",
                "--src-creds",
                creds,
                "--src-tls-verify=false",
                "docker://" + server.hostPort() + "/" + repository + ":v1",
                "oci:" + layout + ":v1");
        assertThat(pull.exit()).as(pull.err()).isEqualTo(0);
        assertThat(Files.exists(layout.resolve("index.json"))).isTrue();

        Skopeo.Result push = skopeo(
                "copy",
                "--dest-creds",
                creds,
                "--dest-tls-verify=false",
                "oci:" + layout + ":v1",
                "docker://" + server.hostPort() + "/" + repository + ":pushed");
        assertThat(push.exit()).isNotEqualTo(0);
        assertThat(admin.get("/v2/" + repository + "/manifests/pushed").status())
                .isEqualTo(404);
    }

    private Skopeo.Result skopeo(String... args) throws IOException, InterruptedException {
        return Skopeo.run(work, args);
    }

    static byte[] emptyLayer() {
        return Skopeo.emptyLayer();
    }
}
