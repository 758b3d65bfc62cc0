package dev.berth.authproxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code http_auth} against a stand-in auth proxy on 127.0.0.1: a login endpoint that checks Basic
 * credentials and answers a session id, and a Kubernetes-style TokenReview endpoint that names the
 * user and groups of a token; and the same stand-in over HTTPS with an untrusted certificate,
 * refused unless {@code http_authproxy_verify_cert} is off, or trusted by pinning it ({@code
 * http_authproxy_server_certificate}) while another self-signed certificate stays refused.
 */
class AuthProxyLoginTest {
    private static HttpServer proxy;
    private static TestDatabase db;
    private static BerthServer server;
    private static RegistryClient admin;
    private static final AtomicInteger logins = new AtomicInteger();
    private static final AtomicInteger reviews = new AtomicInteger();

    /** The stand-in's accounts: password, token, groups. */
    private static final Map<String, List<Object>> ACCOUNTS = Map.of(
            "dave", List.of("Dave-Pass-1", "tok-dave", List.of("devs")),
            "erin", List.of("Erin-Pass-1", "tok-erin", List.of("ops", "registry-admins")),
            "frank", List.of("Frank-Pass-1", "tok-frank", List.of("devs")),
            "gina", List.of("Gina-Pass-1", "tok-gina", List.of("devs")),
            "hank", List.of("Hank-Pass-1", "tok-hank", List.of("devs")));

    @BeforeAll
    static void start() throws IOException {
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/login", AuthProxyLoginTest::login);
        proxy.createContext("/tokenreview", AuthProxyLoginTest::review);
        proxy.start();
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(db, Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
        admin = server.adminClient();
        String base = "http://127.0.0.1:" + proxy.getAddress().getPort();
        RegistryClient.Response r = admin.send(
                "PUT",
                "/api/v2.0/configurations",
                ("""
                {"auth_mode":"http_auth","http_authproxy_endpoint":"%s/login",
                 "http_authproxy_tokenreview_endpoint":"%s/tokenreview","http_authproxy_verify_cert":true,
                 "http_authproxy_skip_search":true,"http_authproxy_admin_groups":"registry-admins",
                 "http_authproxy_admin_usernames":""}
                """.formatted(base, base)).getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            db.close();
        }
        if (proxy != null) {
            proxy.stop(0);
        }
    }

    /** The same stand-in over HTTPS with a self-signed certificate made for this run (keytool). */
    private static HttpsServer tlsProxy(Path dir) throws Exception {
        return tlsProxy(dir, "proxy").server();
    }

    /** A stand-in over HTTPS and its certificate as PEM. */
    private record Tls(HttpsServer server, String pem) {}

    private static Tls tlsProxy(Path dir, String name) throws Exception {
        Path keystore = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "proxy",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context));
        https.createContext("/login", AuthProxyLoginTest::login);
        https.createContext("/tokenreview", AuthProxyLoginTest::review);
        https.start();
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(ks.getCertificate("proxy").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return new Tls(https, pem);
    }

