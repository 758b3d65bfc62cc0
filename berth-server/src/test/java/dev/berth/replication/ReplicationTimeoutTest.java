package dev.berth.replication;

import static dev.berth.replication.ReplicationCalls.id;
import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.Eventually;
import dev.berth.support.FaultyHttpRelay;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A remote that never answers: a relay in front of Debian's docker-registry that accepts every
 * connection and request and then stays silent, or that sends a blob's headers and half its body
 * and then nothing more. With short configured timeouts the task fails with the timeout in its
 * log, the execution ends, nothing of the image is tagged where it was going, and a run after the
 * remote recovers copies it whole.
 *
 * <p>A source that trickles a byte at a time, each inside the read timeout, is ended by the
 * whole-transfer rule ({@code berth.replication.min-throughput}, {@code min-transfer-time}),
 * checked against the server's clock: the test moves that clock past the blob's deadline instead
 * of waiting for it. So is a destination that accepts a blob upload and then stops reading it (the
 * sender blocked writing, where no read timeout applies): the deadline's watchdog ends the upload.
 */
class ReplicationTimeoutTest {
    private static final String USER = "slow";
    private static final String PASSWORD = "Slow-" + UUID.randomUUID();
    private static final String[] ACCEPT_ALL = {
        "Accept",
        String.join(
                ",",
                RegistryClient.OCI_MANIFEST,
                RegistryClient.OCI_INDEX,
                RegistryClient.DOCKER_MANIFEST,
                RegistryClient.DOCKER_LIST)
    };

    private static BerthServer server;
    private static DistributionRegistry distribution;
    private static FaultyHttpRelay relay;
    private static RegistryClient admin;
    private static ReplicationCalls calls;
    private static RegistryClient dist;
    private static long relayed;
    private static MutableClock clock;

