package dev.berth.oidc;

import static dev.berth.oidc.OidcSite.CLIENT_ID;
import static dev.berth.oidc.OidcSite.CLIENT_SECRET;
import static dev.berth.oidc.OidcSite.cookie;
import static dev.berth.oidc.OidcSite.post;
import static dev.berth.oidc.OidcSite.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.berth.oidc.OidcSite.Flow;
import dev.berth.oidc.OidcSite.Session;
import dev.berth.support.BerthServer;
import dev.berth.support.JobLogs;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.Skopeo;
import dev.berth.support.TestAccounts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The CLI secret of an OIDC user ({@link OidcSite}: a real OpenID Connect provider on 127.0.0.1):
 * skopeo pushing and pulling with it under the groups claim's project role, set by its owner or an
 * administrator and never a portal password, ended by a revoked refresh token once the session check
 * interval has passed, and kept out of answers, logs, the audit log and job logs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OidcCliSecretTest {
    private static final String PROJECT = "oidcteam";

    @TempDir
    static Path work;

    private static OidcSite site;
    private static BerthServer server;
    private static MutableClock clock;
    private static RegistryClient admin;
    private static ListAppender<ILoggingEvent> logs;

    /** alice, onboarded at the start, in group dev-team; her CLI secret changes as the tests set it. */
    private static Session alice;

    private static String aliceSecret;

    @BeforeAll
    static void start() throws Exception {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        site = OidcSite.start();
        server = site.server;
        clock = site.clock;
        admin = site.admin;
        alice = site.onboarded(
                "alice-sub",
                "alice",
                Map.of("preferred_username", "alice", "email", "alice@example.com", "groups", List.of("dev-team")));
        aliceSecret = alice.client()
                .get("/api/v2.0/users/current")
                .json()
                .path("oidc_user_meta")
                .path("secret")
                .asString();
        assertThat(aliceSecret).isNotEmpty();
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (site != null) {
            site.close();
        }
    }

    @Test
    @Order(1)
    void theGroupsClaimGrantsTheGroupsProjectRole_toSkopeoWithTheCliSecret() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is not installed");
        assertThat(post(admin, "/api/v2.0/projects", "{\"project_name\":\"" + PROJECT + "\",\"public\":false}")
                        .status())
                .isEqualTo(201);
        admin.pushImage(PROJECT + "/app", "v1", emptyLayer());
        long group = site.groupId("dev-team");
        String creds = "alice:" + aliceSecret;
        Path layout = work.resolve("layout");
        // Not a member yet.
        assertThat(skopeo(
                                "copy",
                                "--src-creds",
                                creds,
                                "--src-tls-verify=false",
                                "docker://" + server.hostPort() + "/" + PROJECT + "/app:v1",
                                "oci:" + layout + ":v1")
                        .exit())
                .isNotEqualTo(0);
        assertThat(post(
                                admin,
                                "/api/v2.0/projects/" + PROJECT + "/members",
                                "{\"role_id\":2,\"member_group\":{\"id\":" + group + "}}")
                        .status())
                .isEqualTo(201);
        Skopeo.Result pull = skopeo(
                "copy",
                "--src-creds",
                creds,
                "--src-tls-verify=false",
                "docker://" + server.hostPort() + "/" + PROJECT + "/app:v1",
                "oci:" + layout + ":v1");
        assertThat(pull.exit()).as(pull.err()).isEqualTo(0);
        Skopeo.Result push = skopeo(
                "copy",
                "--dest-creds",
                creds,
                "--dest-tls-verify=false",
                "oci:" + layout + ":v1",
                "docker://" + server.hostPort() + "/" + PROJECT + "/app:pushed-by-alice");
        assertThat(push.exit()).as(push.err()).isEqualTo(0);
        assertThat(admin.get("/v2/" + PROJECT + "/app/manifests/pushed-by-alice")
                        .status())
                .isEqualTo(200);
        // A wrong secret does nothing.
        assertThat(skopeo(
                                "copy",
                                "--src-creds",
                                "alice:Wrong-Secret-1",
                                "--src-tls-verify=false",
                                "docker://" + server.hostPort() + "/" + PROJECT + "/app:v1",
                                "oci:" + layout + ":v2")
                        .exit())
                .isNotEqualTo(0);
    }

    @Test
    @Order(2)
    void theCliSecretIsSetByItsOwnerOrAnAdministrator_andIsNotAPortalPassword() throws Exception {
        long aliceId = alice.client()
                .get("/api/v2.0/users/current")
                .json()
                .path("user_id")
                .asLong();
        // A weak secret is refused; nothing changes.
        RegistryClient.Response weak = alice.put("/api/v2.0/users/" + aliceId + "/cli_secret", "{\"secret\":\"weak\"}");
        assertThat(weak.status()).isEqualTo(400);
        assertThat(server.client("alice", aliceSecret)
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
        // Another user cannot set it (bob signs in through the provider too).
        Flow bobFlow = site.signIn("bob-sub", Map.of("preferred_username", "bob"), null);
        String bobFlowCookie =
                cookie(bobFlow.callback(), OidcController.FLOW_COOKIE).orElseThrow();
        Session bob = site.session(server.anonymousClient()
                .send(
                        "POST",
                        "/c/oidc/onboard",
                        "{\"username\":\"bob\"}".getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json",
                        "Cookie",
                        OidcController.FLOW_COOKIE + "=" + bobFlowCookie)
                .raw());
        assertThat(bob.put("/api/v2.0/users/" + aliceId + "/cli_secret", "{\"secret\":\"Stolen-Secret-9\"}")
                        .status())
                .isEqualTo(403);
        assertThat(server.client("alice", "Stolen-Secret-9")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
        // alice sets her own: the old one stops working at once.
        RegistryClient.Response set =
                alice.put("/api/v2.0/users/" + aliceId + "/cli_secret", "{\"secret\":\"Alice-Cli-Secret-42\"}");
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        assertThat(server.client("alice", aliceSecret)
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
        aliceSecret = "Alice-Cli-Secret-42";
        assertThat(server.client("alice", aliceSecret)
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
        RegistryClient.Response token = server.client("alice", aliceSecret)
                .get("/service/token?service=berth&scope=repository:" + PROJECT + "/app:pull");
        assertThat(token.status()).isEqualTo(200);
        // The secret is no password for the portal; the local admin's password still is.
        assertThat(site.portalLogin("alice", aliceSecret).status()).isEqualTo(401);
        assertThat(site.portalLogin("admin", BerthServer.ADMIN_PASSWORD).status())
                .isEqualTo(200);
        // The administrator may set it; the user themself sees it, the administrator's answers do not hold it.
        assertThat(put(admin, "/api/v2.0/users/" + aliceId + "/cli_secret", "{\"secret\":\"Admin-Set-Secret-7\"}")
                        .status())
                .isEqualTo(200);
        assertThat(admin.get("/api/v2.0/users/" + aliceId).text()).doesNotContain("Admin-Set-Secret-7");
        assertThat(alice.client()
                        .get("/api/v2.0/users/current")
                        .json()
                        .path("oidc_user_meta")
                        .path("secret")
                        .asString())
                .isEqualTo("Admin-Set-Secret-7");
        aliceSecret = "Admin-Set-Secret-7";
        // Not for an unknown user, nor for the local admin (not an OIDC user).
        assertThat(put(admin, "/api/v2.0/users/999999/cli_secret", "{\"secret\":\"Some-Secret-77\"}")
                        .status())
                .isEqualTo(404);
        assertThat(put(admin, "/api/v2.0/users/1/cli_secret", "{\"secret\":\"Some-Secret-77\"}")
                        .status())
                .isEqualTo(412);
    }

    @Test
    @Order(3)
    void aRevokedRefreshTokenEndsTheCliSecret_afterTheSessionCheckInterval() throws Exception {
        long aliceId = alice.client()
                .get("/api/v2.0/users/current")
                .json()
                .path("user_id")
                .asLong();
        OidcUsers oidcUsers = server.bean(OidcUsers.class);
        OidcUsers.Stored before = oidcUsers.tokens(aliceId).orElseThrow();
        assertThat(before.refreshToken()).isNotEmpty();
        // Past the check interval the provider is asked: the session lives, the token is refreshed.
        clock.advance(Duration.ofMinutes(6));
        assertThat(server.client("alice", aliceSecret)
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
        OidcUsers.Stored after = oidcUsers.tokens(aliceId).orElseThrow();
        assertThat(after.checkedAt()).isAfter(before.checkedAt());
        String refreshed = after.refreshToken();

        HttpResponse<String> revoked = site.browser.send(
                HttpRequest.newBuilder(URI.create(site.endpoint() + "/revoke"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "token=" + refreshed + "&token_type_hint=refresh_token&client_id=" + CLIENT_ID))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        // Within the interval the secret still works (the bounded cache); after it, it does not.
        assertThat(server.client("alice", aliceSecret)
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
        clock.advance(Duration.ofMinutes(6));
        assertThat(server.client("alice", aliceSecret)
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
        assertThat(server.client("alice", aliceSecret)
                        .get("/service/token?service=berth&scope=repository:" + PROJECT + "/app:pull")
                        .status())
                .isEqualTo(401);
        // The local admin and Basic API access keep working in OIDC mode.
        assertThat(admin.get("/api/v2.0/users/current").status()).isEqualTo(200);
        // So do robot accounts, with their own secrets.
        JsonNode robot = TestAccounts.createRobot(
                admin,
                Map.of(
                        "name",
                        "oidcci",
                        "level",
                        "project",
                        "duration",
                        -1,
                        "permissions",
                        List.of(TestAccounts.permission("project", PROJECT, "repository:pull"))));
        RegistryClient robotClient = server.client(
                robot.path("name").asString(), robot.path("secret").asString());
        assertThat(RegistryClient.grantedActions(
                        robotClient.get("/service/token?service=berth&scope=repository:" + PROJECT + "/app:pull,push")))
                .isEqualTo("pull");
        assertThat(robotClient.head("/v2/" + PROJECT + "/app/manifests/v1").status())
                .isEqualTo(200);
        // Signing in again at the provider gives a new session, and the secret works again.
        Flow again =
                site.signIn("alice-sub", Map.of("preferred_username", "alice", "groups", List.of("dev-team")), null);
        assertThat(cookie(again.callback(), "sid")).isPresent();
        assertThat(server.client("alice", aliceSecret)
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
    }

    @Test
    @Order(4)
    void secretsAreAbsentFromAnswersTheAuditLogTheLogsAndJobLogs() {
        String audit = admin.get("/api/v2.0/audit-logs?page_size=100").text();
        assertThat(audit)
                .contains("alice")
                .doesNotContain(aliceSecret)
                .doesNotContain(CLIENT_SECRET)
                .doesNotContain("Alice-Cli-Secret-42");
        assertThat(admin.get("/api/v2.0/configurations").text()).doesNotContain(CLIENT_SECRET);
        for (ILoggingEvent e : List.copyOf(logs.list)) {
            assertThat(e.getFormattedMessage())
                    .doesNotContain(CLIENT_SECRET)
                    .doesNotContain(aliceSecret)
                    .doesNotContain("Alice-Cli-Secret-42");
        }
        assertThat(JobLogs.afterAGarbageCollection(server))
                .doesNotContain(CLIENT_SECRET)
                .doesNotContain(aliceSecret)
                .doesNotContain("Alice-Cli-Secret-42");
    }

    private static Skopeo.Result skopeo(String... args) throws IOException, InterruptedException {
        return Skopeo.run(work, args);
    }

    private static byte[] emptyLayer() {
        return Skopeo.emptyLayer();
    }
}