    private static void configureEndpoints(String base, boolean verify) {
        RegistryClient.Response r = admin.send(
                "PUT",
                "/api/v2.0/configurations",
                ("{\"http_authproxy_endpoint\":\"%s/login\",\"http_authproxy_tokenreview_endpoint\":\"%s/tokenreview\","
                                + "\"http_authproxy_verify_cert\":%s}")
                        .formatted(base, base, verify)
                        .getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @Test
    void anHttpsEndpointWhoseCertificateIsNotTrustedIsRefused_unlessVerificationIsOff(@TempDir Path dir)
            throws Exception {
        HttpsServer https = tlsProxy(dir);
        String base = "https://127.0.0.1:" + https.getAddress().getPort();
        String plain = "http://127.0.0.1:" + proxy.getAddress().getPort();
        int before = logins.get();
        try {
            configureEndpoints(base, true);
            RegistryClient.Response refused =
                    server.client("frank", "Frank-Pass-1").get("/api/v2.0/users/current");
            assertThat(refused.status()).as(refused.text()).isEqualTo(503);
            assertThat(refused.text()).doesNotContain("Frank-Pass-1");
            // The TLS handshake failed: the stand-in never saw the credentials.
            assertThat(logins.get()).isEqualTo(before);

            configureEndpoints(base, false);
            assertThat(server.client("frank", "Frank-Pass-1")
                            .get("/api/v2.0/users/current")
                            .json()
                            .path("username")
                            .asString())
                    .isEqualTo("frank");
            assertThat(logins.get()).isGreaterThan(before);
        } finally {
            configureEndpoints(plain, true);
            https.stop(0);
        }
    }

    @Test
    void aPinnedCertificateIsTheOnlyOneTrusted_anotherSelfSignedCertificateIsRefused(@TempDir Path dir)
            throws Exception {
        Tls pinned = tlsProxy(dir, "pinned");
        Tls other = tlsProxy(dir, "other");
        String plain = "http://127.0.0.1:" + proxy.getAddress().getPort();
        try {
            // Not a certificate: refused when saved.
            assertThat(put("{\"http_authproxy_server_certificate\":\"not a pem\"}")
                            .status())
                    .isEqualTo(400);
            assertThat(put("{\"http_authproxy_server_certificate\":" + quoted(pinned.pem()) + "}")
                            .status())
                    .isEqualTo(200);
            // Shown (a certificate is public), in /configurations and in /systeminfo, as Harbor does.
            assertThat(admin.get("/api/v2.0/configurations")
                            .json()
                            .path("http_authproxy_server_certificate")
                            .path("value")
                            .asString())
                    .isEqualTo(pinned.pem().strip());
            assertThat(server.anonymousClient()
                            .get("/api/v2.0/systeminfo")
                            .json()
                            .path("authproxy_settings")
                            .path("server_certificate")
                            .asString())
                    .contains("BEGIN CERTIFICATE");

            // The endpoint with the pinned certificate is trusted, though no CA of the JVM knows it.
            configureEndpoints(
                    "https://127.0.0.1:" + pinned.server().getAddress().getPort(), true);
            assertThat(server.client("dave", "Dave-Pass-1")
                            .get("/api/v2.0/users/current")
                            .json()
                            .path("username")
                            .asString())
                    .isEqualTo("dave");

            // Another self-signed certificate for the same address is refused before credentials go out.
            configureEndpoints(
                    "https://127.0.0.1:" + other.server().getAddress().getPort(), true);
            int before = logins.get();
            RegistryClient.Response refused =
                    server.client("erin", "Erin-Pass-1").get("/api/v2.0/users/current");
            assertThat(refused.status()).as(refused.text()).isEqualTo(503);
            assertThat(logins.get()).isEqualTo(before);
            // The pin applies only while certificates are verified (Harbor's rule).
            configureEndpoints(
                    "https://127.0.0.1:" + other.server().getAddress().getPort(), false);
            assertThat(server.client("erin", "Erin-Pass-1")
                            .get("/api/v2.0/users/current")
                            .status())
                    .isEqualTo(200);
            // Only administrators change it.
            assertThat(server.client("gina", "Gina-Pass-1")
                            .send(
                                    "PUT",
                                    "/api/v2.0/configurations",
                                    "{\"http_authproxy_server_certificate\":\"\"}".getBytes(StandardCharsets.UTF_8),
                                    "Content-Type",
                                    "application/json")
                            .status())
                    .isEqualTo(403);
        } finally {
            configureEndpoints(plain, true);
            assertThat(put("{\"http_authproxy_server_certificate\":\"\"}").status())
                    .isEqualTo(200);
            pinned.server().stop(0);
            other.server().stop(0);
        }
    }

    private static RegistryClient.Response put(String json) {
        return admin.send(
                "PUT",
                "/api/v2.0/configurations",
                json.getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    private static void login(HttpExchange x) throws IOException {
        logins.incrementAndGet();
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String[] creds = auth == null
                ? new String[] {"", ""}
                : new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8).split(":", 2);
        List<Object> account = ACCOUNTS.get(creds[0]);
        if (!"POST".equals(x.getRequestMethod())
                || account == null
                || !account.get(0).equals(creds[1])) {
            answer(x, 401, "invalid credentials");
            return;
        }
        answer(x, 200, "{\"session_id\":\"" + account.get(1) + "\"}");
    }

    private static void review(HttpExchange x) throws IOException {
        reviews.incrementAndGet();
        JsonNode body = RegistryClient.JSON.readTree(x.getRequestBody().readAllBytes());
        String token = body.path("spec").path("token").asString("");
        if (!"TokenReview".equals(body.path("kind").asString())) {
            answer(x, 400, "not a TokenReview");
            return;
        }
        for (Map.Entry<String, List<Object>> e : ACCOUNTS.entrySet()) {
            if (e.getValue().get(1).equals(token)) {
                answer(
                        x,
                        201,
                        RegistryClient.JSON.writeValueAsString(Map.of(
                                "apiVersion", "authentication.k8s.io/v1beta1",
                                "kind", "TokenReview",
                                "status",
                                        Map.of(
                                                "authenticated",
                                                true,
                                                "user",
                                                Map.of(
                                                        "username",
                                                        e.getKey(),
                                                        "groups",
                                                        e.getValue().get(2))))));
                return;
            }
        }
        answer(x, 201, "{\"kind\":\"TokenReview\",\"status\":{\"authenticated\":false,\"error\":\"unknown token\"}}");
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Test
    void credentialsAreCheckedByTheProxy_tokensByTokenReview_groupsAndAdminsFollowTheReview() {
        // A password the proxy accepts: the user is onboarded, their HTTP group exists.
        JsonNode dave = server.client("dave", "Dave-Pass-1")
                .get("/api/v2.0/users/current")
                .json();
        assertThat(dave.path("username").asString()).isEqualTo("dave");
        assertThat(dave.path("sysadmin_flag").asBoolean()).isFalse();
        assertThat(logins.get()).isPositive();
        assertThat(reviews.get()).isPositive();
        assertThat(server.client("dave", "Wrong-Pass-1")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
        assertThat(server.client("nobody", "Dave-Pass-1")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
        boolean httpGroup = false;
        RegistryClient.Response listed = admin.get("/api/v2.0/usergroups?page_size=100");
        for (JsonNode g : listed.json()) {
            httpGroup |= g.path("group_name").asString().equals("devs")
                    && g.path("group_type").asInt() == 2;
        }
        assertThat(httpGroup).as(listed.status() + " " + listed.text()).isTrue();

        // The admin group of the review makes a system administrator.
        RegistryClient erin = server.client("erin", "Erin-Pass-1");
        assertThat(erin.get("/api/v2.0/users/current")
                        .json()
                        .path("admin_role_in_auth")
                        .asBoolean())
                .isTrue();
        assertThat(erin.get("/api/v2.0/users").status()).isEqualTo(200);
        assertThat(server.client("dave", "Dave-Pass-1").get("/api/v2.0/users").status())
                .isEqualTo(403);

        // A token as Harbor's tokenreview$<user>: the review must name that very user.
        assertThat(server.client("tokenreview$dave", "tok-dave")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
        assertThat(server.client("tokenreview$erin", "tok-dave")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
        assertThat(server.client("tokenreview$dave", "tok-unknown")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
        // The local admin keeps the local password.
        assertThat(admin.get("/api/v2.0/users/current").status()).isEqualTo(200);

        // /systeminfo carries Harbor's authproxy_settings.
        JsonNode info = server.anonymousClient().get("/api/v2.0/systeminfo").json();
        assertThat(info.path("auth_mode").asString()).isEqualTo("http_auth");
        assertThat(info.path("authproxy_settings").path("endpoint").asString()).endsWith("/login");
        assertThat(info.path("authproxy_settings").path("tokenreivew_endpoint").asString())
                .endsWith("/tokenreview");
        assertThat(info.path("authproxy_settings").path("skip_search").asBoolean())
                .isTrue();

        // Endpoints Berth may not call are refused when saved; nothing changes.
        RegistryClient.Response bad = admin.send(
                "PUT",
                "/api/v2.0/configurations",
                "{\"http_authproxy_endpoint\":\"http://169.254.169.254/login\"}".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(info.path("authproxy_settings").path("endpoint").asString()).doesNotContain("169.254");
    }
}
