package dev.berth.gc;

import static dev.berth.support.RegistryClient.OCI_CONFIG;
import static dev.berth.support.RegistryClient.OCI_INDEX;
import static dev.berth.support.RegistryClient.OCI_LAYER;
import static dev.berth.support.RegistryClient.OCI_MANIFEST;
import static dev.berth.support.RegistryClient.descriptor;
import static dev.berth.support.RegistryClient.imageManifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** GC through Harbor's API on a server with no review delay: what it deletes, what it keeps, who may run it. */
class GarbageCollectionTest {
    private static BerthServer server;
    private static RegistryClient admin;
    private static String project;

    @BeforeAll
    static void start() {
        server = BerthServer.withExternalDatabase(Map.of("berth.gc.review-delay", "0s", "berth.gc.upload-grace", "0s"));
        admin = server.adminClient();
        project = "gc" + UUID.randomUUID().toString().substring(0, 8);
        server.ensureProject(project, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static byte[] config() {
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** An image manifest pushed by digest, optionally with a subject; returns its digest and bytes. */
    private record Pushed(Digest digest, byte[] bytes, Digest layer) {}

    private Pushed pushByDigest(String repo, String subject) {
        byte[] config = config();
        byte[] layer = random(300);
        Digest c = admin.pushBlob(repo, config);
        Digest l = admin.pushBlob(repo, layer);
        byte[] manifest = imageManifest(
                descriptor(OCI_CONFIG, c, config.length),
                List.of(descriptor(OCI_LAYER, l, layer.length)),
                subject,
                null);
        Digest d = admin.pushManifest(repo, Digest.sha256(manifest).toString(), OCI_MANIFEST, manifest);
        return new Pushed(d, manifest, l);
    }

    private int manifestStatus(String repo, Digest digest) {
        return admin.get("/v2/" + repo + "/manifests/" + digest, "Accept", OCI_MANIFEST + "," + OCI_INDEX)
                .status();
    }

    private int blobStatus(String repo, Digest digest) {
        return admin.head("/v2/" + repo + "/blobs/" + digest).status();
    }

    @Test
    void deleteUntaggedCollectsWhatNothingKeepsAndKeepsTheRest() {
        String repo = project + "/untagged";
        RegistryClient.Image tagged = admin.pushImage(repo, "keep", random(200));
        Pushed untagged = pushByDigest(repo, null);
        RegistryClient.Image retagged = admin.pushImage(repo, "moving", random(200));
        admin.pushImage(repo, "moving", random(200)); // the tag moves: the first image is untagged
        RegistryClient.Image detagged = admin.pushImage(repo, "gone", random(200));
        assertEquals(202, admin.delete("/v2/" + repo + "/manifests/gone").status());

        String subjectOfTagged = descriptor(OCI_MANIFEST, tagged.manifest(), tagged.manifestBytes().length);
        Pushed liveAccessory = pushByDigest(repo, subjectOfTagged);
        String subjectOfDetagged = descriptor(OCI_MANIFEST, detagged.manifest(), detagged.manifestBytes().length);
        Pushed orphanAccessory = pushByDigest(repo, subjectOfDetagged);

        Pushed liveChild = pushByDigest(repo, null);
        byte[] liveIndex = RegistryClient.index(
                OCI_INDEX, List.of(descriptor(OCI_MANIFEST, liveChild.digest(), liveChild.bytes().length)));
        admin.pushManifest(repo, "idx", OCI_INDEX, liveIndex);
        Pushed deadChild = pushByDigest(repo, null);
        byte[] deadIndex = RegistryClient.index(
                OCI_INDEX, List.of(descriptor(OCI_MANIFEST, deadChild.digest(), deadChild.bytes().length)));
        Digest deadIndexDigest = admin.pushManifest(repo, "idx-old", OCI_INDEX, deadIndex);
        assertEquals(
                202,
                admin.delete("/v2/" + repo + "/manifests/" + deadIndexDigest).status());

        JsonNode done = GcRuns.run(admin, true, false, 2);
        JsonNode results = GcRuns.results(done);
        assertTrue(results.path("purged_manifests").asLong() >= 5, results.toString());
        assertTrue(results.path("freed_space").asLong() > 0, results.toString());

        assertEquals(200, manifestStatus(repo, tagged.manifest()));
        assertEquals(200, manifestStatus(repo, liveAccessory.digest()), "accessory of a live subject");
        assertEquals(200, manifestStatus(repo, liveChild.digest()), "child of a live index");
        assertEquals(
                200,
                admin.get("/v2/" + repo + "/manifests/idx", "Accept", OCI_INDEX).status());
        for (Digest layer : tagged.layers()) {
            assertEquals(200, blobStatus(repo, layer));
            assertTrue(GcRuns.hasFile(server.dataDir(), layer));
        }
        assertEquals(404, manifestStatus(repo, untagged.digest()), "pushed by digest, never tagged");
        assertEquals(404, manifestStatus(repo, retagged.manifest()), "its tag moved away");
        assertEquals(404, manifestStatus(repo, detagged.manifest()), "its tag was deleted");
        assertEquals(404, manifestStatus(repo, orphanAccessory.digest()), "accessory whose subject is gone");
        assertEquals(404, manifestStatus(repo, deadChild.digest()), "child of a deleted index");
        for (Digest gone : List.of(untagged.layer(), orphanAccessory.layer(), deadChild.layer())) {
            assertEquals(404, blobStatus(repo, gone));
            assertFalse(GcRuns.hasFile(server.dataDir(), gone), "bytes of " + gone);
        }
    }

    @Test
    void withoutDeleteUntaggedOnlyUnreferencedBlobsGo() {
        String repo = project + "/keepuntagged";
        Pushed untagged = pushByDigest(repo, null);
        Digest orphanUpload = admin.pushBlob(repo, random(500));
        GcRuns.run(admin, false, false, 1);
        assertEquals(200, manifestStatus(repo, untagged.digest()));
        assertEquals(200, blobStatus(repo, untagged.layer()));
        assertEquals(404, blobStatus(repo, orphanUpload), "an upload no manifest references");
        assertFalse(GcRuns.hasFile(server.dataDir(), orphanUpload));
    }

    @Test
    void whileABackupHoldsDeletionsRowsGoButBytesStayForTheNextSweep() throws Exception {
        String repo = project + "/held";
        Digest first = admin.pushBlob(repo, random(400));
        Digest second = admin.pushBlob(repo, random(400));
        try (java.sql.Connection backup =
                server.bean(javax.sql.DataSource.class).getConnection()) {
            dev.berth.registry.DeletionHold.acquire(backup);
            JsonNode held = GcRuns.results(GcRuns.run(admin, false, false, 2));
            assertEquals(404, blobStatus(repo, first), "the row is collected as usual");
            assertTrue(GcRuns.hasFile(server.dataDir(), first), "a backup may still be copying these bytes");
            assertTrue(GcRuns.hasFile(server.dataDir(), second));
            assertTrue(held.path("bytes_held_for_backup").asLong() >= 2, held.toString());
            dev.berth.registry.DeletionHold.release(backup);
        }
        JsonNode swept = GcRuns.results(GcRuns.run(admin, false, false, 1));
        assertFalse(GcRuns.hasFile(server.dataDir(), first));
        assertFalse(GcRuns.hasFile(server.dataDir(), second));
        assertTrue(swept.path("purged_orphan_files").asLong() >= 2, swept.toString());
    }

    /**
     * An upload that placed its bytes and never recorded them (a crash between the rename and the
     * commit, simulated by placing the file by hand) leaves its session; when the session ends
     * (here cancelled; the stale upload purge does the same) the digest is queued, and the next run
     * deletes the bytes without listing the store.
     */
    @Test
    void bytesOfAnUploadThatNeverRecordedThemAreFoundWithoutListingTheStore() throws Exception {
        fullSweepDone();
        String repo = project + "/crashed-upload";
        byte[] content = random(900);
        Digest digest = Digest.sha256(content);
        RegistryClient.Response started = admin.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertEquals(202, started.status(), started.text());
        String location = started.header("Location").orElseThrow();
        RegistryClient.Response patched =
                admin.send("PATCH", location, content, "Content-Type", "application/octet-stream");
        assertEquals(202, patched.status(), patched.text());
        // What the commit's rename does before a crash: the bytes at their content address, no row.
        Files.createDirectories(GcRuns.blobFile(server.dataDir(), digest).getParent());
        Files.write(GcRuns.blobFile(server.dataDir(), digest), content);
        assertEquals(
                204,
                admin.send("DELETE", patched.header("Location").orElseThrow(), null)
                        .status());

        JsonNode dry = GcRuns.results(GcRuns.run(admin, false, true, 1));
        assertTrue(GcRuns.hasFile(server.dataDir(), digest), "a dry run deletes nothing");
        assertTrue(dry.path("purged_orphan_files").asLong() >= 1, dry.toString());
        JsonNode results = GcRuns.results(GcRuns.run(admin, false, false, 1));
        assertFalse(results.path("full_sweep").asBoolean(), results.toString());
        assertFalse(GcRuns.hasFile(server.dataDir(), digest), "found through the ended session");
        assertTrue(results.path("purged_orphan_files").asLong() >= 1, results.toString());
        assertEquals(
                0L,
                server.bean(JdbcClient.class)
                        .sql("SELECT count(*) FROM gc_blob_review WHERE digest = ?")
                        .param(digest.toString())
                        .query(Long.class)
                        .single(),
                "the entry goes with the bytes");
    }

    @Test
    void dryRunReportsAndChangesNothing() {
        String repo = project + "/dry";
        Pushed untagged = pushByDigest(repo, null);
        Digest orphanUpload = admin.pushBlob(repo, random(700));
        JsonNode results = GcRuns.results(GcRuns.run(admin, true, true, 1));
        assertTrue(results.path("purged_manifests").asLong() >= 1, results.toString());
        assertTrue(results.path("purged_blobs").asLong() >= 3, results.toString());
        assertTrue(results.path("freed_space").asLong() >= 700, results.toString());
        assertEquals(200, manifestStatus(repo, untagged.digest()));
        assertEquals(200, blobStatus(repo, untagged.layer()));
        assertEquals(200, blobStatus(repo, orphanUpload));
        assertTrue(GcRuns.hasFile(server.dataDir(), orphanUpload));
        GcRuns.run(admin, true, false, 1);
        assertEquals(404, manifestStatus(repo, untagged.digest()));
        assertEquals(404, blobStatus(repo, orphanUpload));
    }

    @Test
    void bytesWithoutARowAreSweptAndRowsWithoutBytesReported() throws Exception {
        byte[] stray = random(64);
        Digest strayDigest = Digest.sha256(stray);
        Files.createDirectories(GcRuns.blobFile(server.dataDir(), strayDigest).getParent());
        Files.write(GcRuns.blobFile(server.dataDir(), strayDigest), stray);
        String repo = project + "/missing";
        RegistryClient.Image image = admin.pushImage(repo, "v1", random(100));
        Files.delete(GcRuns.blobFile(server.dataDir(), image.layers().get(0)));

        // A file nothing recorded (put there by hand): only a run that lists the store finds it.
        fullSweepDone();
        long incremental = GcRuns.start(admin, false, false, 1);
        JsonNode skipped = GcRuns.results(GcRuns.await(admin, incremental, Duration.ofSeconds(60)));
        assertFalse(skipped.path("full_sweep").asBoolean(), skipped.toString());
        assertTrue(GcRuns.hasFile(server.dataDir(), strayDigest), "an incremental run does not list the store");

        long id = GcRuns.start(admin, false, false, 1, true);
        JsonNode results = GcRuns.results(GcRuns.await(admin, id, Duration.ofSeconds(60)));
        assertTrue(results.path("full_sweep").asBoolean(), results.toString());
        assertFalse(GcRuns.hasFile(server.dataDir(), strayDigest));
        assertTrue(results.path("purged_orphan_files").asLong() >= 1, results.toString());
        assertTrue(results.path("blobs_missing_bytes").asLong() >= 1, results.toString());
        String log = admin.get("/api/v2.0/system/gc/" + id + "/log").text();
        assertTrue(log.contains(image.layers().get(0) + " has a row but no bytes"), log);
    }

    /** Makes sure the server's first run, which lists the whole store, is behind us. */
    private static void fullSweepDone() {
        GcRuns.run(admin, false, false, 1);
    }

    @Test
    void stopStopsARunningCollection() throws Exception {
        JdbcClient jdbc = server.bean(JdbcClient.class);
        List<Digest> garbage = new java.util.ArrayList<>();
        // Enough that the run is still busy when it is asked to stop: GC reviews blobs in batches
        // and gets through a few thousand a second, so the stop is sent once the first batches
        // are gone (not after a fixed pause, which a fast run outlived).
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = ("garbage-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
            Digest d = Digest.sha256(bytes);
            Files.createDirectories(GcRuns.blobFile(server.dataDir(), d).getParent());
            Files.write(GcRuns.blobFile(server.dataDir(), d), bytes);
            garbage.add(d);
        }
        String[] keys = garbage.stream().map(Digest::toString).toArray(String[]::new);
        jdbc.sql("INSERT INTO blob (digest, size) SELECT d, 44 FROM unnest(?::text[]) d")
                .param(keys)
                .update();
        jdbc.sql(
                        "INSERT INTO gc_blob_review (digest, review_after, reason) SELECT d, now(), 'test' FROM unnest(?::text[]) d")
                .param(keys)
                .update();

        long id = GcRuns.start(admin, false, false, 1);
        Eventually.await(
                () -> jdbc.sql("SELECT count(*) FROM blob WHERE digest = ANY (?::text[])")
                        .param(keys)
                        .query(Long.class)
                        .single(),
                left -> left < keys.length);
        assertEquals(200, admin.send("PUT", "/api/v2.0/system/gc/" + id, null).status());
        JsonNode done = GcRuns.await(admin, id, Duration.ofSeconds(30));
        assertEquals("Stopped", done.path("job_status").asString());
        long left = jdbc.sql("SELECT count(*) FROM blob WHERE digest = ANY (?::text[])")
                .param(keys)
                .query(Long.class)
                .single();
        assertTrue(left > 0, "a stopped run leaves work for the next one");

        GcRuns.run(admin, false, false, 4);
        assertEquals(
                0L,
                jdbc.sql("SELECT count(*) FROM blob WHERE digest = ANY (?::text[])")
                        .param(keys)
                        .query(Long.class)
                        .single());
        assertTrue(garbage.stream().noneMatch(d -> GcRuns.hasFile(server.dataDir(), d)));
    }

    @Test
    void historyScheduleAndLogThroughHarborsApi() {
        GcRuns.run(admin, false, false, 1);
        long id = GcRuns.run(admin, false, false, 1).path("id").asLong();
        RegistryClient.Response list = admin.get("/api/v2.0/system/gc?page=1&page_size=1");
        assertEquals(200, list.status());
        assertEquals(1, list.json().size());
        assertTrue(Long.parseLong(list.header("X-Total-Count").orElseThrow()) >= 1);
        assertTrue(list.header("Link").isPresent(), "more pages than one after several runs");
        assertEquals(
                "GARBAGE_COLLECTION",
                admin.get("/api/v2.0/system/gc/" + id).json().path("job_name").asString());
        assertEquals(
                "MANUAL",
                admin.get("/api/v2.0/system/gc/" + id).json().path("job_kind").asString());
        assertTrue(admin.get("/api/v2.0/system/gc/" + id + "/log").text().contains("garbage collection done"));
        assertEquals(404, admin.get("/api/v2.0/system/gc/999999999").status());
        assertEquals(400, admin.get("/api/v2.0/system/gc?q=password%3Dx").status());

        byte[] daily = "{\"schedule\":{\"type\":\"Daily\"},\"parameters\":{\"delete_untagged\":false,\"workers\":3}}"
                .getBytes(StandardCharsets.UTF_8);
        admin.send(
                "PUT",
                "/api/v2.0/system/gc/schedule",
                "{\"schedule\":{\"type\":\"None\"}}".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertEquals(
                201,
                admin.send("POST", "/api/v2.0/system/gc/schedule", daily, "Content-Type", "application/json")
                        .status());
        assertEquals(
                409,
                admin.send("POST", "/api/v2.0/system/gc/schedule", daily, "Content-Type", "application/json")
                        .status());
        JsonNode schedule = admin.get("/api/v2.0/system/gc/schedule").json();
        assertEquals("Daily", schedule.path("schedule").path("type").asString());
        assertEquals("0 0 0 * * *", schedule.path("schedule").path("cron").asString());
        // As Harbor answers it: a GCHistory whose job_parameters is the parameters as JSON text.
        assertEquals(
                3,
                RegistryClient.JSON
                        .readTree(schedule.path("job_parameters").asString())
                        .path("workers")
                        .asInt());
        byte[] tooMany =
                "{\"schedule\":{\"type\":\"Weekly\"},\"parameters\":{\"workers\":11}}".getBytes(StandardCharsets.UTF_8);
        assertEquals(
                400,
                admin.send("PUT", "/api/v2.0/system/gc/schedule", tooMany, "Content-Type", "application/json")
                        .status());
        byte[] none = "{\"schedule\":{\"type\":\"None\"}}".getBytes(StandardCharsets.UTF_8);
        assertEquals(
                200,
                admin.send("PUT", "/api/v2.0/system/gc/schedule", none, "Content-Type", "application/json")
                        .status());
        assertTrue(admin.get("/api/v2.0/system/gc/schedule")
                .json()
                .path("schedule")
                .isMissingNode());
    }

    @Test
    void onlySystemAdministratorsMayUseIt() {
        TestUsers.TestUser user = TestUsers.create(server, "gcuser");
        RegistryClient anonymous = server.anonymousClient();
        byte[] body = GcRuns.manual(false, true, 1);
        for (RegistryClient c : List.of(anonymous, user.client())) {
            int expected = c == anonymous ? 401 : 403;
            assertEquals(expected, c.get("/api/v2.0/system/gc").status());
            assertEquals(expected, c.get("/api/v2.0/system/gc/1").status());
            assertEquals(expected, c.get("/api/v2.0/system/gc/1/log").status());
            assertEquals(expected, c.send("PUT", "/api/v2.0/system/gc/1", null).status());
            assertEquals(expected, c.get("/api/v2.0/system/gc/schedule").status());
            assertEquals(
                    expected,
                    c.send("POST", "/api/v2.0/system/gc/schedule", body, "Content-Type", "application/json")
                            .status());
            assertEquals(
                    expected,
                    c.send("PUT", "/api/v2.0/system/gc/schedule", body, "Content-Type", "application/json")
                            .status());
        }
    }
}
