package dev.berth.oidc;

import static dev.berth.oidc.OidcSite.CLIENT_ID;
import static dev.berth.oidc.OidcSite.CLIENT_SECRET;
import static dev.berth.oidc.OidcSite.cookie;
import static dev.berth.oidc.OidcSite.post;
import static dev.berth.oidc.OidcSite.put;
import static dev.berth.oidc.OidcSite.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oidc.OidcSite.Flow;
import dev.berth.oidc.OidcSite.Session;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Signing in with {@code oidc_auth} ({@link OidcSite}: a real OpenID Connect provider on
 * 127.0.0.1): the configuration items, the browser's sign-in redirect by redirect, onboarding under a
 * chosen name, the admin group, bad state / nonce / redirect refused, signing out here and at the
 * provider, and claims merged from the userinfo endpoint. The CLI secret is {@link OidcCliSecretTest}'s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OidcLoginTest {
    private static OidcSite site;
    private static BerthServer server;
    private static RegistryClient admin;

    /** alice's session, from the test that onboards her. */
    private static Session alice;

    @BeforeAll
    static void start() throws Exception {
        site = OidcSite.start();
        server = site.server;
        admin = site.admin;
    }

    @AfterAll
    static void stop() {
        if (site != null) {
            site.close();
        }
    }

    @Test
    @Order(1)
    void configurationShowsTheItemsButNeverTheClientSecret_whichIsSealedAtRest() {
        RegistryClient.Response r = admin.get("/api/v2.0/configurations");
        JsonNode c = r.json();
        assertThat(c.path("auth_mode").path("value").asString()).isEqualTo("oidc_auth");
        assertThat(c.path("oidc_endpoint").path("value").asString()).isEqualTo(site.endpoint());
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
                .isEqualTo(site.endpoint());
    }

    @Test
    @Order(2)
    void pingChecksTheDiscoveryDocument_forAdministratorsOnly() {
        assertThat(post(
                                admin,
                                "/api/v2.0/system/oidc/ping",
                                "{\"url\":\"" + site.endpoint() + "\",\"verify_cert\":true}")
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
        assertThat(post(server.anonymousClient(), "/api/v2.0/system/oidc/ping", "{\"url\":\"" + site.endpoint() + "\"}")
                        .status())
                .isEqualTo(401);
    }

    @Test
    @Order(3)
    void aNewUserIsOnboardedUnderTheNameTheyChoose_andSeesTheirCliSecret() throws Exception {
        Flow flow = site.signIn(
                "alice-sub",
                Map.of(
                        "preferred_username",
                        "alice",
                        "email",
                        "alice@example.com",
                        "groups",
                        List.of("dev-team", "other-team")),
                null);
        assertThat(flow.callback().statusCode()).isEqualTo(302);
        String location = flow.callback().headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/oidc-onboard?username=alice");
        assertThat(cookie(flow.callback(), "sid")).isEmpty();
        String flowCookie = cookie(flow.callback(), OidcController.FLOW_COOKIE).orElseThrow();

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
        RegistryClient.Response taken = site.onboard("admin", flowCookie);
        assertThat(taken.status()).isEqualTo(409);
        RegistryClient.Response onboarded = site.onboard("alice", flowCookie);
        assertThat(onboarded.status()).as(onboarded.text()).isEqualTo(200);
        alice = site.session(onboarded.raw());

        JsonNode me = alice.client().get("/api/v2.0/users/current").json();
        assertThat(me.path("username").asString()).isEqualTo("alice");
        assertThat(me.path("email").asString()).isEqualTo("alice@example.com");
        assertThat(me.path("sysadmin_flag").asBoolean()).isFalse();
        String aliceSecret = me.path("oidc_user_meta").path("secret").asString();
        assertThat(aliceSecret).hasSizeGreaterThanOrEqualTo(8);
        assertThat(me.path("oidc_user_meta").path("subiss").asString()).isEqualTo("alice-sub" + site.endpoint());
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
        Flow again = site.signIn(
                "alice-sub", Map.of("preferred_username", "alice", "groups", List.of("dev-team")), "/harbor/projects");
        assertThat(again.callback().statusCode()).isEqualTo(302);
        assertThat(again.callback().headers().firstValue("Location")).contains("/harbor/projects");
        assertThat(cookie(again.callback(), "sid")).isPresent();
    }

    @Test
    @Order(4)
    void theAdminGroupMakesASystemAdministrator() throws Exception {
        Flow flow = site.signIn(
                "carol-sub", Map.of("preferred_username", "carol", "groups", List.of("berth-admins")), null);
        String flowCookie = cookie(flow.callback(), OidcController.FLOW_COOKIE).orElseThrow();
        Session carol = site.session(site.onboard("carol", flowCookie).raw());
        JsonNode me = carol.client().get("/api/v2.0/users/current").json();
        assertThat(me.path("sysadmin_flag").asBoolean()).isFalse();
        assertThat(me.path("admin_role_in_auth").asBoolean()).isTrue();
        assertThat(carol.client().get("/api/v2.0/users").status()).isEqualTo(200);
        assertThat(alice.client().get("/api/v2.0/users").status()).isEqualTo(403);
    }

    @Test
    @Order(5)
    void aCallbackWithAnotherStateIsRefused_andTheFlowCannotBeReplayed() throws Exception {
        Flow flow = site.startAndAuthorize(null, null);
        String tampered = flow.callbackPath().replaceFirst("state=[^&]+", "state=forged");
        HttpResponse<String> refused = site.berth(tampered, flow.flowCookie());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("State mismatch");
        assertThat(cookie(refused, "sid")).isEmpty();
        // The flow was used up by the refused attempt: the genuine callback is refused too.
        HttpResponse<String> replay = site.berth(flow.callbackPath(), flow.flowCookie());
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(cookie(replay, "sid")).isEmpty();
        // No flow cookie at all.
        assertThat(site.berth(flow.callbackPath(), null).statusCode()).isEqualTo(400);
    }

    @Test
    @Order(6)
    void anIdTokenWithAnotherNonceIsRefused() throws Exception {
        Flow flow = site.startAndAuthorize(null, "nonce-of-an-attacker");
        HttpResponse<String> refused = site.berth(flow.callbackPath(), flow.flowCookie());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("nonce");
        assertThat(cookie(refused, "sid")).isEmpty();
    }

    @Test
    @Order(7)
    void redirectsToOtherSitesAreRefused() throws Exception {
        for (String target : List.of("https://evil.example/", "//evil.example/x", "/\\evil.example")) {
            HttpResponse<String> r = site.berth(
                    "/c/oidc/login?redirect_url=" + java.net.URLEncoder.encode(target, StandardCharsets.UTF_8), null);
            assertThat(r.statusCode()).as(target).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).isEmpty();
        }
        // The authorization request carries PKCE, the nonce, the state and the extra parameters.
        HttpResponse<String> start = site.berth("/c/oidc/login", null);
        String to = start.headers().firstValue("Location").orElseThrow();
        assertThat(to)
                .startsWith(site.endpoint() + "/authorize?")
                .contains("code_challenge_method=S256")
                .contains("code_challenge=")
                .contains("nonce=")
                .contains("state=")
                .contains("ui_locales=en")
                .contains("redirect_uri=")
                .contains("scope=openid+offline_access");
    }

    @Test
    @Order(8)
    void signingOutEndsTheSessionHere_andWithOidcLogoutAtTheProviderWithTheIdTokenAsHint() throws Exception {
        // Harbor's portal asks /c/log_out; for an OIDC user the answer is 403 naming /c/oidc/logout,
        // and the session is not ended yet.
        Session s = site.session(site.signIn("alice-sub", Map.of("preferred_username", "alice"), null)
                .callback());
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
        HttpResponse<String> out = site.logout(s);
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location").orElseThrow()).endsWith("/account/sign-in");
        assertThat(s.client().get("/api/v2.0/users/current").status()).isEqualTo(401);

        // Only administrators switch it on.
        Session again = site.session(site.signIn("alice-sub", Map.of("preferred_username", "alice"), null)
                .callback());
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
            out = site.logout(again);
            assertThat(out.statusCode()).isEqualTo(302);
            URI to = URI.create(out.headers().firstValue("Location").orElseThrow());
            assertThat(to.toString()).startsWith(site.endpoint() + "/endsession?");
            Map<String, String> query = query(to);
            com.nimbusds.jwt.JWTClaimsSet hint =
                    com.nimbusds.jwt.SignedJWT.parse(query.get("id_token_hint")).getJWTClaimsSet();
            assertThat(hint.getSubject()).isEqualTo("alice-sub");
            assertThat(hint.getAudience()).containsExactly(CLIENT_ID);
            assertThat(query.get("post_logout_redirect_uri")).isEqualTo(external + "/account/sign-in");
            assertThat(again.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
            // The provider ends its session and sends the browser back to the sign-in page.
            HttpResponse<String> atProvider =
                    site.browser.send(HttpRequest.newBuilder(to).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(atProvider.statusCode()).isEqualTo(302);
            assertThat(atProvider.headers().firstValue("Location").orElseThrow())
                    .startsWith(external + "/account/sign-in");

            // The local admin signs out here only; a browser without a session goes to the sign-in page.
            RegistryClient.Response adminLogin = site.portalLogin("admin", BerthServer.ADMIN_PASSWORD);
            assertThat(adminLogin.status()).isEqualTo(200);
            Session adminSession = site.session(adminLogin.raw());
            assertThat(adminSession.client().get("/c/log_out").status()).isEqualTo(200);
            assertThat(adminSession.client().get("/api/v2.0/users/current").status())
                    .isEqualTo(401);
            HttpResponse<String> nobody = site.berth("/c/oidc/logout", null);
            assertThat(nobody.statusCode()).isEqualTo(302);
            assertThat(nobody.headers().firstValue("Location").orElseThrow()).endsWith("/account/sign-in");
        } finally {
            assertThat(put(admin, "/api/v2.0/configurations", "{\"oidc_logout\":false}")
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    @Order(9)
    void claimsMissingFromTheIdTokenAreTakenFromTheUserinfoEndpoint_asHarborMergesThem() throws Exception {
        // dora's ID token names her only; her email and groups are in the userinfo answer alone.
        SplitClaims split = new SplitClaims(
                "dora-sub",
                Map.of("preferred_username", "dora"),
                Map.of("name", "Dora From Userinfo", "email", "dora@example.com", "groups", List.of("dev-userinfo")));
        HttpResponse<String> callback = site.signIn(split, null);
        assertThat(split.userinfoTokens.get()).isPositive();
        String flowCookie = cookie(callback, OidcController.FLOW_COOKIE).orElseThrow();
        // The user claim of the ID token wins over the userinfo's name.
        assertThat(callback.headers().firstValue("Location").orElseThrow()).startsWith("/oidc-onboard?username=dora&");
        RegistryClient.Response onboarded = site.onboard("dora", flowCookie);
        assertThat(onboarded.status()).as(onboarded.text()).isEqualTo(200);
        Session dora = site.session(onboarded.raw());
        JsonNode me = dora.client().get("/api/v2.0/users/current").json();
        assertThat(me.path("email").asString()).isEqualTo("dora@example.com");
        // Her group, known from the userinfo answer only, became an OIDC user group.
        site.groupId("dev-userinfo");
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
        HttpResponse<String> refused = site.signIn(forged, null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("subject");
        assertThat(cookie(refused, "sid")).isEmpty();
    }
}
