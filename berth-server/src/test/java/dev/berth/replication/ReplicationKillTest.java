package dev.berth.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthProcess;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A Berth in its own process replicating 50 small images to Debian's docker-registry is killed
 * (SIGKILL) mid-way and started again on the same data: the execution finishes, every image is
 * complete at the destination, and a poller that reads every tag it sees at the destination
 * throughout (manifest, then a HEAD of each blob it names) never finds one whose content is not
 * all there. The {@code speed} limit spreads the copies over a few seconds so the kill lands
 * among them.
 */
class ReplicationKillTest {
    private static final int IMAGES = 50;
    private static final String[] ACCEPT = {"Accept", RegistryClient.OCI_MANIFEST};

    @Test
    void aKilledReplicationFinishesAfterRestartAndNeverShowsAHalfCopiedImage() throws Exception {
        Path dir = Files.createTempDirectory("berth-repl-kill-");
        Path data = dir.resolve("data");
        List<String> incomplete = new CopyOnWriteArrayList<>();
        Set<String> checked = ConcurrentHashMap.newKeySet();
        AtomicBoolean polling = new AtomicBoolean(true);
        try (TestDatabase db = TestDatabase.create();
                DistributionRegistry distribution = DistributionRegistry.open()) {
            List<String> args = List.of(
                    "--spring.datasource.url=" + db.jdbcUrl(),
                    "--spring.datasource.username=" + db.user(),
                    "--berth.jobs.lease=4s",
                    "--berth.jobs.poll-interval=200ms",
                    "--berth.outbound.allowed-networks=127.0.0.1/32");
            RegistryClient dist = new RegistryClient(distribution.baseUri(), Map.of());
            Thread poller = Thread.ofPlatform().daemon().start(() -> {
                while (polling.get()) {
                    poll(dist, incomplete, checked);
                }
            });
            String project = "kill" + UUID.randomUUID().toString().substring(0, 8);
            long execution;
            Set<String> atKill = ConcurrentHashMap.newKeySet();
            try (BerthProcess first = BerthProcess.start(data, dir.resolve("tmp1"), dir.resolve("first.log"), args)) {
                RegistryClient admin = first.adminClient();
                RegistryClient.check(admin.createProject(project, false), 201);
                byte[] shared = new byte[8 * 1024];
                ThreadLocalRandom.current().nextBytes(shared);
                for (int i = 0; i < IMAGES; i++) {
                    byte[] own = new byte[16 * 1024];
                    ThreadLocalRandom.current().nextBytes(own);
                    admin.pushImage(project + "/app" + (i % 5), "t" + i, shared, own);
                }
                RegistryClient.Response endpoint = TestAccounts.postJson(
                        admin,
                        "/api/v2.0/registries",
                        Map.of(
                                "name",
                                "dist",
                                "type",
                                "docker-registry",
                                "url",
                                distribution.baseUri().toString()));
                assertThat(endpoint.status()).as(endpoint.text()).isEqualTo(201);
                RegistryClient.Response policy = TestAccounts.postJson(
                        admin,
                        "/api/v2.0/replication/policies",
                        Map.of(
                                "name",
                                "kill",
                                "dest_registry",
                                Map.of("id", id(endpoint)),
                                "filters",
                                List.of(Map.of("type", "name", "value", project + "/**")),
                                "trigger",
                                Map.of("type", "manual"),
                                "enabled",
                                true,
                                "speed",
                                32));
                assertThat(policy.status()).as(policy.text()).isEqualTo(201);
                RegistryClient.Response started = TestAccounts.postJson(
                        admin, "/api/v2.0/replication/executions", Map.of("policy_id", id(policy)));
                assertThat(started.status()).as(started.text()).isEqualTo(201);
                execution = id(started);
                Eventually.await(
                        Duration.ofSeconds(120),
                        () -> admin.get("/api/v2.0/replication/executions/" + execution)
                                .json(),
                        e -> e.path("succeed").asInt() >= 8);
                first.kill();
                poll(dist, new CopyOnWriteArrayList<>(), atKill);
            }
            try (BerthProcess second = BerthProcess.start(data, dir.resolve("tmp2"), dir.resolve("second.log"), args)) {
                RegistryClient admin = second.adminClient();
                JsonNode done = Eventually.await(
                        Duration.ofSeconds(240),
                        () -> admin.get("/api/v2.0/replication/executions/" + execution)
                                .json(),
                        e -> !e.path("status").asString().equals("InProgress"));
                assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("Succeed");
                assertThat(done.path("succeed").asInt()).isEqualTo(IMAGES);
            }
            polling.set(false);
            poller.join();
            // the kill came before the end: some copies were still to be made when it restarted
            assertThat(atKill)
                    .as("tags at the destination when killed")
                    .isNotEmpty()
                    .hasSizeLessThan(IMAGES);
            for (int i = 0; i < IMAGES; i++) {
                String ref = project + "/app" + (i % 5) + ":t" + i;
                assertThat(complete(dist, ref)).as(ref).isTrue();
            }
            poll(dist, incomplete, checked);
            assertThat(checked).hasSize(IMAGES);
            assertThat(incomplete).isEmpty();
        } finally {
            polling.set(false);
            BerthProcess.stopPostgres(data);
        }
    }

