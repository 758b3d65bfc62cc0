package dev.berth.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.Closing;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A public repository whose 100 manifests each carry some 4 MB of annotations used to answer an
 * anonymous list with hundreds of megabytes, and a few parallel lists grew the heap by gigabytes.
 * Lists now carry each artifact's annotations and {@code extra_attrs} only up to {@link
 * ListedMetadata#MAX_BYTES}; the artifact's own endpoint still has them all. Twenty parallel
 * anonymous lists of all 100, three times over, must leave the heap (of this JVM, which runs the
 * server too) within {@link #HEAP_BOUND} of where it started; docs/artifacts.md gives the figure
 * measured.
 */
class ArtifactListMemoryTest {
    static final long MIB = 1024 * 1024;
    /** Peak heap growth allowed while the lists are served. */
    static final long HEAP_BOUND = 256 * MIB;

    private static final int ARTIFACTS = 100;
    private static final int ANNOTATION_BYTES = 4 * 1024 * 1024 - 2048;

    private static TestDatabase db;
    private static BerthServer server;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(db, Map.of());
    }

    @AfterAll
    static void stop() {
        Closing.all(server, db);
    }

    @Test
    void listsOfArtifactsWithHugeAnnotationsStayWithinABoundedHeap() throws Exception {
        RegistryClient admin = server.adminClient();
        String project = TestUsers.uniqueName("amp");
        server.ensureProject(project, true);
        String repo = project + "/app";
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
        String configDescriptor =
                RegistryClient.descriptor(RegistryClient.OCI_CONFIG, admin.pushBlob(repo, config), config.length);
        String layerDescriptor =
                RegistryClient.descriptor(RegistryClient.OCI_LAYER, admin.pushBlob(repo, layer), layer.length);
        Digest last = null;
        for (int i = 0; i < ARTIFACTS; i++) {
            byte[] manifest = hugeManifest(configDescriptor, layerDescriptor);
            assertThat(manifest.length).isGreaterThan(4_000_000).isLessThanOrEqualTo(4 * 1024 * 1024);
            last = admin.pushManifest(repo, "t" + i, RegistryClient.OCI_MANIFEST, manifest);
        }

        // The artifact's own endpoint has everything.
        RegistryClient anonymous = server.anonymousClient();
        JsonNode one = anonymous
                .get("/api/v2.0/projects/" + project + "/repositories/app/artifacts/" + last)
                .json();
        assertThat(one.path("annotations").path("org.example.pad").asString().length())
                .isEqualTo(ANNOTATION_BYTES);

        String list = "/api/v2.0/projects/" + project + "/repositories/app/artifacts?page_size=100&with_tag=true";
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                LockSupport.parkNanos(1_000_000); // a sample a millisecond, not a busy core
            }
        });
        long largest = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (int round = 0; round < 3; round++) {
                List<Future<RegistryClient.Response>> responses = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String[] gzip = i % 2 == 0 ? new String[] {"Accept-Encoding", "gzip"} : new String[0];
                    responses.add(pool.submit(() -> anonymous.get(list, gzip)));
                }
                for (Future<RegistryClient.Response> f : responses) {
                    RegistryClient.Response r = f.get();
                    RegistryClient.check(r, 200);
                    byte[] body = r.header("Content-Encoding").orElse("").equals("gzip")
                            ? RegistryClient.gunzip(r.body())
                            : r.body();
                    largest = Math.max(largest, body.length);
                    JsonNode page = RegistryClient.JSON.readTree(body);
                    assertThat(page.size()).isEqualTo(ARTIFACTS);
                    for (JsonNode artifact : page) {
                        assertThat(artifact.has("annotations")).isFalse();
                        assertThat(artifact.path("extra_attrs").path("os").asString())
                                .isEqualTo("linux");
                        assertThat(artifact.path("tags").size()).isEqualTo(1);
                    }
                }
            }
        } finally {
            sampling.set(false);
            sampler.join();
        }
        long growth = peak.get() - baseline;
        System.out.printf(
                "artifact list memory: peak heap growth %d MiB over a baseline of %d MiB; largest page %d bytes%n",
                growth / MIB, baseline / MIB, largest);
        assertThat(largest).isLessThan(ARTIFACTS * (2L * ListedMetadata.MAX_BYTES + 4096));
        assertThat(growth).as("peak heap growth, bytes").isLessThan(HEAP_BOUND);
        double cached = server.bean(MeterRegistry.class)
                .get("berth.artifact.page.cache.bytes")
                .gauge()
                .value();
        assertThat(cached).isLessThanOrEqualTo(64 * MIB);
    }

    /** A manifest of the two blobs whose one annotation fills it to nearly 4 MiB, unique each time. */
    private static byte[] hugeManifest(String config, String layer) {
        StringBuilder pad = new StringBuilder(ANNOTATION_BYTES).append(UUID.randomUUID());
        while (pad.length() < ANNOTATION_BYTES) {
            pad.append("annotation-");
        }
        pad.setLength(ANNOTATION_BYTES);
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST + "\",\"config\":" + config
                        + ",\"layers\":[" + layer + "],\"annotations\":{\"org.example.pad\":\"" + pad + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
