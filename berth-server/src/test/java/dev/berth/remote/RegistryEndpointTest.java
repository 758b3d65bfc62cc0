package dev.berth.remote;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's registry endpoint API against real peers on 127.0.0.1 (opened to the server under test
 * with {@code berth.outbound.allowed-networks}): Debian's docker-registry (CNCF distribution 2.8)
 * with htpasswd Basic auth, and a second Berth, which logs in by Docker's token protocol and
 * answers Harbor's API. Every response is checked against Harbor's swagger by the test server.
 */
class RegistryEndpointTest {
    private static final String USER = "replicator";
    private static final String PASSWORD = "Dist-" + TestAccounts.unique("pw") + "-Secret";

    private static BerthServer server;
    private static BerthServer peer;
    private static DistributionRegistry distribution;
    private static RegistryClient admin;
    private static final List<RegistryClient.Response> RESPONSES = new ArrayList<>();

    @BeforeAll
    static void start() {
        distribution = DistributionRegistry.withBasicAuth(USER, PASSWORD);
        server = BerthServer.withExternalDatabase(Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
        peer = BerthServer.withExternalDatabase(Map.of()); // Berth's defaults: loopback refused
        admin = server.adminClient();
    }

    @AfterAll
    static void stop() {
        // no response of any test held the distribution password or the peer's admin password
        for (RegistryClient.Response r : RESPONSES) {
            assertThat(r.text()).doesNotContain(PASSWORD).doesNotContain(BerthServer.ADMIN_PASSWORD);
            assertThat(r.raw().headers().map().toString()).doesNotContain(PASSWORD);
        }
        if (server != null) {
            server.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (distribution != null) {
            distribution.close();
        }
    }

    private static RegistryClient.Response seen(RegistryClient.Response r) {
        synchronized (RESPONSES) {
            RESPONSES.add(r);
        }
        return r;
    }

    private static Map<String, Object> distributionBody(String name, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("type", "docker-registry");
        body.put("url", distribution.baseUri().toString() + "/");
        body.put("insecure", false);
        body.put("description", "CNCF distribution");
        body.put("credential", Map.of("type", "basic", "access_key", USER, "access_secret", password));
        return body;
    }

    private static long create(Map<String, Object> body) {
        RegistryClient.Response r = seen(postJson(admin, "/api/v2.0/registries", body));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String location = r.header("Location").orElseThrow();
        assertThat(location).startsWith("/api/v2.0/registries/");
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    @Test
    void adaptersAreHarborsWithTheirPatterns() {
        RegistryClient.Response types = seen(admin.get("/api/v2.0/replication/adapters"));
        assertThat(types.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        types.json().forEach(n -> names.add(n.asString()));
        assertThat(names)
                .containsExactly(
                        "ali-acr",
                        "aws-ecr",
                        "azure-acr",
                        "docker-hub",
                        "docker-registry",
                        "dtr",
                        "github-ghcr",
                        "gitlab",
                        "google-gcr",
                        "harbor",
                        "huawei-SWR",
                        "jfrog-artifactory",
                        "quay",
                        "tencent-tcr",
                        "volcengine-cr");

        JsonNode infos = seen(admin.get("/api/v2.0/replication/adapterinfos")).json();
        assertThat(infos.propertyNames())
                .containsExactlyInAnyOrder(
                        "ali-acr",
                        "aws-ecr",
                        "docker-hub",
                        "github-ghcr",
                        "google-gcr",
                        "quay",
                        "tencent-tcr",
                        "volcengine-cr");
        assertThat(infos.path("docker-hub")
                        .path("endpoint_pattern")
                        .path("endpoint_type")
                        .asString())
                .isEqualTo("EndpointPatternTypeFix");
        assertThat(infos.path("docker-hub")
                        .path("endpoint_pattern")
                        .path("endpoints")
                        .path(0)
                        .path("value")
                        .asString())
                .isEqualTo("https://hub.docker.com");
        assertThat(infos.path("aws-ecr")
                        .path("endpoint_pattern")
                        .path("endpoints")
                        .size())
                .isEqualTo(23);
        assertThat(infos.path("aws-ecr")
                        .path("endpoint_pattern")
                        .path("endpoints")
                        .path(1)
                        .path("value")
                        .asString())
                .isEqualTo("https://api.ecr.us-east-1.amazonaws.com");
        assertThat(infos.path("google-gcr")
                        .path("credential_pattern")
                        .path("access_key_data")
                        .asString())
                .isEqualTo("_json_key");
        assertThat(infos.path("quay")
                        .path("endpoint_pattern")
                        .path("endpoint_type")
                        .asString())
                .isEqualTo("EndpointPatternTypeStandard");
        assertThat(infos.path("tencent-tcr").isEmpty()).isTrue();
    }

    @Test
    void aDistributionRegistryWithBasicAuthIsPingedStoredAndListed() {
        Map<String, Object> ping = new LinkedHashMap<>();
        ping.put("type", "docker-registry");
        ping.put("url", distribution.baseUri().toString());
        ping.put("access_key", USER);
        ping.put("access_secret", PASSWORD);
        assertThat(seen(postJson(admin, "/api/v2.0/registries/ping", ping)).status())
                .isEqualTo(200);
        ping.put("access_secret", "wrong-password");
        RegistryClient.Response wrong = seen(postJson(admin, "/api/v2.0/registries/ping", ping));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.text()).contains("the registry is unhealthy").doesNotContain("wrong-password");
        // without a credential a 401 still says "a registry is there", as in Harbor
        assertThat(seen(postJson(
                                admin,
                                "/api/v2.0/registries/ping",
                                Map.of(
                                        "type",
                                        "docker-registry",
                                        "url",
                                        distribution.baseUri().toString())))
                        .status())
                .isEqualTo(200);

        String name = TestAccounts.unique("dist-");
        assertThat(seen(postJson(admin, "/api/v2.0/registries", distributionBody(name, "nope")))
                        .status())
                .as("a wrong password is refused at creation")
                .isEqualTo(400);
        long id = create(distributionBody(name, PASSWORD));

        JsonNode got = seen(admin.get("/api/v2.0/registries/" + id)).json();
        assertThat(got.path("name").asString()).isEqualTo(name);
        assertThat(got.path("url").asString()).isEqualTo(distribution.baseUri().toString());
        assertThat(got.path("type").asString()).isEqualTo("docker-registry");
        assertThat(got.path("status").asString()).isEqualTo("healthy");
        assertThat(got.path("credential").path("type").asString()).isEqualTo("basic");
        assertThat(got.path("credential").path("access_key").asString()).isEqualTo("*****");
        assertThat(got.path("credential").path("access_secret").asString()).isEqualTo("*****");
        assertThat(got.toString()).doesNotContain(USER);

        // at rest: sealed, bound to the row
        Map<String, Object> row = server.bean(org.springframework.jdbc.core.simple.JdbcClient.class)
                .sql("SELECT access_key, access_secret FROM remote_registry WHERE id = ?")
                .param(id)
                .query()
                .singleRow();
        assertThat(row.get("access_key").toString()).startsWith("sealed:v1:").doesNotContain(USER);
        assertThat(row.get("access_secret").toString()).startsWith("sealed:v1:").doesNotContain(PASSWORD);

        // the list: q, the deprecated name=, paging headers
        RegistryClient.Response list = seen(admin.get("/api/v2.0/registries?q=name%3D~" + name.substring(5)));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.header("X-Total-Count")).contains("1");
        assertThat(list.json().path(0).path("id").asLong()).isEqualTo(id);
        assertThat(seen(admin.get("/api/v2.0/registries?name=" + name)).json().size())
                .isEqualTo(1);
        assertThat(seen(admin.get("/api/v2.0/registries?q=type%3Dharbor,name%3D" + name))
                        .json()
                        .size())
                .isZero();
        assertThat(seen(admin.get("/api/v2.0/registries?q=access_secret%3Dx")).status())
                .isEqualTo(400);

        JsonNode info = seen(admin.get("/api/v2.0/registries/" + id + "/info")).json();
        assertThat(info.path("type").asString()).isEqualTo("docker-registry");
        assertThat(info.path("supported_triggers").toString()).isEqualTo("[\"manual\",\"scheduled\"]");
        assertThat(info.path("supported_resource_filters").toString()).contains("\"name\"", "\"tag\"", "\"resource\"");
        assertThat(info.has("supported_copy_by_chunk")).isFalse();

        // ping by id (stored credential), an update that keeps the secret, one that breaks it
        assertThat(seen(postJson(admin, "/api/v2.0/registries/ping", Map.of("id", id)))
                        .status())
                .isEqualTo(200);
        assertThat(seen(putJson(
                                admin,
                                "/api/v2.0/registries/" + id,
                                Map.of("description", "updated", "access_secret", "*****")))
                        .status())
                .isEqualTo(200);
        assertThat(seen(admin.get("/api/v2.0/registries/" + id))
                        .json()
                        .path("description")
                        .asString())
                .isEqualTo("updated");
        assertThat(seen(putJson(admin, "/api/v2.0/registries/" + id, Map.of("access_secret", "broken")))
                        .status())
                .isEqualTo(400);
        assertThat(seen(postJson(admin, "/api/v2.0/registries/ping", Map.of("id", id)))
                        .status())
                .as("the failed update changed nothing")
                .isEqualTo(200);

        // the catalog through the adapter, as replication reads it
        RegistryClient pusher =
                new RegistryClient(distribution.baseUri(), Map.of("Authorization", BerthServer.basic(USER, PASSWORD)));
        pusher.pushImage("team/app", "v1", "layer".getBytes(StandardCharsets.UTF_8));
        RemoteRegistry stored = server.bean(RemoteRegistries.class).get(id);
        assertThat(stored.toString()).doesNotContain(PASSWORD);
        assertThat(server.bean(RegistryAdapters.class).of(stored).repositories(stored))
                .contains("team/app");

        // the audit trail names the endpoint, never the credential
        List<String> audit = server.bean(org.springframework.jdbc.core.simple.JdbcClient.class)
                .sql("SELECT concat_ws(' ', operation, resource_type, resource, operation_description) FROM audit_log"
                        + " WHERE resource_type = 'registry' AND resource = ?")
                .param(name)
                .query(String.class)
                .list();
        assertThat(audit).hasSizeGreaterThanOrEqualTo(2);
        assertThat(String.join("\n", audit)).doesNotContain(PASSWORD).doesNotContain("broken");

        assertThat(seen(admin.delete("/api/v2.0/registries/" + id)).status()).isEqualTo(200);
        assertThat(seen(admin.get("/api/v2.0/registries/" + id)).status()).isEqualTo(404);
        assertThat(seen(admin.delete("/api/v2.0/registries/" + id)).status()).isEqualTo(404);
    }

    @Test
    void anotherBerthIsReachedThroughItsTokenServiceAndHarborsApi() {
        RegistryClient peerAdmin = peer.adminClient();
        peer.ensureProject("mirrored", false);
        peerAdmin.pushImage("mirrored/web", "1.0", "peer-layer".getBytes(StandardCharsets.UTF_8));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", TestAccounts.unique("peer-"));
        body.put("type", "harbor");
        body.put("url", peer.baseUri().toString());
        body.put(
                "credential",
                Map.of("type", "basic", "access_key", "admin", "access_secret", BerthServer.ADMIN_PASSWORD));
        long id = create(body);

        JsonNode info = seen(admin.get("/api/v2.0/registries/" + id + "/info")).json();
        assertThat(info.path("type").asString()).isEqualTo("harbor");
        assertThat(info.path("supported_copy_by_chunk").asBoolean()).isTrue();
        assertThat(info.path("supported_resource_filters").toString()).contains("\"label\"");
        RemoteRegistry stored = server.bean(RemoteRegistries.class).get(id);
        assertThat(server.bean(RegistryAdapters.class).of(stored).repositories(stored))
                .contains("mirrored/web");

        // the same Berth as a plain docker-registry: /v2/ answers 401 Bearer, the token comes from its realm
        Map<String, Object> ping = new LinkedHashMap<>();
        ping.put("type", "docker-registry");
        ping.put("url", peer.baseUri().toString());
        ping.put("access_key", "admin");
        ping.put("access_secret", BerthServer.ADMIN_PASSWORD);
        assertThat(seen(postJson(admin, "/api/v2.0/registries/ping", ping)).status())
                .isEqualTo(200);
        ping.put("access_secret", "Not-The-Password-1");
        RegistryClient.Response refused = seen(postJson(admin, "/api/v2.0/registries/ping", ping));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("unhealthy");
        RegistryClient.Response catalog = seen(postJson(admin, "/api/v2.0/registries/ping", Map.of("id", id)));
        assertThat(catalog.status()).isEqualTo(200);

        // the instance info of the local registry (id 0) offers event-based replication
        JsonNode local = seen(admin.get("/api/v2.0/registries/0/info")).json();
        assertThat(local.path("supported_triggers").toString()).contains("event_based");
    }

    @Test
    void harborsValidationAnswers() {
        String name = TestAccounts.unique("dup-");
        long id = create(distributionBody(name, PASSWORD));
        assertThat(seen(postJson(admin, "/api/v2.0/registries", distributionBody(name, PASSWORD)))
                        .status())
                .isEqualTo(409);
        Map<String, Object> body = distributionBody("", PASSWORD);
        assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("name cannot be empty");
        body = distributionBody("x".repeat(65), PASSWORD);
        assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("the max length of name is 64");
        body = distributionBody(TestAccounts.unique("bad-"), PASSWORD);
        body.put("url", "ftp://127.0.0.1/");
        assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("invalid HTTP scheme");
        body.put("url", "http://user:pw@127.0.0.1:" + distribution.port());
        assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("credential");
        body.put("url", distribution.baseUri().toString());
        body.put("type", "no-such-adapter");
        assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("no-such-adapter");
        body.put("type", "ali-acr");
        assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("not available in Berth yet");
        body.put("type", "aws-ecr");
        assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("bad aws url");
        body.put("type", "docker-registry");
        body.put("credential", Map.of("type", "kerberos", "access_key", "a", "access_secret", "b"));
        assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("credential type");
        assertThat(refusal(postJson(admin, "/api/v2.0/registries/ping", Map.of("type", "docker-registry"))))
                .contains("type or url cannot be empty");
        assertThat(seen(postJson(admin, "/api/v2.0/registries/ping", Map.of("id", 999_999)))
                        .status())
                .isEqualTo(404);
        assertThat(seen(putJson(admin, "/api/v2.0/registries/999999", Map.of("description", "x")))
                        .status())
                .isEqualTo(404);
        assertThat(seen(admin.get("/api/v2.0/registries/999999/info")).status()).isEqualTo(404);
        // a closed port: unhealthy, not an error page
        body.put("credential", Map.of("type", "basic", "access_key", USER, "access_secret", PASSWORD));
        body.put("url", "http://127.0.0.1:1");
        assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("the registry is unhealthy");
        assertThat(seen(admin.delete("/api/v2.0/registries/" + id)).status()).isEqualTo(200);
    }

    @Test
    void outboundRulesApplyToRegistryUrls() {
        for (String url :
                List.of("http://169.254.169.254", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0:80")) {
            Map<String, Object> body = distributionBody(TestAccounts.unique("meta-"), PASSWORD);
            body.put("url", url);
            assertThat(refusal(postJson(admin, "/api/v2.0/registries", body))).contains("refused");
            assertThat(refusal(postJson(
                            admin, "/api/v2.0/registries/ping", Map.of("type", "docker-registry", "url", url))))
                    .contains("refused");
        }
        // a Berth with the default rules may not reach loopback, even as an administrator
        RegistryClient peerAdmin = peer.adminClient();
        Map<String, Object> body = distributionBody(TestAccounts.unique("loop-"), PASSWORD);
        RegistryClient.Response loopback = seen(postJson(peerAdmin, "/api/v2.0/registries", body));
        assertThat(loopback.status()).isEqualTo(400);
        assertThat(loopback.text()).contains("refused");
        RegistryClient.Response pingLoopback = seen(postJson(
                peerAdmin,
                "/api/v2.0/registries/ping",
                Map.of("type", "docker-registry", "url", distribution.baseUri().toString())));
        assertThat(pingLoopback.status()).isEqualTo(400);
        assertThat(pingLoopback.text()).contains("refused");
    }

    @Test
    void onlySystemAdministratorsManageEndpoints() {
        long id = create(distributionBody(TestAccounts.unique("perm-"), PASSWORD));
        TestAccounts accounts = new TestAccounts(server);
        RegistryClient user = accounts.user("plain").client();
        RegistryClient anonymous = server.anonymousClient();
        Map<String, Object> body = distributionBody(TestAccounts.unique("x-"), PASSWORD);
        for (var entry : Map.of(user, 403, anonymous, 401).entrySet()) {
            RegistryClient c = entry.getKey();
            int expected = entry.getValue();
            List<RegistryClient.Response> answers = List.of(
                    c.get("/api/v2.0/registries"),
                    postJson(c, "/api/v2.0/registries", body),
                    c.get("/api/v2.0/registries/" + id),
                    putJson(c, "/api/v2.0/registries/" + id, Map.of("description", "mine")),
                    c.delete("/api/v2.0/registries/" + id),
                    postJson(c, "/api/v2.0/registries/ping", Map.of("id", id)),
                    c.get("/api/v2.0/registries/" + id + "/info"),
                    c.get("/api/v2.0/replication/adapters"),
                    c.get("/api/v2.0/replication/adapterinfos"));
            for (RegistryClient.Response r : answers) {
                seen(r);
                assertThat(r.status())
                        .as(r.raw().request().method() + " " + r.raw().uri())
                        .isEqualTo(expected);
                assertThat(r.json().path("errors").path(0).path("code").asString())
                        .isNotEmpty();
            }
        }
        JsonNode still = seen(admin.get("/api/v2.0/registries/" + id)).json();
        assertThat(still.path("description").asString()).isEqualTo("CNCF distribution");
        assertThat(seen(admin.delete("/api/v2.0/registries/" + id)).status()).isEqualTo(200);
    }

    private static String refusal(RegistryClient.Response r) {
        seen(r);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        return r.json().path("errors").path(0).path("message").asString();
    }
}