    private static long id(RegistryClient.Response created) {
        String location = created.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    /** Every tag the destination shows now, each checked whole. */
    private static void poll(RegistryClient dist, List<String> incomplete, Set<String> checked) {
        try {
            RegistryClient.Response catalog = dist.get("/v2/_catalog?n=1000");
            if (catalog.status() != 200) {
                return;
            }
            for (JsonNode repository : catalog.json().path("repositories")) {
                String name = repository.asString();
                RegistryClient.Response tags = dist.get("/v2/" + name + "/tags/list");
                if (tags.status() != 200) {
                    continue;
                }
                for (JsonNode tag : tags.json().path("tags")) {
                    String ref = name + ":" + tag.asString();
                    String missing = missing(dist, ref);
                    if (missing == null) {
                        continue; // the registry did not answer plainly: read it again next round
                    }
                    if (!missing.isEmpty()) {
                        incomplete.add(ref + " (" + missing + ")");
                    }
                    checked.add(ref);
                }
            }
        } catch (RuntimeException e) {
            // a connection hiccup is not a finding; the next round reads again
        }
    }

    /** The tag's manifest is there and so is every blob it names. */
    private static boolean complete(RegistryClient dist, String ref) {
        return "".equals(missing(dist, ref));
    }

    /**
     * What of the tag's content the destination says it does not have: empty when the manifest
     * and every blob it names are there; the blobs a served manifest names that answer 404 (a
     * half-copied image) otherwise. {@code null} when the registry answered anything else (a 5xx
     * under load is no finding about the content, so the poller reads that tag again instead of
     * counting it either way).
     */
    private static String missing(RegistryClient dist, String ref) {
        int colon = ref.lastIndexOf(':');
        String repository = ref.substring(0, colon);
        RegistryClient.Response manifest =
                dist.get("/v2/" + repository + "/manifests/" + ref.substring(colon + 1), ACCEPT);
        if (manifest.status() != 200) {
            // Not a finding either way, including a 404: distribution writes a tag by creating its
            // directory (which the tag list shows at once) before the link file inside it, so a
            // poller under load can see a tag for a moment before it resolves. A tag that never
            // resolves fails the final check of every tag below.
            return null;
        }
        JsonNode m = manifest.json();
        List<String> digests = new ArrayList<>();
        digests.add(m.path("config").path("digest").asString());
        m.path("layers").forEach(l -> digests.add(l.path("digest").asString()));
        List<String> absent = new ArrayList<>();
        for (String digest : digests) {
            int status = dist.head("/v2/" + repository + "/blobs/" + digest).status();
            if (status == 404) {
                absent.add("blob " + digest + " 404");
            } else if (status != 200) {
                return null;
            }
        }
        return String.join(", ", absent);
    }
}
