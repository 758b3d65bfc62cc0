package dev.berth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import tools.jackson.databind.JsonNode;

/**
 * A Berth in {@code oidc_auth} mode against a real OpenID Connect provider on 127.0.0.1 (NAV's
 * mock-oauth2-server: authorization code with PKCE, signed ID tokens, JWKS, refresh tokens and their
 * revocation), with a clock the test moves, and the browser's side of the flow driven over HTTP
 * redirect by redirect. One per test class.
 */
final class OidcSite implements AutoCloseable {
    static final String ISSUER = "default";
    static final String CLIENT_ID = "berth-portal";
    static final String CLIENT_SECRET = "Client-Secret-4711-xyz";

    final MockOAuth2Server provider;
    final TestDatabase db;
    final BerthServer server;
    final MutableClock clock;
    final RegistryClient admin;
    /** The browser: it follows no redirect by itself, so each step of the flow is seen. */
    final HttpClient browser =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private OidcSite(MockOAuth2Server provider, TestDatabase db, BerthServer server) {
        this.provider = provider;
        this.db = db;
        this.server = server;
        this.clock = server.bean(MutableClock.class);
        this.admin = server.adminClient();
    }

    /**
     * Starts the provider and a Berth configured for it: groups claim {@code groups} filtered to
     * {@code ^(dev|berth)-}, admin group {@code berth-admins}, no automatic onboarding, and the
     * provider asked again about a CLI secret's refresh token every five minutes.
     */
    static OidcSite start() throws Exception {
        MockOAuth2Server provider = new MockOAuth2Server();
        provider.start(InetAddress.getByName("127.0.0.1"), 0);
        TestDatabase db = TestDatabase.migrated();
        BerthServer server = BerthServer.withDatabase(
                db,
                Map.of("berth.outbound.allowed-networks", "127.0.0.1/32", "berth.oidc.session-check", "PT5M"),
                MutableClock.Config.class);
        OidcSite site = new OidcSite(provider, db, server);
        RegistryClient.Response r =
                put(site.admin, "/api/v2.0/configurations", """
                {"auth_mode":"oidc_auth","oidc_name":"Mock SSO","oidc_endpoint":"%s","oidc_client_id":"%s",
                 "oidc_client_secret":"%s","oidc_scope":"openid,offline_access","oidc_verify_cert":true,
                 "oidc_auto_onboard":false,"oidc_user_claim":"preferred_username","oidc_groups_claim":"groups",
                 "oidc_admin_group":"berth-admins","oidc_group_filter":"^(dev|berth)-",
                 "oidc_extra_redirect_parms":"{\\"ui_locales\\":\\"en\\"}"}
                """.formatted(site.endpoint(), CLIENT_ID, CLIENT_SECRET));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return site;
    }

    @Override
    public void close() {
        server.close();
        db.close();
        provider.shutdown();
    }

    /** The provider's issuer URL, as Berth is configured with it. */
    String endpoint() {
        String s = provider.issuerUrl(ISSUER).toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    // --- the browser's side of the flow ---

    /** A sign-in driven to Berth's answer to the callback. */
    record Flow(String callbackPath, String flowCookie, HttpResponse<String> callback) {}

    /** A portal session: its cookie and CSRF token. */
    record Session(BerthServer server, String sid, String csrf) {
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

    /** The session an answer of Berth's opened. */
    Session session(HttpResponse<?> r) {
        return new Session(
                server,
                cookie(r, "sid").orElseThrow(),
                r.headers().firstValue("X-Harbor-CSRF-Token").orElseThrow());
    }

    /** A user who signs in at the provider for the first time and is onboarded under {@code username}. */
    Session onboarded(String subject, String username, Map<String, Object> claims) throws Exception {
        Flow flow = signIn(subject, claims, null);
        String flowCookie = cookie(flow.callback(), OidcController.FLOW_COOKIE).orElseThrow();
        RegistryClient.Response onboarded = onboard(username, flowCookie);
        assertThat(onboarded.status()).as(onboarded.text()).isEqualTo(200);
        return session(onboarded.raw());
    }

    Flow signIn(String subject, Map<String, Object> claims, String redirectUrl) throws Exception {
        Flow f = startAndAuthorize(redirectUrl, null);
        provider.enqueueCallback(
                new DefaultOAuth2TokenCallback(ISSUER, subject, "JWT", List.of(CLIENT_ID), claims, 3600));
        return new Flow(f.callbackPath, f.flowCookie, berth(f.callbackPath, f.flowCookie));
    }

    HttpResponse<String> signIn(OAuth2TokenCallback callback, String nonce) throws Exception {
        Flow f = startAndAuthorize(null, nonce);
        // The provider takes a queued callback at the token request, so one is queued only for a
        // flow that reaches it (a refused flow would leave it to the next sign-in).
        provider.enqueueCallback(callback);
        return berth(f.callbackPath, f.flowCookie);
    }

    /**
     * {@code /c/oidc/login}, then the provider's authorization endpoint (which signs the subject in at
     * once), up to the redirect back to Berth's callback, not yet followed. {@code nonce} replaces
     * the nonce Berth sent, as an attacker's forged request would.
     */
    Flow startAndAuthorize(String redirectUrl, String nonce) throws Exception {
        // The provider stamps its tokens with the real time; Berth's clock is held by the test and
        // must not lag behind it (it may run ahead, as after the tests' jumps).
        Instant real = Instant.now();
        if (clock.instant().isBefore(real)) {
            clock.advance(Duration.between(clock.instant(), real));
        }
        String path = "/c/oidc/login"
                + (redirectUrl == null
                        ? ""
                        : "?redirect_url=" + URLEncoder.encode(redirectUrl, StandardCharsets.UTF_8));
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

    /** A browser's GET of a Berth page, with the flow cookie of a sign-in if given. */
    HttpResponse<String> berth(String path, String flowCookie) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(server.baseUri().resolve(path)).GET();
        if (flowCookie != null) {
            b.header("Cookie", OidcController.FLOW_COOKIE + "=" + flowCookie);
        }
        return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The onboarding page's POST with the flow cookie of a sign-in. */
    RegistryClient.Response onboard(String username, String flowCookie) {
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

    HttpResponse<String> logout(Session s) throws Exception {
        return browser.send(
                HttpRequest.newBuilder(server.baseUri().resolve("/c/oidc/logout"))
                        .header("Cookie", "sid=" + s.sid() + "; __csrf=" + s.csrf())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The portal's sign-in form with a local password. */
    RegistryClient.Response portalLogin(String user, String password) {
        return TestUsers.login(server, user, password);
    }

    /** The id of the OIDC user group {@code name}, which a sign-in made. */
    long groupId(String name) {
        for (JsonNode g : admin.get("/api/v2.0/usergroups?page_size=100").json()) {
            if (g.path("group_name").asString().equals(name)
                    && g.path("group_type").asInt() == 3) {
                return g.path("id").asLong();
            }
        }
        throw new AssertionError("no OIDC group " + name);
    }

    static Optional<String> cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .filter(v -> !v.isEmpty())
                .map(v -> URLDecoder.decode(v, StandardCharsets.UTF_8))
                .findFirst();
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    static RegistryClient.Response put(RegistryClient client, String path, String json) {
        return client.send("PUT", path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    static RegistryClient.Response post(RegistryClient client, String path, String json) {
        return client.send("POST", path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }
}