    @BeforeAll
    static void start() {
        distribution = DistributionRegistry.withBasicAuth(USER, PASSWORD);
        relay = FaultyHttpRelay.to(distribution.baseUri());
        server = BerthServer.withExternalDatabase(
                Map.of(
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        "berth.jobs.poll-interval", "200ms",
                        "berth.replication.connect-timeout", "1s",
                        "berth.replication.read-timeout", "5s",
                        "berth.replication.retry.attempts", "2",
                        "berth.replication.retry.backoff", "100ms",
                        "berth.replication.task-attempts", "1",
                        "berth.replication.min-throughput", "16KB",
                        "berth.replication.min-transfer-time", "30s"),
                MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
        admin = server.adminClient();
        calls = new ReplicationCalls(admin);
        dist = new RegistryClient(distribution.baseUri(), Map.of("Authorization", BerthServer.basic(USER, PASSWORD)));
        RegistryClient.Response r = postJson(
                admin,
                "/api/v2.0/registries",
                Map.of(
                        "name",
                        "silent",
                        "type",
                        "docker-registry",
                        "url",
                        relay.baseUri().toString(),
                        "credential",
                        Map.of("type", "basic", "access_key", USER, "access_secret", PASSWORD)));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        relayed = id(r);
    }

    @AfterEach
    void recover() {
        relay.heal();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (distribution != null) {
            distribution.close();
        }
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random().nextBytes(b);
        return b;
    }

    @Test
    void aDestinationThatAcceptsTheConnectionAndNeverAnswersFailsTheTaskOnTheTimeout() {
        String project = new TestAccounts(server).project("mute", false);
        RegistryClient.Image image = admin.pushImage(project + "/app", "1", random(64 * 1024));
        long policyId = calls.policy(ReplicationCalls.manualPolicy("dest_registry", relayed, project + "/**"));

        relay.hangEveryRequest();
        // the default read timeout is five minutes: ending within the run's wait shows the configured one held
        JsonNode failed = calls.run(policyId);
        String log = calls.logs(failed);
        assertThat(failed.path("status").asString()).as(log).isEqualTo("Failed");
        assertThat(failed.path("failed").asInt()).as(failed.toString()).isEqualTo(1);
        assertThat(relay.heldRequests()).isPositive();
        assertThat(log)
                .contains("the remote did not answer within the timeout")
                .contains("read-timeout 5000 ms")
                .contains("failed 2 time(s)")
                .contains("giving up");
        assertThat(log).doesNotContain(PASSWORD);

        relay.heal();
        assertThat(dist.get("/v2/" + project + "/app/manifests/1", ACCEPT_ALL).status())
                .as("nothing tagged at the destination")
                .isEqualTo(404);
        assertThat(dist.get("/v2/" + project + "/app/manifests/" + image.manifest(), ACCEPT_ALL)
                        .status())
                .isEqualTo(404);

        JsonNode again = calls.run(policyId);
        assertThat(again.path("status").asString()).as(calls.logs(again)).isEqualTo("Succeed");
        RegistryClient.Response copied = dist.get("/v2/" + project + "/app/manifests/1", ACCEPT_ALL);
        assertThat(copied.status()).isEqualTo(200);
        assertThat(Digest.sha256(copied.body())).isEqualTo(image.manifest());
        for (Digest layer : image.layers()) {
            assertThat(dist.head("/v2/" + project + "/app/blobs/" + layer).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aSourceThatStallsMidBlobFailsThePullOnTheTimeoutAndShowsNothingHere() {
        String source = "stall" + TestAccounts.unique("");
        RegistryClient.Image image = dist.pushImage(source + "/tool", "2", random(256 * 1024), random(64 * 1024));
        String project = new TestAccounts(server).project("into", false);
        Map<String, Object> body = ReplicationCalls.manualPolicy("src_registry", relayed, source + "/**");
        body.put("dest_namespace", project);
        long policyId = calls.policy(body);

        relay.stallBlobBodies();
        JsonNode failed = calls.run(policyId);
        String log = calls.logs(failed);
        assertThat(failed.path("status").asString()).as(log).isEqualTo("Failed");
        assertThat(failed.path("total").asInt()).as(failed.toString()).isEqualTo(1);
        assertThat(relay.heldRequests()).isPositive();
        assertThat(log).contains("the remote did not answer within the timeout").contains("giving up");
        assertThat(log).doesNotContain(PASSWORD);
        relay.heal();
        assertThat(admin.get("/v2/" + project + "/tool/manifests/2", ACCEPT_ALL).status())
                .as("nothing tagged here")
                .isEqualTo(404);
        assertThat(admin.get("/v2/" + project + "/tool/manifests/" + image.manifest(), ACCEPT_ALL)
                        .status())
                .isEqualTo(404);

        JsonNode again = calls.run(policyId);
        assertThat(again.path("status").asString()).as(calls.logs(again)).isEqualTo("Succeed");
        RegistryClient.Response copied = admin.get("/v2/" + project + "/tool/manifests/2", ACCEPT_ALL);
        assertThat(copied.status()).isEqualTo(200);
        assertThat(Digest.sha256(copied.body())).isEqualTo(image.manifest());
        for (Digest layer : image.layers()) {
            assertThat(admin.head("/v2/" + project + "/tool/blobs/" + layer).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aSourceThatTricklesInsideTheReadTimeoutIsEndedByTheWholeTransferDeadline() {
        String source = "trickle" + TestAccounts.unique("");
        RegistryClient.Image image = dist.pushImage(source + "/slow", "3", random(256 * 1024));
        String project = new TestAccounts(server).project("drip", false);
        Map<String, Object> body = ReplicationCalls.manualPolicy("src_registry", relayed, source + "/**");
        body.put("dest_namespace", project);
        long policyId = calls.policy(body);

        int before = relay.heldRequests();
        // a byte every 200 ms: well inside the 5 s read timeout, so only the deadline can end it
        relay.trickleBlobBodies(Duration.ofMillis(200));
        long executionId = calls.start(policyId);
        Eventually.await(Duration.ofSeconds(60), relay::heldRequests, n -> n > before);
        // the config blob (small) and the 256 KiB layer: 30 s + 16 s allowed at most; move past it
        clock.advance(Duration.ofMinutes(2));
        JsonNode failed = Eventually.await(
                Duration.ofSeconds(60),
                () -> calls.execution(executionId),
                e -> !e.path("status").asString().equals("InProgress"));
        String log = calls.logs(failed);
        assertThat(failed.path("status").asString()).as(log).isEqualTo("Failed");
        assertThat(log)
                .contains("past its deadline")
                .contains("berth.replication.min-throughput 16 KiB/s")
                .contains("min-transfer-time 30000 ms")
                .contains("giving up")
                .doesNotContain("the remote did not answer within the timeout")
                .doesNotContain(PASSWORD);
        relay.heal();
        assertThat(admin.get("/v2/" + project + "/slow/manifests/3", ACCEPT_ALL).status())
                .as("nothing tagged here")
                .isEqualTo(404);
        assertThat(admin.get("/v2/" + project + "/slow/manifests/" + image.manifest(), ACCEPT_ALL)
                        .status())
                .isEqualTo(404);

        JsonNode again = calls.run(policyId);
        assertThat(again.path("status").asString()).as(calls.logs(again)).isEqualTo("Succeed");
        RegistryClient.Response copied = admin.get("/v2/" + project + "/slow/manifests/3", ACCEPT_ALL);
        assertThat(copied.status()).isEqualTo(200);
        assertThat(Digest.sha256(copied.body())).isEqualTo(image.manifest());
    }

    @Test
    void aDestinationThatStopsTakingAnUploadIsEndedByTheWholeTransferDeadline() {
        String project = new TestAccounts(server).project("choke", false);
        // 8 MiB: more than the loopback connection's buffers hold, so the sender blocks writing
        RegistryClient.Image image = admin.pushImage(project + "/big", "4", random(8 << 20));
        long policyId = calls.policy(ReplicationCalls.manualPolicy("dest_registry", relayed, project + "/**"));

        int before = relay.heldRequests();
        relay.stallUploadBodies();
        long executionId = calls.start(policyId);
        Eventually.await(Duration.ofSeconds(60), relay::heldRequests, n -> n > before);
        // 30 s + 8 MiB at 16 KiB/s = 542 s allowed for the layer; a blocked write has no timeout of
        // its own, so only the deadline's watchdog can end it once the clock is past
        clock.advance(Duration.ofMinutes(10));
        JsonNode failed = Eventually.await(
                Duration.ofSeconds(60),
                () -> calls.execution(executionId),
                e -> !e.path("status").asString().equals("InProgress"));
        String log = calls.logs(failed);
        assertThat(failed.path("status").asString()).as(log).isEqualTo("Failed");
        assertThat(log)
                .contains("past its deadline")
                .contains("the destination stopped taking the upload")
                .contains("min-transfer-time 30000 ms")
                .contains("giving up")
                .doesNotContain("the remote did not answer within the timeout")
                .doesNotContain(PASSWORD);
        relay.heal();
        assertThat(dist.get("/v2/" + project + "/big/manifests/4", ACCEPT_ALL).status())
                .as("nothing tagged at the destination")
                .isEqualTo(404);
        assertThat(dist.get("/v2/" + project + "/big/manifests/" + image.manifest(), ACCEPT_ALL)
                        .status())
                .isEqualTo(404);

        JsonNode again = calls.run(policyId);
        assertThat(again.path("status").asString()).as(calls.logs(again)).isEqualTo("Succeed");
        RegistryClient.Response copied = dist.get("/v2/" + project + "/big/manifests/4", ACCEPT_ALL);
        assertThat(copied.status()).isEqualTo(200);
        assertThat(Digest.sha256(copied.body())).isEqualTo(image.manifest());
        for (Digest layer : image.layers()) {
            assertThat(dist.head("/v2/" + project + "/big/blobs/" + layer).status())
                    .isEqualTo(200);
        }
    }
}
