package dev.berth.gc;

import static dev.berth.support.RegistryClient.OCI_CONFIG;
import static dev.berth.support.RegistryClient.OCI_LAYER;
import static dev.berth.support.RegistryClient.OCI_MANIFEST;
import static dev.berth.support.RegistryClient.descriptor;
import static dev.berth.support.RegistryClient.imageManifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.storage.BlobStore;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.S3TestServer;
import dev.berth.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * "Delete, then GC now" with the default settings (a 24 h review delay, Harbor's 2 h time window):
 * a manual run frees at once everything that lost its last reference before it started, keeps only
 * what was uploaded or pushed within the time window, and says what it kept and why. On the
 * filesystem and on S3, with an injected clock standing in for the two hours.
 */
class GcReclaimTest {
    private static final Duration WINDOW_PASSED = Duration.ofHours(2).plusMinutes(1);
    private static final Map<String, BerthServer> servers = new HashMap<>();
    private static final Map<String, TestDatabase> databases = new HashMap<>();

    static Stream<String> storages() {
        return Stream.of("filesystem", "s3");
    }

    private static synchronized BerthServer server(String storage) {
        return servers.computeIfAbsent(storage, s -> {
            TestDatabase db = TestDatabase.migrated();
            databases.put(s, db);
            Map<String, String> properties = new HashMap<>();
            if (s.equals("s3")) {
                S3TestServer s3 = S3TestServer.shared();
                properties.putAll(s3.berthProperties(s3.newBucket(), false));
                properties.put("berth.storage.s3.root-directory", "berth");
            }
            return BerthServer.withDatabase(db, properties, MutableClock.Config.class);
        });
    }

    @AfterAll
    static void stop() {
        servers.values().forEach(BerthServer::close);
        databases.values().forEach(TestDatabase::close);
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static void assertSameKept(JsonNode dry, JsonNode real) {
        for (String field : List.of(
                "kept_blobs_referenced",
                "kept_blobs_referenced_bytes",
                "kept_blobs_in_time_window",
                "kept_blobs_in_time_window_bytes",
                "kept_manifests_referenced",
                "kept_manifests_in_time_window")) {
            assertEquals(real.path(field).asLong(), dry.path(field).asLong(), field + ": dry " + dry + " real " + real);
        }
    }

    @ParameterizedTest
    @MethodSource("storages")
    void aManualRunFreesWhatWasDeletedAndKeepsOnlyTheTimeWindow(String storage) {
        BerthServer server = server(storage);
        MutableClock clock = server.bean(MutableClock.class);
        BlobStore store = server.bean(BlobStore.class);
        RegistryClient admin = server.adminClient();
        String project = "reclaim" + UUID.randomUUID().toString().substring(0, 8);
        server.ensureProject(project, false);
        String repo = project + "/app";

        byte[] shared = random(700);
        byte[] uniqueLayer = random(1500);
        RegistryClient.Image deleted = admin.pushImage(repo, "old", uniqueLayer, shared);
        RegistryClient.Image live = admin.pushImage(repo, "live", shared);
        RegistryClient.check(admin.delete("/v2/" + repo + "/manifests/" + deleted.manifest()), 202);
        // An untagged manifest pushed by digest, with its own blobs: an index may still be on its way.
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] untaggedLayer = random(900);
        Digest c = admin.pushBlob(repo, config);
        Digest l = admin.pushBlob(repo, untaggedLayer);
        byte[] untagged = imageManifest(
                descriptor(OCI_CONFIG, c, config.length),
                List.of(descriptor(OCI_LAYER, l, untaggedLayer.length)),
                null,
                null);
        Digest untaggedDigest = admin.pushManifest(repo, Digest.sha256(untagged).toString(), OCI_MANIFEST, untagged);

        // Right after the delete, everything is within Harbor's time window: nothing goes, and the log says why.
        JsonNode firstDryHistory = GcRuns.run(admin, true, true, 1);
        JsonNode firstDry = GcRuns.results(firstDryHistory);
        JsonNode first = GcRuns.results(GcRuns.run(admin, true, false, 2));
        // A dry run reports what the real run then keeps, and why, with the same counts and bytes.
        assertSameKept(firstDry, first);
        RegistryClient.Response dryLog =
                admin.get("/api/v2.0/system/gc/" + firstDryHistory.path("id").asLong() + "/log");
        assertTrue(dryLog.text().contains("within the 120-minute time window"), dryLog.text());
        assertEquals(0, first.path("purged_blobs").asLong(), first.toString());
        assertEquals(0, first.path("purged_manifests").asLong(), first.toString());
        assertEquals(1, first.path("kept_manifests_in_time_window").asLong(), first.toString());
        long deletedConfigSize = store.stat(deleted.config()).orElseThrow();
        long liveConfigSize = store.stat(live.config()).orElseThrow();
        // The deleted image's own config and layer were uploaded moments ago.
        assertEquals(2, first.path("kept_blobs_in_time_window").asLong(), first.toString());
        assertEquals(
                deletedConfigSize + uniqueLayer.length,
                first.path("kept_blobs_in_time_window_bytes").asLong(),
                first.toString());
        // The shared layer and the live config, and the untagged manifest's two blobs, are referenced.
        assertEquals(4, first.path("kept_blobs_referenced").asLong(), first.toString());
        assertEquals(
                shared.length + liveConfigSize + config.length + untaggedLayer.length,
                first.path("kept_blobs_referenced_bytes").asLong(),
                first.toString());
        assertEquals(120, first.path("time_window_minutes").asLong(), first.toString());
        assertTrue(store.stat(deleted.layers().getFirst()).isPresent());

        clock.advance(WINDOW_PASSED);
        // Uploaded after the window moved on: this one is within it and stays.
        byte[] fresh = random(333);
        Digest freshDigest = admin.pushBlob(repo, fresh);

        JsonNode dry = GcRuns.results(GcRuns.run(admin, true, true, 1));
        JsonNode doneHistory = GcRuns.run(admin, true, false, 3);
        JsonNode done = GcRuns.results(doneHistory);
        long expected = uniqueLayer.length + deletedConfigSize + untaggedLayer.length + config.length;
        assertEquals(expected, done.path("freed_space").asLong(), done.toString());
        assertEquals(4, done.path("purged_blobs").asLong(), done.toString());
        assertEquals(1, done.path("purged_manifests").asLong(), done.toString());
        assertEquals(1, done.path("kept_blobs_in_time_window").asLong(), done.toString());
        assertEquals(fresh.length, done.path("kept_blobs_in_time_window_bytes").asLong(), done.toString());
        assertEquals(dry.path("freed_space").asLong(), done.path("freed_space").asLong(), "dry run agrees: " + dry);
        assertSameKept(dry, done);
        assertEquals(
                dry.path("purged_blobs").asLong(), done.path("purged_blobs").asLong(), dry.toString());
        assertEquals(
                dry.path("purged_manifests").asLong(),
                done.path("purged_manifests").asLong(),
                dry.toString());

        for (Digest gone : List.of(deleted.layers().getFirst(), deleted.config(), l, c)) {
            assertFalse(store.stat(gone).isPresent(), "bytes freed: " + gone);
        }
        assertEquals(
                404,
                admin.get("/v2/" + repo + "/manifests/" + untaggedDigest, "Accept", OCI_MANIFEST)
                        .status());
        assertTrue(store.stat(freshDigest).isPresent(), "a blob in the time window stays");
        assertTrue(store.stat(live.config()).isPresent());
        assertTrue(store.stat(Digest.sha256(shared)).isPresent());
        RegistryClient.Response pulled = admin.get("/v2/" + repo + "/blobs/" + Digest.sha256(shared));
        assertEquals(200, pulled.status());

        RegistryClient.Response log =
                admin.get("/api/v2.0/system/gc/" + doneHistory.path("id").asLong() + "/log");
        assertTrue(log.text().contains("within the 120-minute time window"), log.text());

        clock.advance(WINDOW_PASSED);
        JsonNode later = GcRuns.results(GcRuns.run(admin, true, false, 1));
        assertEquals(fresh.length, later.path("freed_space").asLong(), later.toString());
        assertFalse(store.stat(freshDigest).isPresent());
        assertTrue(store.stat(Digest.sha256(shared)).isPresent());
    }
}
