package dev.berth.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.berth.support.BerthServer;
import dev.berth.support.JobLogs;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.Skopeo;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code oidc_auth} against a real OpenID Connect provider on 127.0.0.1 (NAV's mock-oauth2-server:
 * authorization code with PKCE, signed ID tokens, JWKS, refresh tokens and their revocation): the
 * configuration items, the browser's sign-in driven over HTTP redirect by redirect, onboarding,
 * groups claim to project role with skopeo pushing and pulling with the CLI secret, the CLI secret
 * ending with a revoked refresh token, bad state / nonce / redirect refused, secrets kept out of
 * answers, logs, the audit log and job logs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OidcLoginTest {
    private static final String ISSUER = "default";
    private static final String CLIENT_ID = "berth-portal";
    private static final String CLIENT_SECRET = "Client-Secret-4711-xyz";
    private static final String PROJECT = "oidcteam";

    @TempDir
    static Path work;

    private static MockOAuth2Server provider;
    private static TestDatabase db;
    private static BerthServer server;
    private static MutableClock clock;
    private static RegistryClient admin;
    private static ListAppender<ILoggingEvent> logs;
    private static final HttpClient browser =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** alice's session and CLI secret, found by the tests that sign her in. */
    private static Session alice;

    private static String aliceSecret;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start(InetAddress.getByName("127.0.0.1"), 0);
        db = TestDatabase.create();
        server = BerthServer.withDatabase(
                db,
                Map.of("berth.outbound.allowed-networks", "127.0.0.1/32", "berth.oidc.session-check", "PT5M"),
                MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
        admin = server.adminClient();
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        RegistryClient.Response r =
                put(admin, "/api/v2.0/configurations", """
                {"auth_mode":"oidc_auth","oidc_name":"Mock SSO","oidc_endpoint":"%s","oidc_client_id":"%s",
                 "oidc_client_secret":"%s","oidc_scope":"openid,offline_access","oidc_verify_cert":true,
                 "oidc_auto_onboard":false,"oidc_user_claim":"preferred_username","oidc_groups_claim":"groups",
                 "oidc_admin_group":"berth-admins","oidc_group_filter":"^(dev|berth)-",
                 "oidc_extra_redirect_parms":"{\\"ui_locales\\":\\"en\\"}"}
                """.formatted(endpoint(), CLIENT_ID, CLIENT_SECRET));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
            server.close();
            db.close();
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    private static String endpoint() {
        String s = provider.issuerUrl(ISSUER).toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Test
    @Order(1)
    void configurationShowsTheItemsButNeverTheClientSecret_whichIsSealedAtRest() {
        RegistryClient.Response r = admin.get("/api/v2.0/configurations");
        JsonNode c = r.json();
        assertThat(c.path("auth_mode").path("value").asString()).isEqualTo("oidc_auth");
        assertThat(c.path("oidc_endpoint").path("value").asString()).isEqualTo(endpoint());
        assertThat(c.path("oidc_client_id").path("value").asString()).isEqualTo(CLIENT_ID);
        assertThat(c.path("oidc_endpoint").path("editable").asBoolean()).isTrue();
        assertThat(c.has("oidc_client_secret")).isFalse();
        assertThat(r.text()).doesNotContain(CLIENT_SECRET);
        String stored = server.bean(JdbcClient.class)
                .sql("SELECT value::text FROM system_config WHERE name = 'oidc_client_secret'")
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain(CLIENT_SECRET);
        JsonNode info = server.anonymousClient().get("/api/v2.0/systeminfo").json();
        assertThat(info.path("auth_mode").asString()).isEqualTo("oidc_auth");
        assertThat(info.path("oidc_provider_name").asString()).isEqualTo("Mock SSO");

        // Bad values change nothing.
        assertThat(put(admin, "/api/v2.0/configurations", "{\"oidc_group_filter\":\"([\"}")
                        .status())
                .isEqualTo(400);
        assertThat(put(admin, "/api/v2.0/configurations", "{\"oidc_extra_redirect_parms\":\"[1]\"}")
                        .status())
                .isEqualTo(400);
        assertThat(put(admin, "/api/v2.0/configurations", "{\"oidc_endpoint\":\"http://169.254.169.254/x\"}")
                        .status())
                .isEqualTo(400);
        assertThat(admin.get("/api/v2.0/configurations")
                        .json()
                        .path("oidc_endpoint")
                        .path("value")
                        .asString())
                .isEqualTo(endpoint());
    }

    @Test
    @Order(2)
    void pingChecksTheDiscoveryDocument_forAdministratorsOnly() {
        assertThat(post(admin, "/api/v2.0/system/oidc/ping", "{\"url\":\"" + endpoint() + "\",\"verify_cert\":true}")
                        .status())
                .isEqualTo(200);
        // Nothing answers there.
        RegistryClient.Response bad =
                post(admin, "/api/v2.0/system/oidc/ping", "{\"url\":\"http://127.0.0.1:1/x\",\"verify_cert\":true}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("message").asString()).contains("failed to verify");
        assertThat(post(admin, "/api/v2.0/system/oidc/ping", "{\"url\":\"http://169.254.169.254/\"}")
                        .status())
                .isEqualTo(400);
        assertThat(post(server.anonymousClient(), "/api/v2.0/system/oidc/ping", "{\"url\":\"" + endpoint() + "\"}")
                        .status())
                .isEqualTo(401);
    }

    @Test
    @Order(3)
    void aNewUserIsOnboardedUnderTheNameTheyChoose_andSeesTheirCliSecret() throws Exception {
        Flow flow = signIn(
                "alice-sub",
                Map.of(
                        "preferred_username",
                        "alice",
                        "email",
                        "alice@example.com",
                        "groups",
                        List.of("dev-team", "other-team")),
                null);
        assertThat(flow.callback.statusCode()).isEqualTo(302);
        String location = flow.callback.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/oidc-onboard?username=alice");
        assertThat(cookie(flow.callback, "sid")).isEmpty();
        String flowCookie = cookie(flow.callback, OidcController.FLOW_COOKIE).orElseThrow();

        // Without the flow cookie nothing is onboarded.
        assertThat(server.anonymousClient()
                        .send(
                                "POST",
                                "/c/oidc/onboard",
                                "{\"username\":\"alice\"}".getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                "application/json")
                        .status())
                .isEqualTo(401);
        // The local admin's name is taken.
        RegistryClient.Response taken = onboard("admin", flowCookie);
        assertThat(taken.status()).isEqualTo(409);
        RegistryClient.Response onboarded = onboard("alice", flowCookie);
        assertThat(onboarded.status()).as(onboarded.text()).isEqualTo(200);
        alice = Session.of(onboarded.raw());

        JsonNode me = alice.client().get("/api/v2.0/users/current").json();
        assertThat(me.path("username").asString()).isEqualTo("alice");
        assertThat(me.path("email").asString()).isEqualTo("alice@example.com");
        assertThat(me.path("sysadmin_flag").asBoolean()).isFalse();
        aliceSecret = me.path("oidc_user_meta").path("secret").asString();
        assertThat(aliceSecret).hasSizeGreaterThanOrEqualTo(8);
        assertThat(me.path("oidc_user_meta").path("subiss").asString()).isEqualTo("alice-sub" + endpoint());
        // The CLI secret is sealed at rest.
        assertThat(server.bean(JdbcClient.class)
                        .sql("SELECT secret || token FROM oidc_user")
                        .query(String.class)
                        .single())
                .doesNotContain(aliceSecret);
        // Only the groups the filter keeps became OIDC user groups.
        JsonNode groups = admin.get("/api/v2.0/usergroups?page_size=100").json();
        List<String> names = new ArrayList<>();
        groups.forEach(g -> {
            if (g.path("group_type").asInt() == 3) {
                names.add(g.path("group_name").asString());
            }
        });
        assertThat(names).containsExactly("dev-team");
        // Signing in again finds the onboarded user.
        Flow again = signIn(
                "alice-sub", Map.of("preferred_username", "alice", "groups", List.of("dev-team")), "/harbor/projects");
        assertThat(again.callback.statusCode()).isEqualTo(302);
        assertThat(again.callback.headers().firstValue("Location")).contains("/harbor/projects");
        assertThat(cookie(again.callback, "sid")).isPresent();
    }

    @Test
    @Order(4)
    void theGroupsClaimGrantsTheGroupsProjectRole_toSkopeoWithTheCliSecret() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is not installed");
        assertThat(post(admin, "/api/v2.0/projects", "{\"project_name\":\"" + PROJECT + "\",\"public\":false}")
                        .status())
                .isEqualTo(201);
        admin.pushImage(PROJECT + "/app", "v1", emptyLayer());
        long group = groupId("dev-team");
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
    @Order(5)
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
        Flow bobFlow = signIn("bob-sub", Map.of("preferred_username", "bob"), null);
        String bobFlowCookie =
                cookie(bobFlow.callback, OidcController.FLOW_COOKIE).orElseThrow();
        Session bob = Session.of(server.anonymousClient()
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
        assertThat(portalLogin("alice", aliceSecret).status()).isEqualTo(401);
        assertThat(portalLogin("admin", BerthServer.ADMIN_PASSWORD).status()).isEqualTo(200);
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
    @Order(6)
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

        HttpResponse<String> revoked = browser.send(
                HttpRequest.newBuilder(URI.create(endpoint() + "/revoke"))
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
        Flow again = signIn("alice-sub", Map.of("preferred_username", "alice", "groups", List.of("dev-team")), null);
        assertThat(cookie(again.callback, "sid")).isPresent();
        assertThat(server.client("alice", aliceSecret)
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
    }

    @Test
    @Order(7)
    void theAdminGroupMakesASystemAdministrator() throws Exception {
        Flow flow = signIn("carol-sub", Map.of("preferred_username", "carol", "groups", List.of("berth-admins")), null);
        String flowCookie = cookie(flow.callback, OidcController.FLOW_COOKIE).orElseThrow();
        Session carol = Session.of(onboard("carol", flowCookie).raw());
        JsonNode me = carol.client().get("/api/v2.0/users/current").json();
        assertThat(me.path("sysadmin_flag").asBoolean()).isFalse();
        assertThat(me.path("admin_role_in_auth").asBoolean()).isTrue();
        assertThat(carol.client().get("/api/v2.0/users").status()).isEqualTo(200);
        assertThat(alice.client().get("/api/v2.0/users").status()).isEqualTo(403);
    }

    @Test
    @Order(8)
    void aCallbackWithAnotherStateIsRefused_andTheFlowCannotBeReplayed() throws Exception {
        Flow flow = startAndAuthorize(null, null);
        String tampered = flow.callbackPath.replaceFirst("state=[^&]+", "state=forged");
        HttpResponse<String> refused = berth(tampered, flow.flowCookie);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("State mismatch");
        assertThat(cookie(refused, "sid")).isEmpty();
        // The flow was used up by the refused attempt: the genuine callback is refused too.
        HttpResponse<String> replay = berth(flow.callbackPath, flow.flowCookie);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(cookie(replay, "sid")).isEmpty();
        // No flow cookie at all.
        assertThat(berth(flow.callbackPath, null).statusCode()).isEqualTo(400);
    }

    @Test
    @Order(9)
    void anIdTokenWithAnotherNonceIsRefused() throws Exception {
        Flow flow = startAndAuthorize(null, "nonce-of-an-attacker");
        HttpResponse<String> refused = berth(flow.callbackPath, flow.flowCookie);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("nonce");
        assertThat(cookie(refused, "sid")).isEmpty();
    }

    @Test
    @Order(10)
    void redirectsToOtherSitesAreRefused() throws Exception {
        for (String target : List.of("https://evil.example/", "//evil.example/x", "/\\evil.example")) {
            HttpResponse<String> r = berth(
                    "/c/oidc/login?redirect_url=" + java.net.URLEncoder.encode(target, StandardCharsets.UTF_8), null);
            assertThat(r.statusCode()).as(target).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).isEmpty();
        }
        // The authorization request carries PKCE, the nonce, the state and the extra parameters.
        HttpResponse<String> start = berth("/c/oidc/login", null);
        String to = start.headers().firstValue("Location").orElseThrow();
        assertThat(to)
                .startsWith(endpoint() + "/authorize?")
                .contains("code_challenge_method=S256")
                .contains("code_challenge=")
                .contains("nonce=")
                .contains("state=")
                .contains("ui_locales=en")
                .contains("redirect_uri=")
                .contains("scope=openid+offline_access");
    }

    @Test
    @Order(12)
    void signingOutEndsTheSessionHere_andWithOidcLogoutAtTheProviderWithTheIdTokenAsHint() throws Exception {
        // Harbor's portal asks /c/log_out; for an OIDC user the answer is 403 naming /c/oidc/logout,
        // and the session is not ended yet.
        Session s = Session.of(signIn("alice-sub", Map.of("preferred_username", "alice"), null).callback);
        RegistryClient.Response first = s.client().get("/c/log_out");
        assertThat(first.status()).isEqualTo(403);
        String external =
                admin.get("/api/v2.0/systeminfo").json().path("external_url").asString();
        assertThat(first.json().path("redirect_location").asString()).isEqualTo(external + "/c/oidc/logout");
        assertThat(s.client().get("/api/v2.0/users/current").status()).isEqualTo(200);

        // oidc_logout off (Harbor's default): the session ends, the browser goes to the sign-in page.
        assertThat(admin.get("/api/v2.0/configurations")
                        .json()
                        .path("oidc_logout")
                        .path("value")
                        .asBoolean(true))
                .isFalse();
        HttpResponse<String> out = logout(s);
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location").orElseThrow()).endsWith("/account/sign-in");
        assertThat(s.client().get("/api/v2.0/users/current").status()).isEqualTo(401);

        // Only administrators switch it on.
        Session again = Session.of(signIn("alice-sub", Map.of("preferred_username", "alice"), null).callback);
        assertThat(again.put("/api/v2.0/configurations", "{\"oidc_logout\":true}")
                        .status())
                .isEqualTo(403);
        assertThat(put(admin, "/api/v2.0/configurations", "{\"oidc_logout\":\"yes\"}")
                        .status())
                .isEqualTo(400);
        assertThat(put(admin, "/api/v2.0/configurations", "{\"oidc_logout\":true}")
                        .status())
                .isEqualTo(200);
        try {
            // On: to the provider's end_session_endpoint with the session's own ID token as the hint
            // and the portal's sign-in page as where the provider sends the browser back.
            out = logout(again);
            assertThat(out.statusCode()).isEqualTo(302);
            URI to = URI.create(out.headers().firstValue("Location").orElseThrow());
            assertThat(to.toString()).startsWith(endpoint() + "/endsession?");
            Map<String, String> query = query(to);
            com.nimbusds.jwt.JWTClaimsSet hint =
                    com.nimbusds.jwt.SignedJWT.parse(query.get("id_token_hint")).getJWTClaimsSet();
            assertThat(hint.getSubject()).isEqualTo("alice-sub");
            assertThat(hint.getAudience()).containsExactly(CLIENT_ID);
            assertThat(query.get("post_logout_redirect_uri")).isEqualTo(external + "/account/sign-in");
            assertThat(again.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
            // The provider ends its session and sends the browser back to the sign-in page.
            HttpResponse<String> atProvider =
                    browser.send(HttpRequest.newBuilder(to).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(atProvider.statusCode()).isEqualTo(302);
            assertThat(atProvider.headers().firstValue("Location").orElseThrow())
                    .startsWith(external + "/account/sign-in");

            // The local admin signs out here only; a browser without a session goes to the sign-in page.
            RegistryClient.Response adminLogin = portalLogin("admin", BerthServer.ADMIN_PASSWORD);
            assertThat(adminLogin.status()).isEqualTo(200);
            Session adminSession = Session.of(adminLogin.raw());
            assertThat(adminSession.client().get("/c/log_out").status()).isEqualTo(200);
            assertThat(adminSession.client().get("/api/v2.0/users/current").status())
                    .isEqualTo(401);
            HttpResponse<String> nobody = berth("/c/oidc/logout", null);
            assertThat(nobody.statusCode()).isEqualTo(302);
            assertThat(nobody.headers().firstValue("Location").orElseThrow()).endsWith("/account/sign-in");
        } finally {
            assertThat(put(admin, "/api/v2.0/configurations", "{\"oidc_logout\":false}")
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    @Order(13)
    void claimsMissingFromTheIdTokenAreTakenFromTheUserinfoEndpoint_asHarborMergesThem() throws Exception {
        // dora's ID token names her only; her email and groups are in the userinfo answer alone.
        SplitClaims split = new SplitClaims(
                "dora-sub",
                Map.of("preferred_username", "dora"),
                Map.of("name", "Dora From Userinfo", "email", "dora@example.com", "groups", List.of("dev-userinfo")));
        HttpResponse<String> callback = signIn(split, null);
        assertThat(split.userinfoTokens.get()).isPositive();
        String flowCookie = cookie(callback, OidcController.FLOW_COOKIE).orElseThrow();
        // The user claim of the ID token wins over the userinfo's name.
        assertThat(callback.headers().firstValue("Location").orElseThrow()).startsWith("/oidc-onboard?username=dora&");
        RegistryClient.Response onboarded = onboard("dora", flowCookie);
        assertThat(onboarded.status()).as(onboarded.text()).isEqualTo(200);
        Session dora = Session.of(onboarded.raw());
        JsonNode me = dora.client().get("/api/v2.0/users/current").json();
        assertThat(me.path("email").asString()).isEqualTo("dora@example.com");
        // Her group, known from the userinfo answer only, became an OIDC user group.
        groupId("dev-userinfo");
        // Proof that the ID token itself had neither: the session keeps it (sealed) for signing out.
        String sealed = server.bean(JdbcClient.class)
                .sql("SELECT provider_token FROM web_session WHERE user_id = ? AND provider_token IS NOT NULL")
                .param(me.path("user_id").asLong())
                .query(String.class)
                .single();
        com.nimbusds.jwt.JWTClaimsSet idToken = com.nimbusds.jwt.SignedJWT.parse(server.bean(
                                dev.berth.crypto.SecretBox.class)
                        .open(sealed, "web_session/" + me.path("user_id").asLong() + "/id_token"))
                .getJWTClaimsSet();
        assertThat(idToken.getClaim("groups")).isNull();
        assertThat(idToken.getClaim("email")).isNull();
        assertThat(idToken.getClaim("preferred_username")).isEqualTo("dora");

        // A userinfo answer about another subject is refused, as Harbor refuses it.
        SplitClaims forged = new SplitClaims(
                "dora-sub",
                Map.of("preferred_username", "dora"),
                Map.of("sub", "mallory-sub", "groups", List.of("dev-x")));
        HttpResponse<String> refused = signIn(forged, null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("subject");
        assertThat(cookie(refused, "sid")).isEmpty();
    }

    @Test
    @Order(20)
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

    // --- the browser's side of the flow ---

    /** The onboarding page's POST with the flow cookie of a sign-in. */
    private static RegistryClient.Response onboard(String username, String flowCookie) {
        return server.anonymousClient()
                .send(
                        "POST",
                        "/c/oidc/onboard",
                        ("{\"username\":\"" + username + "\"}").getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json",
                        "Cookie",
                        OidcController.FLOW_COOKIE + "=" + flowCookie);
    }

    private static HttpResponse<String> logout(Session s) throws Exception {
        return browser.send(
                HttpRequest.newBuilder(server.baseUri().resolve("/c/oidc/logout"))
                        .header("Cookie", "sid=" + s.sid() + "; __csrf=" + s.csrf())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new java.util.HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /**
     * The provider's tokens with different claims: the ID token's, and the access token's, which
     * its userinfo endpoint answers with. mock-oauth2-server asks a callback for the access token's
     * audience just before its claims, and never for the ID token's (that is the client id), which
     * tells the two apart; the test proves the split by reading the ID token Berth kept.
     */
    private static final class SplitClaims implements no.nav.security.mock.oauth2.token.OAuth2TokenCallback {
        private final String subject;
        private final Map<String, Object> idClaims;
        private final Map<String, Object> userinfoClaims;
        private boolean accessTokenNext;
        final java.util.concurrent.atomic.AtomicInteger userinfoTokens =
                new java.util.concurrent.atomic.AtomicInteger();

        SplitClaims(String subject, Map<String, Object> idClaims, Map<String, Object> userinfoClaims) {
            this.subject = subject;
            this.idClaims = idClaims;
            this.userinfoClaims = userinfoClaims;
        }

        @Override
        public String issuerId() {
            return ISSUER;
        }

        @Override
        public String subject(com.nimbusds.oauth2.sdk.TokenRequest request) {
            return subject;
        }

        @Override
        public String typeHeader(com.nimbusds.oauth2.sdk.TokenRequest request) {
            return "JWT";
        }

        @Override
        public synchronized List<String> audience(com.nimbusds.oauth2.sdk.TokenRequest request) {
            accessTokenNext = true;
            return List.of(CLIENT_ID);
        }

        @Override
        public synchronized Map<String, Object> addClaims(com.nimbusds.oauth2.sdk.TokenRequest request) {
            if (accessTokenNext) {
                accessTokenNext = false;
                userinfoTokens.incrementAndGet();
                return userinfoClaims;
            }
            return idClaims;
        }

        @Override
        public long tokenExpiry() {
            return 3600;
        }
    }

    private static HttpResponse<String> signIn(
            no.nav.security.mock.oauth2.token.OAuth2TokenCallback callback, String nonce) throws Exception {
        Flow f = startAndAuthorize(null, nonce);
        // The provider takes a queued callback at the token request, so one is queued only for a
        // flow that reaches it (a refused flow would leave it to the next sign-in).
        provider.enqueueCallback(callback);
        return berth(f.callbackPath, f.flowCookie);
    }

    /** A sign-in driven to Berth's answer to the callback. */
    private record Flow(String callbackPath, String flowCookie, HttpResponse<String> callback) {}

    private static Flow signIn(String subject, Map<String, Object> claims, String redirectUrl) throws Exception {
        Flow f = startAndAuthorize(redirectUrl, null);
        provider.enqueueCallback(
                new DefaultOAuth2TokenCallback(ISSUER, subject, "JWT", List.of(CLIENT_ID), claims, 3600));
        return new Flow(f.callbackPath, f.flowCookie, berth(f.callbackPath, f.flowCookie));
    }

    /**
     * {@code /c/oidc/login}, then the provider's authorization endpoint (which signs the subject in at
     * once), up to the redirect back to Berth's callback, not yet followed. {@code nonce} replaces
     * the nonce Berth sent, as an attacker's forged request would.
     */
    private static Flow startAndAuthorize(String redirectUrl, String nonce) throws Exception {
        // The provider stamps its tokens with the real time; Berth's clock is held by the test and
        // must not lag behind it (it may run ahead, as after the tests' jumps).
        java.time.Instant real = java.time.Instant.now();
        if (clock.instant().isBefore(real)) {
            clock.advance(Duration.between(clock.instant(), real));
        }
        String path = "/c/oidc/login"
                + (redirectUrl == null
                        ? ""
                        : "?redirect_url=" + java.net.URLEncoder.encode(redirectUrl, StandardCharsets.UTF_8));
        HttpResponse<String> start = berth(path, null);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        String flowCookie = cookie(start, OidcController.FLOW_COOKIE).orElseThrow();
        String authorize = start.headers().firstValue("Location").orElseThrow();
        if (nonce != null) {
            authorize = authorize.replaceFirst("nonce=[^&]+", "nonce=" + nonce);
        }
        HttpResponse<String> atProvider = browser.send(
                HttpRequest.newBuilder(URI.create(authorize)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(atProvider.statusCode()).as(atProvider.body()).isEqualTo(302);
        URI back = URI.create(atProvider.headers().firstValue("Location").orElseThrow());
        assertThat(back.getPath()).isEqualTo("/c/oidc/callback");
        return new Flow(back.getRawPath() + "?" + back.getRawQuery(), flowCookie, null);
    }

    private static HttpResponse<String> berth(String path, String flowCookie) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(server.baseUri().resolve(path)).GET();
        if (flowCookie != null) {
            b.header("Cookie", OidcController.FLOW_COOKIE + "=" + flowCookie);
        }
        return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<String> cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .filter(v -> !v.isEmpty())
                .map(v -> URLDecoder.decode(v, StandardCharsets.UTF_8))
                .findFirst();
    }

    /** A portal session: its cookie and CSRF token. */
    private record Session(String sid, String csrf) {
        static Session of(HttpResponse<?> r) {
            return new Session(
                    cookie(r, "sid").orElseThrow(),
                    r.headers().firstValue("X-Harbor-CSRF-Token").orElseThrow());
        }

        RegistryClient client() {
            return server.anonymousClient().withHeader("Cookie", "sid=" + sid + "; __csrf=" + csrf);
        }

        RegistryClient.Response put(String path, String json) {
            return client().send(
                            "PUT",
                            path,
                            json.getBytes(StandardCharsets.UTF_8),
                            "Content-Type",
                            "application/json",
                            "X-Harbor-CSRF-Token",
                            csrf);
        }
    }

    // --- helpers ---

    private static long groupId(String name) {
        for (JsonNode g : admin.get("/api/v2.0/usergroups?page_size=100").json()) {
            if (g.path("group_name").asString().equals(name)
                    && g.path("group_type").asInt() == 3) {
                return g.path("id").asLong();
            }
        }
        throw new AssertionError("no OIDC group " + name);
    }

    private static RegistryClient.Response portalLogin(String user, String password) {
        String form = "principal=" + java.net.URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8);
        return server.anonymousClient()
                .send(
                        "POST",
                        "/c/login",
                        form.getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/x-www-form-urlencoded");
    }

    static RegistryClient.Response put(RegistryClient client, String path, String json) {
        return client.send("PUT", path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    static RegistryClient.Response post(RegistryClient client, String path, String json) {
        return client.send("POST", path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    private static Skopeo.Result skopeo(String... args) throws IOException, InterruptedException {
        return Skopeo.run(work, args);
    }

    private static byte[] emptyLayer() {
        return Skopeo.emptyLayer();
    }
}
