package dev.berth.replication;

import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Replication executions that copy for real: Berth → Debian's docker-registry (CNCF distribution
 * 2.8, htpasswd Basic auth) and back, an image and a multi-arch index, checked with skopeo: the
 * bytes of every manifest (index, children, images) are identical at both ends.
 */
class ReplicationExecutionTest {
    private static final String USER = "repl";
    private static final String PASSWORD = "Repl-" + UUID.randomUUID();

    private static BerthServer server;
    private static DistributionRegistry distribution;
    private static RegistryClient admin;
    private static ReplicationCalls calls;
    private static RegistryClient dist;
    private static long registryId;
    private static Path skopeoPolicy;

    @BeforeAll
    static void start() throws IOException {
        distribution = DistributionRegistry.withBasicAuth(USER, PASSWORD);
        server = BerthServer.withExternalDatabase(Map.of(
                "berth.outbound.allowed-networks", "127.0.0.1/32",
                "berth.jobs.poll-interval", "200ms"));
        admin = server.adminClient();
        calls = new ReplicationCalls(admin);
        dist = new RegistryClient(distribution.baseUri(), Map.of("Authorization", BerthServer.basic(USER, PASSWORD)));
        registryId = ReplicationPolicyTest.endpoint(admin, "dist", distribution, USER, PASSWORD);
        skopeoPolicy = Files.createTempFile("skopeo-policy", ".json");
        Files.writeString(skopeoPolicy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (distribution != null) {
            distribution.close();
        }
        if (skopeoPolicy != null) {
            Files.deleteIfExists(skopeoPolicy);
        }
    }

    private static String skopeoRaw(String hostPort, String user, String password, String reference) {
        List<String> command = new ArrayList<>(List.of(
                "skopeo",
                "--policy",
                skopeoPolicy.toString(),
                "inspect",
                "--raw",
                "--tls-verify=false",
                "--creds",
                user + ":" + password,
                "docker://" + hostPort + "/" + reference));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(reference + ": " + err).isZero();
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String berthRaw(String reference) {
        return skopeoRaw(server.hostPort(), "admin", BerthServer.ADMIN_PASSWORD, reference);
    }

    private static String distRaw(String reference) {
        return skopeoRaw(distribution.hostPort(), USER, PASSWORD, reference);
    }

    /** Two images pushed by digest and an OCI index over them, tagged. */
    private static Digest pushIndex(RegistryClient client, String repository, String tag) {
        RegistryClient.Image amd = client.pushImage(repository, null, ("amd64 " + UUID.randomUUID()).getBytes());
        RegistryClient.Image arm = client.pushImage(repository, null, ("arm64 " + UUID.randomUUID()).getBytes());
        byte[] index = RegistryClient.index(
                RegistryClient.OCI_INDEX,
                List.of(
                        RegistryClient.descriptor(
                                RegistryClient.OCI_MANIFEST, amd.manifest(), amd.manifestBytes().length),
                        RegistryClient.descriptor(
                                RegistryClient.OCI_MANIFEST, arm.manifest(), arm.manifestBytes().length)));
        return client.pushManifest(repository, tag, RegistryClient.OCI_INDEX, index);
    }

    @Test
    void aPushReplicationCopiesImagesAndIndexesExactlyAndSkipsWhatIsThere() {
        String project = new TestAccounts(server).project("src", false);
        byte[] shared = ("shared layer " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        admin.pushImage(project + "/app", "v1", shared, "app layer".getBytes(StandardCharsets.UTF_8));
        admin.pushImage(project + "/app", "skip-me", "not replicated".getBytes(StandardCharsets.UTF_8));
        Digest index = pushIndex(admin, project + "/multi", "latest");

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", TestAccounts.unique("push-"));
        body.put("dest_registry", Map.of("id", registryId));
        body.put("dest_namespace", "mirror");
        body.put("dest_namespace_replace_count", 1); // src…/app → mirror/app
        body.put(
                "filters",
                List.of(
                        Map.of("type", "name", "value", project + "/**"),
                        Map.of("type", "tag", "value", "skip*", "decoration", "excludes")));
        body.put("trigger", Map.of("type", "manual"));
        body.put("enabled", true);
        body.put("override", true);
        long policyId = calls.policy(body);

        JsonNode execution = calls.run(policyId);
        assertThat(execution.path("status").asString()).as(execution.toString()).isEqualTo("Succeed");
        assertThat(execution.path("trigger").asString()).isEqualTo("manual");
        assertThat(execution.path("total").asInt()).isEqualTo(2);
        assertThat(execution.path("succeed").asInt()).isEqualTo(2);
        assertThat(execution.path("failed").asInt()).isZero();

        assertThat(distRaw("mirror/app:v1")).isEqualTo(berthRaw(project + "/app:v1"));
        String berthIndex = berthRaw(project + "/multi:latest");
        assertThat(distRaw("mirror/multi:latest")).isEqualTo(berthIndex);
        assertThat(Digest.sha256(berthIndex.getBytes(StandardCharsets.UTF_8))).isEqualTo(index);
        for (JsonNode child : RegistryClient.JSON.readTree(berthIndex).path("manifests")) {
            String digest = child.path("digest").asString();
            assertThat(distRaw("mirror/multi@" + digest)).isEqualTo(berthRaw(project + "/multi@" + digest));
        }
        assertThat(dist.get("/v2/mirror/app/manifests/skip-me", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .as("excluded by the tag filter")
                .isEqualTo(404);

        // the tasks say what moved; their logs how
        long executionId = execution.path("id").asLong();
        JsonNode tasks = admin.get("/api/v2.0/replication/executions/" + executionId + "/tasks")
                .json();
        assertThat(tasks.size()).isEqualTo(2);
        List<String> sources = new ArrayList<>();
        tasks.forEach(t -> sources.add(t.path("src_resource").asString() + " -> "
                + t.path("dst_resource").asString()));
        assertThat(sources)
                .containsExactlyInAnyOrder(
                        project + "/app:[v1] -> mirror/app:[v1]", project + "/multi:[latest] -> mirror/multi:[latest]");
        long taskId = tasks.path(0).path("id").asLong();
        RegistryClient.Response log =
                admin.get("/api/v2.0/replication/executions/" + executionId + "/tasks/" + taskId + "/log");
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.text()).contains("copied").contains("tag mirror/");

        // again: everything is there, so no blob moves
        JsonNode again = calls.run(policyId);
        assertThat(again.path("status").asString()).isEqualTo("Succeed");
        long againId = again.path("id").asLong();
        for (JsonNode t : admin.get("/api/v2.0/replication/executions/" + againId + "/tasks")
                .json()) {
            String text = admin.get("/api/v2.0/replication/executions/" + againId + "/tasks/"
                            + t.path("id").asLong() + "/log")
                    .text();
            assertThat(text).contains("is there: skipped").doesNotContain(" copied (");
        }

        JsonNode list = admin.get("/api/v2.0/replication/executions?policy_id=" + policyId)
                .json();
        assertThat(list.size()).isEqualTo(2);
        assertThat(admin.get("/api/v2.0/replication/executions?policy_id=" + policyId + "&status=Succeed")
                        .json()
                        .size())
                .isEqualTo(2);
        assertThat(admin.get("/api/v2.0/replication/executions?policy_id=" + policyId + "&status=Failed")
                        .json()
                        .size())
                .isZero();
    }

    @Test
    void aPullReplicationBringsImagesAndIndexesInWithTheirDigests() {
        String suffix = TestAccounts.unique("");
        dist.pushImage(
                "team" + suffix + "/tool", "1.0", ("tool " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        pushIndex(dist, "team" + suffix + "/multi", "2.0");
        String project = new TestAccounts(server).project("pulled", false);

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", TestAccounts.unique("pull-"));
        body.put("src_registry", Map.of("id", registryId));
        body.put("dest_namespace", project); // legacy mode: team…/tool → <project>/tool
        body.put("filters", List.of(Map.of("type", "name", "value", "team" + suffix + "/**")));
        body.put("trigger", Map.of("type", "manual"));
        body.put("enabled", true);
        long policyId = calls.policy(body);

        JsonNode execution = calls.run(policyId);
        assertThat(execution.path("status").asString()).as(execution.toString()).isEqualTo("Succeed");
        assertThat(execution.path("total").asInt()).isEqualTo(2);
        assertThat(berthRaw(project + "/tool:1.0")).isEqualTo(distRaw("team" + suffix + "/tool:1.0"));
        String index = distRaw("team" + suffix + "/multi:2.0");
        assertThat(berthRaw(project + "/multi:2.0")).isEqualTo(index);
        for (JsonNode child : RegistryClient.JSON.readTree(index).path("manifests")) {
            String digest = child.path("digest").asString();
            assertThat(berthRaw(project + "/multi@" + digest)).isEqualTo(distRaw("team" + suffix + "/multi@" + digest));
        }
    }

    @Test
    void startingIsForAdministratorsAndForEnabledPolicies() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", TestAccounts.unique("off-"));
        body.put("dest_registry", Map.of("id", registryId));
        body.put("enabled", false);
        long policyId = calls.policy(body);
        RegistryClient.Response disabled =
                postJson(admin, "/api/v2.0/replication/executions", Map.of("policy_id", policyId));
        assertThat(disabled.status()).isEqualTo(412);
        assertThat(postJson(admin, "/api/v2.0/replication/executions", Map.of("policy_id", 999_999))
                        .status())
                .isEqualTo(404);
        assertThat(admin.get("/api/v2.0/replication/executions/999999").status())
                .isEqualTo(404);

        RegistryClient user = new TestAccounts(server).user("plain").client();
        for (var entry : Map.of(user, 403, server.anonymousClient(), 401).entrySet()) {
            RegistryClient c = entry.getKey();
            for (RegistryClient.Response r : List.of(
                    postJson(c, "/api/v2.0/replication/executions", Map.of("policy_id", policyId)),
                    c.get("/api/v2.0/replication/executions"),
                    c.get("/api/v2.0/replication/executions/1"),
                    c.send("PUT", "/api/v2.0/replication/executions/1", null),
                    c.get("/api/v2.0/replication/executions/1/tasks"),
                    c.get("/api/v2.0/replication/executions/1/tasks/1/log"))) {
                assertThat(r.status()).as(r.raw().uri().toString()).isEqualTo(entry.getValue());
            }
        }
    }

    @Test
    void anEventBasedPolicyReplicatesAPushWithinSeconds() {
        String project = new TestAccounts(server).project("live", false);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", TestAccounts.unique("event-"));
        body.put("dest_registry", Map.of("id", registryId));
        body.put("filters", List.of(Map.of("type", "name", "value", project + "/**")));
        body.put("trigger", Map.of("type", "event_based"));
        body.put("enabled", true);
        long policyId = calls.policy(body);

        // another project's push first: events are consumed in order, so by the time this policy's
        // push has been replicated, that one has been seen (and must have been left alone)
        String other = new TestAccounts(server).project("other", false);
        admin.pushImage(other + "/svc", "1.0", "other".getBytes(StandardCharsets.UTF_8));
        admin.pushImage(project + "/svc", "1.2", ("svc " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        JsonNode execution = Eventually.await(
                Duration.ofSeconds(60),
                () -> admin.get("/api/v2.0/replication/executions?policy_id=" + policyId)
                        .json(),
                list -> list.size() == 1
                        && list.path(0).path("status").asString().equals("Succeed"));
        assertThat(execution.path(0).path("trigger").asString()).isEqualTo("event_based");
        assertThat(distRaw(project + "/svc:1.2")).isEqualTo(berthRaw(project + "/svc:1.2"));
        assertThat(dist.get("/v2/" + other + "/svc/manifests/1.0", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(404);
    }
}
