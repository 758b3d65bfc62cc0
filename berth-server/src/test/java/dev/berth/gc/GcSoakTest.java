package dev.berth.gc;

import static dev.berth.support.RegistryClient.OCI_CONFIG;
import static dev.berth.support.RegistryClient.OCI_LAYER;
import static dev.berth.support.RegistryClient.OCI_MANIFEST;
import static dev.berth.support.RegistryClient.descriptor;
import static dev.berth.support.RegistryClient.imageManifest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Pushes, tag and manifest deletes and re-pushes of old layers by several clients while GC runs
 * back to back with no review delay. Afterwards every live image pulls with verified digests, and
 * nothing unreferenced is left in the database or in storage.
 */
class GcSoakTest {
    private static final Duration SOAK = Duration.ofSeconds(30);
    private static final int CLIENTS = 4;

    /** An image as a client pushed it: the manifest and every blob's bytes. */
    private record Image(Digest manifest, byte[] manifestBytes, Map<Digest, byte[]> blobs) {}

    /** Review delay zero, as the issue asks; uploads keep a short grace so pushes are not starved. */
    private static final String UPLOAD_GRACE = "3s";

    @Test
    void everyLiveImagePullsAndAllGarbageIsGone() throws Exception {
        try (BerthServer server = BerthServer.withExternalDatabase(
                Map.of("berth.gc.review-delay", "0s", "berth.gc.upload-grace", UPLOAD_GRACE))) {
            RegistryClient admin = server.adminClient();
            String project = "soak" + UUID.randomUUID().toString().substring(0, 8);
            server.ensureProject(project, false);
            List<byte[]> sharedLayers = new ArrayList<>();
            Random seed = new Random(42);
            for (int i = 0; i < 8; i++) {
                byte[] layer = new byte[2048 + i];
                seed.nextBytes(layer);
                sharedLayers.add(layer);
            }
            Instant end = Instant.now().plus(SOAK);
            AtomicBoolean pushing = new AtomicBoolean(true);
            AtomicInteger gcRuns = new AtomicInteger();
            AtomicInteger retries = new AtomicInteger();
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            Future<?> collector = pool.submit(() -> {
                int n = 0;
                while (pushing.get()) {
                    GcRuns.run(admin, n++ % 2 == 0, false, 1 + n % 4);
                    gcRuns.incrementAndGet();
                }
                return null;
            });
            List<Future<Map<String, Image>>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String repo = project + "/client" + c;
                long clientSeed = c;
                clients.add(pool.submit(() -> soak(admin, repo, sharedLayers, new Random(clientSeed), end, retries)));
            }
            Map<String, Image> live = new HashMap<>();
            for (int c = 0; c < CLIENTS; c++) {
                String repo = project + "/client" + c;
                clients.get(c).get().forEach((tag, image) -> live.put(repo + ":" + tag, image));
            }
            pushing.set(false);
            collector.get();
            pool.close();
            assertTrue(gcRuns.get() >= 3, "GC ran " + gcRuns.get() + " times during the soak");

            // Blobs uploaded in the last moments of the soak are still in their grace; let it pass.
            Thread.sleep(
                    java.time.Duration.parse("PT" + UPLOAD_GRACE.toUpperCase()).toMillis() + 500);
            // Two final runs: the first deletes untagged manifests and queues their blobs; both are due at once.
            GcRuns.run(admin, true, false, 4);
            GcRuns.run(admin, true, false, 4);

            for (Map.Entry<String, Image> e : live.entrySet()) {
                String repo = e.getKey().substring(0, e.getKey().lastIndexOf(':'));
                String tag = e.getKey().substring(e.getKey().lastIndexOf(':') + 1);
                RegistryClient.Response m = admin.get("/v2/" + repo + "/manifests/" + tag, "Accept", OCI_MANIFEST);
                assertEquals(200, m.status(), e.getKey());
                assertArrayEquals(e.getValue().manifestBytes(), m.body(), e.getKey());
                for (Map.Entry<Digest, byte[]> blob : e.getValue().blobs().entrySet()) {
                    RegistryClient.Response b = admin.get("/v2/" + repo + "/blobs/" + blob.getKey());
                    assertEquals(200, b.status(), e.getKey() + " " + blob.getKey());
                    assertEquals(blob.getKey(), Digest.sha256(b.body()), "bytes of " + blob.getKey());
                }
            }
            JdbcClient jdbc = server.bean(JdbcClient.class);
            assertEquals(
                    0L,
                    count(
                            jdbc,
                            "SELECT count(*) FROM manifest m WHERE NOT EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id)"));
            assertEquals(
                    0L,
                    count(
                            jdbc,
                            "SELECT count(*) FROM blob b WHERE NOT EXISTS (SELECT 1 FROM manifest_blob mb WHERE mb.digest = b.digest)"));
            Set<String> rows = new HashSet<>(
                    jdbc.sql("SELECT digest FROM blob").query(String.class).list());
            Set<String> files = new HashSet<>();
            try (Stream<Path> walk = Files.walk(server.dataDir().resolve("blobs"))) {
                walk.filter(Files::isRegularFile)
                        .forEach(p -> files.add(p.getParent().getParent().getFileName() + ":" + p.getFileName()));
            }
            assertEquals(rows, files, "storage holds exactly the referenced blobs");
            Set<String> expected = new HashSet<>();
            live.values().forEach(i -> i.blobs().keySet().forEach(d -> expected.add(d.toString())));
            assertEquals(expected, rows, "the database holds exactly the blobs of live images");
            System.out.println("soak: " + live.size() + " live images, " + gcRuns.get() + " GC runs, " + retries.get()
                    + " pushes retried after GC took a fresh blob");
        }
    }

    private static long count(JdbcClient jdbc, String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    /** One client's loop; returns its live tags. */
    private static Map<String, Image> soak(
            RegistryClient admin, String repo, List<byte[]> shared, Random random, Instant end, AtomicInteger retries) {
        Map<String, Image> live = new HashMap<>();
        List<Image> old = new ArrayList<>();
        int n = 0;
        while (Instant.now().isBefore(end)) {
            int action = random.nextInt(10);
            if (action < 6 || live.isEmpty()) {
                List<byte[]> layers = new ArrayList<>();
                layers.add(shared.get(random.nextInt(shared.size())));
                if (!old.isEmpty() && random.nextBoolean()) {
                    // re-push a layer of an image deleted before: GC may have taken it or not
                    Image gone = old.get(random.nextInt(old.size()));
                    gone.blobs().values().stream()
                            .filter(b -> b.length > 200)
                            .findFirst()
                            .ifPresent(layers::add);
                }
                byte[] unique = new byte[512];
                random.nextBytes(unique);
                layers.add(unique);
                String tag = "t" + (n++ % 12);
                Image previous = live.put(tag, push(admin, repo, tag, layers, retries));
                if (previous != null) {
                    old.add(previous);
                }
            } else if (action < 8) {
                String tag = live.keySet().iterator().next();
                RegistryClient.check(admin.delete("/v2/" + repo + "/manifests/" + tag), 202);
                old.add(live.remove(tag));
            } else {
                String tag = live.keySet().iterator().next();
                Image image = live.remove(tag);
                RegistryClient.check(admin.delete("/v2/" + repo + "/manifests/" + image.manifest()), 202);
                live.values().removeIf(i -> i.manifest().equals(image.manifest()));
                old.add(image);
            }
        }
        return live;
    }

    /**
     * Pushes an image as clients do (blobs the repository lacks, then the manifest). With no review
     * delay GC may take a blob between its upload and the manifest: the registry then refuses the
     * manifest (MANIFEST_BLOB_UNKNOWN) and the client pushes again.
     */
    private static Image push(
            RegistryClient admin, String repo, String tag, List<byte[]> layers, AtomicInteger retries) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"id\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        Map<Digest, byte[]> blobs = new HashMap<>();
        blobs.put(Digest.sha256(config), config);
        List<String> descriptors = new ArrayList<>();
        for (byte[] layer : layers) {
            Digest d = Digest.sha256(layer);
            if (blobs.put(d, layer) == null) {
                descriptors.add(descriptor(OCI_LAYER, d, layer.length));
            }
        }
        byte[] manifest =
                imageManifest(descriptor(OCI_CONFIG, Digest.sha256(config), config.length), descriptors, null, null);
        for (int attempt = 0; attempt < 20; attempt++) {
            for (Map.Entry<Digest, byte[]> blob : blobs.entrySet()) {
                if (admin.head("/v2/" + repo + "/blobs/" + blob.getKey()).status() != 200) {
                    admin.pushBlob(repo, blob.getValue());
                }
            }
            RegistryClient.Response r =
                    admin.send("PUT", "/v2/" + repo + "/manifests/" + tag, manifest, "Content-Type", OCI_MANIFEST);
            if (r.status() == 201) {
                return new Image(Digest.sha256(manifest), manifest, blobs);
            }
            assertEquals(400, r.status(), r.text());
            assertEquals("MANIFEST_BLOB_UNKNOWN", r.errorCode(), r.text());
            retries.incrementAndGet();
        }
        throw new AssertionError("could not push " + repo + ":" + tag + " in 20 attempts");
    }
}
