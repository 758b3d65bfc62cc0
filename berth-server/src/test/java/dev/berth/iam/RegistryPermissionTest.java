package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's role matrix as {@code /v2/} enforces it, cell by cell for pull, push and delete: with
 * Basic credentials, and with registry tokens from {@code /service/token} whose grants must be
 * exactly what the role holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryPermissionTest {
    private static final String PASSWORD = "Role-Pass-2026";
    private final BerthServer server = BerthServer.shared();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String privateProject = "priv-" + suffix;
    private final String publicProject = "pub-" + suffix;
    private String repo;
    private RegistryClient.Image image;

    /** A caller and what Harbor's matrix lets it do in the private project. */
    record Caller(String name, int roleId, boolean pull, boolean push, boolean delete) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Caller> callers() {
        return Stream.of(
                new Caller("projectAdmin", 1, true, true, true),
                new Caller("maintainer", 4, true, true, true),
                new Caller("developer", 2, true, true, false),
                new Caller("guest", 3, true, false, false),
                new Caller("limitedGuest", 5, true, false, false),
                new Caller("nonMember", 0, false, false, false));
    }

    @BeforeAll
    void setUp() {
        server.ensureProject(privateProject, false);
        server.ensureProject(publicProject, true);
        callers().forEach(c -> {
            long id = TestUsers.createUser(server, username(c), PASSWORD);
            if (c.roleId() > 0) {
                TestUsers.addMember(server, privateProject, id, c.roleId());
            }
        });
        repo = privateProject + "/app";
        image = server.adminClient().pushImage(repo, "v1", randomBytes(100));
        server.adminClient().pushImage(publicProject + "/app", "v1", randomBytes(100));
    }

    private String username(Caller c) {
        return c.name().toLowerCase() + "-" + suffix;
    }

    @ParameterizedTest(name = "{0} with Basic credentials")
    @MethodSource("callers")
    void basicCredentialsFollowTheMatrix(Caller caller) {
        RegistryClient client = server.client(username(caller), PASSWORD);
        assertOutcome(client.get("/v2/" + repo + "/manifests/v1"), caller.pull(), 200, 403);
        assertOutcome(client.get("/v2/" + repo + "/tags/list"), caller.pull(), 200, 403);
        assertOutcome(client.get("/v2/" + repo + "/blobs/" + image.layers().getFirst()), caller.pull(), 200, 403);
        assertOutcome(pushBlob(client), caller.push(), 201, 403);
        String tag = "del-" + UUID.randomUUID().toString().substring(0, 6);
        server.adminClient().pushManifest(repo, tag, RegistryClient.OCI_MANIFEST, image.manifestBytes());
        assertOutcome(client.delete("/v2/" + repo + "/manifests/" + tag), caller.delete(), 202, 403);
        // Everyone may read the public project; only members and admins write anywhere.
        assertThat(client.get("/v2/" + publicProject + "/app/manifests/v1").status())
                .isEqualTo(200);
        assertThat(pushBlobTo(client, publicProject + "/app").status()).isEqualTo(403);
    }

    @ParameterizedTest(name = "{0} with a registry token")
    @MethodSource("callers")
    void tokensGrantExactlyTheRole(Caller caller) {
        String scope = "repository:" + repo + ":pull,push,delete";
        Response tokenResponse =
                server.client(username(caller), PASSWORD).get("/service/token?service=berth&scope=" + scope);
        assertThat(tokenResponse.status()).isEqualTo(200);
        JsonNode body = tokenResponse.json();
        assertThat(body.path("token").asString())
                .isEqualTo(body.path("access_token").asString());
        assertThat(body.path("expires_in").asLong()).isPositive();
        assertThat(body.path("issued_at").asString()).isNotEmpty();
        Set<String> expected = new HashSet<>();
        if (caller.pull()) {
            expected.add("pull");
        }
        if (caller.push()) {
            expected.add("push");
        }
        if (caller.delete()) {
            expected.add("delete");
        }
        assertThat(grantedActions(body.path("token").asString(), repo)).containsExactlyInAnyOrderElementsOf(expected);

        RegistryClient bearer = bearer(body.path("token").asString());
        assertOutcome(bearer.get("/v2/" + repo + "/manifests/v1"), caller.pull(), 200, 401);
        assertOutcome(pushBlob(bearer), caller.push(), 201, 401);
        String tag = "tdel-" + UUID.randomUUID().toString().substring(0, 6);
        server.adminClient().pushManifest(repo, tag, RegistryClient.OCI_MANIFEST, image.manifestBytes());
        assertOutcome(bearer.delete("/v2/" + repo + "/manifests/" + tag), caller.delete(), 202, 401);
        // A token for one repository grants nothing on another.
        assertThat(bearer.get("/v2/" + publicProject + "/app/manifests/v1").status())
                .isEqualTo(401);
    }

    @Test
    void deniedTokenRequestsCarryAnInsufficientScopeChallenge() {
        String token = server.client(
                        username(callers()
                                .filter(c -> c.name().equals("guest"))
                                .findFirst()
                                .orElseThrow()),
                        PASSWORD)
                .get("/service/token?service=berth&scope=repository:" + repo + ":pull,push")
                .json()
                .path("token")
                .asString();
        Response r = bearer(token).send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("UNAUTHORIZED");
        assertThat(r.header("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h)
                        .contains(
                                "realm=\"",
                                "/service/token\"",
                                "service=\"berth\"",
                                "scope=\"repository:" + repo + ":pull,push\"",
                                "error=\"insufficient_scope\""));
    }

    @Test
    void anonymousCallersPullPublicProjectsOnly() {
        RegistryClient anonymous = server.anonymousClient();
        Response base = anonymous.get("/v2/");
        assertThat(base.status()).isEqualTo(401);
        assertThat(base.header("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer realm="));
        // Directly, and through an anonymous token as clients do it.
        assertThat(anonymous.get("/v2/" + publicProject + "/app/manifests/v1").status())
                .isEqualTo(200);
        String publicToken = anonymous
                .get("/service/token?service=berth&scope=repository:" + publicProject + "/app:pull,push")
                .json()
                .path("token")
                .asString();
        assertThat(grantedActions(publicToken, publicProject + "/app")).containsExactly("pull");
        assertThat(bearer(publicToken)
                        .get("/v2/" + publicProject + "/app/manifests/v1")
                        .status())
                .isEqualTo(200);

        Response privatePull = anonymous.get("/v2/" + repo + "/manifests/v1");
        assertThat(privatePull.status()).isEqualTo(401);
        assertThat(privatePull.header("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).contains("scope=\"repository:" + repo + ":pull\""));
        String privateToken = anonymous
                .get("/service/token?service=berth&scope=repository:" + repo + ":pull")
                .json()
                .path("token")
                .asString();
        assertThat(grantedActions(privateToken, repo)).isEmpty();
        assertThat(bearer(privateToken).get("/v2/" + repo + "/manifests/v1").status())
                .isEqualTo(401);
        assertThat(pushBlobTo(anonymous, publicProject + "/app").status()).isEqualTo(401);
    }

    @Test
    void catalogIsForSystemAdministratorsOnly() {
        String adminToken = server.adminClient()
                .get("/service/token?service=berth&scope=registry:catalog:*")
                .json()
                .path("token")
                .asString();
        assertThat(bearer(adminToken).get("/v2/_catalog").status()).isEqualTo(200);
        assertThat(server.adminClient().get("/v2/_catalog").status()).isEqualTo(200);

        String userToken = server.client(username(callers().findFirst().orElseThrow()), PASSWORD)
                .get("/service/token?service=berth&scope=registry:catalog:*")
                .json()
                .path("token")
                .asString();
        assertThat(grantedActions(userToken, "catalog")).isEmpty();
        assertThat(bearer(userToken).get("/v2/_catalog").status()).isEqualTo(401);
        assertThat(server.client(username(callers().findFirst().orElseThrow()), PASSWORD)
                        .get("/v2/_catalog")
                        .status())
                .isEqualTo(403);
        assertThat(server.anonymousClient().get("/v2/_catalog").status()).isEqualTo(401);
        // Path tricks reach the same guard.
        for (String path :
                List.of("/v2/./_catalog", "//v2/_catalog", "/v2//_catalog", "/v2/%5Fcatalog", "/v2/_catalog/")) {
            assertThat(rawGet(path)).as(path).isIn(400, 401, 404);
        }
    }

    @Test
    void pushToAProjectThatDoesNotExistIsRefused() {
        String missing = "nope-" + suffix + "/app";
        Response asAdmin = pushBlobTo(server.adminClient(), missing);
        assertThat(asAdmin.status()).isEqualTo(404);
        assertThat(asAdmin.errorCode()).isEqualTo("NAME_UNKNOWN");
        // Others learn nothing about whether it exists.
        Response asUser =
                pushBlobTo(server.client(username(callers().findFirst().orElseThrow()), PASSWORD), missing);
        assertThat(asUser.status()).isEqualTo(403);
        assertThat(server.adminClient().get("/v2/_catalog?n=1000").text()).doesNotContain(missing);
    }

    @Test
    void badCredentialsAreRefusedEvenWhereAnonymousWouldBeAllowed() {
        RegistryClient wrong = server.client("admin", "Wrong-Password-1");
        assertThat(wrong.get("/v2/" + publicProject + "/app/manifests/v1").status())
                .isEqualTo(401);
        assertThat(wrong.get("/service/token?service=berth&scope=repository:" + publicProject + "/app:pull")
                        .status())
                .isEqualTo(401);
        RegistryClient malformed = new RegistryClient(server.baseUri(), Map.of("Authorization", "Basic !!notbase64"));
        assertThat(malformed.get("/v2/").status()).isEqualTo(401);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private int rawGet(String path) {
        try {
            return dev.berth.support.RawHttp.send(
                    server.port(),
                    "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                    null,
                    false);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private RegistryClient bearer(String token) {
        return new RegistryClient(server.baseUri(), Map.of("Authorization", "Bearer " + token));
    }

    static List<String> grantedActions(String token, String name) {
        String payload =
                new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        JsonNode access = RegistryClient.JSON.readTree(payload).path("access");
        for (JsonNode entry : access) {
            if (entry.path("name").asString().equals(name)) {
                return entry.path("actions")
                        .valueStream()
                        .map(JsonNode::asString)
                        .toList();
            }
        }
        return List.of();
    }

    private Response pushBlob(RegistryClient client) {
        return pushBlobTo(client, repo);
    }

    private static Response pushBlobTo(RegistryClient client, String repository) {
        byte[] content = randomBytes(64);
        return client.send("POST", "/v2/" + repository + "/blobs/uploads/?digest=" + Digest.sha256(content), content);
    }

    private static void assertOutcome(Response r, boolean allowed, int success, int refusal) {
        assertThat(r.status()).as("%s", r.text()).isEqualTo(allowed ? success : refusal);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random().nextBytes(b);
        return b;
    }

    static Arguments args(Object... values) {
        return Arguments.of(values);
    }
}
