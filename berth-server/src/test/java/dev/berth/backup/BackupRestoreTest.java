package dev.berth.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthProcess;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import dev.berth.support.WebhookReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth backup} taken from a running Berth (embedded PostgreSQL) while pushes, deletions and
 * garbage collection go on; the source wiped; {@code berth restore} into a new external database and
 * a new data directory; a fresh Berth on them serves every image acknowledged before the backup
 * began, byte for byte, with its projects, users, members and robots, and every blob row has its bytes.
 */
class BackupRestoreTest {
    private static final List<String> EAGER_GC = List.of(
            "--berth.gc.review-delay=0s",
            "--berth.gc.upload-grace=0s",
            "--berth.outbound.allowed-networks=127.0.0.1/32");

    /** An image to find again: tag or digest reference, manifest digest, and the blobs it needs. */
    record Expected(String repository, String reference, Digest manifest, String mediaType, List<Digest> blobs) {}

    @Test
    void aBackupTakenUnderLoadRestoresIntoAFreshInstanceThatServesEverything() throws Exception {
        Path dir = Files.createTempDirectory("berth-backup-");
        Path source = dir.resolve("source");
        Path backup = dir.resolve("backup");
        Path target = dir.resolve("target");
        List<Expected> expected = new ArrayList<>();
        String user = TestUsers.uniqueName("keeper");
        JsonNode robot;
        try (TestDatabase db = TestDatabase.create();
                WebhookReceiver receiver = WebhookReceiver.start()) {
            try (BerthProcess berth =
                    BerthProcess.start(source, dir.resolve("tmp-source"), dir.resolve("source.log"), EAGER_GC)) {
                RegistryClient admin = berth.adminClient();
                project(admin, "pub", true);
                project(admin, "priv", false);
                RegistryClient.check(
                        admin.send("POST", "/api/v2.0/users", TestUsers.json(user), "Content-Type", "application/json"),
                        201);
                RegistryClient.check(
                        json(
                                admin,
                                "POST",
                                "/api/v2.0/projects/priv/members",
                                "{\"role_id\":2,\"member_user\":{\"username\":\"" + user + "\"}}"),
                        201);
                robot = TestAccounts.createRobot(
                        admin,
                        Map.of(
                                "name",
                                "puller",
                                "level",
                                "project",
                                "duration",
                                -1,
                                "permissions",
                                List.of(TestAccounts.permission("project", "priv", "repository:pull"))));
                // A webhook with an auth header: encrypted at rest under the instance's secret key.
                RegistryClient.check(
                        TestAccounts.postJson(
                                admin,
                                "/api/v2.0/projects/priv/webhook/policies",
                                Map.of(
                                        "name",
                                        "kept",
                                        "enabled",
                                        true,
                                        "event_types",
                                        List.of("PUSH_ARTIFACT"),
                                        "targets",
                                        List.of(Map.of(
                                                "type",
                                                "http",
                                                "address",
                                                receiver.url("/restored"),
                                                "auth_header",
                                                "Bearer kept-across-restore")))),
                        201);
                for (int i = 1; i <= 3; i++) {
                    expected.add(image(admin, "pub/app", "v" + i));
                }
                expected.add(multiArch(admin, "priv/multi", "latest"));
                expected.addAll(load(berth, source, backup, dir));
            }
            BerthProcess.stopPostgres(source);
            deleteRecursively(source); // the wipe: nothing of the source survives but the backup

            List<String> database = List.of(
                    "--spring.datasource.url=" + db.jdbcUrl(),
                    "--spring.datasource.username=" + db.user(),
                    "--berth.outbound.allowed-networks=127.0.0.1/32");
            List<String> restore = new ArrayList<>(List.of("restore", "--from", backup.toString()));
            restore.addAll(database);
            int restored = BerthProcess.runCommand(target, dir.resolve("restore.log"), restore);
            assertThat(restored)
                    .as(Files.readString(dir.resolve("restore.log")))
                    .isZero();
            // Restoring again into a database that is no longer empty is refused, and changes nothing.
            int again = BerthProcess.runCommand(target, dir.resolve("restore-again.log"), restore);
            assertThat(again).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("restore-again.log"))).contains("restore into a fresh instance");

            try (BerthProcess fresh =
                    BerthProcess.start(target, dir.resolve("tmp-target"), dir.resolve("target.log"), database)) {
                RegistryClient admin = fresh.adminClient();
                for (Expected e : expected) {
                    pullIntact(admin, e);
                }
                JsonNode pub = admin.get("/api/v2.0/projects/pub").json();
                assertThat(pub.path("metadata").path("public").asString()).isEqualTo("true");
                assertThat(admin.get("/api/v2.0/projects/priv")
                                .json()
                                .path("metadata")
                                .path("public")
                                .asString())
                        .isEqualTo("false");
                RegistryClient keeper = new RegistryClient(
                        fresh.baseUri(), Map.of("Authorization", BerthServer.basic(user, TestUsers.PASSWORD)));
                assertThat(keeper.get("/api/v2.0/users/current").status()).isEqualTo(200);
                assertThat(admin.get("/api/v2.0/projects/priv/members").text()).contains(user);
                RegistryClient bot = new RegistryClient(
                        fresh.baseUri(),
                        Map.of(
                                "Authorization",
                                BerthServer.basic(
                                        robot.path("name").asString(),
                                        robot.path("secret").asString())));
                assertThat(bot.get("/v2/priv/multi/manifests/latest", "Accept", RegistryClient.OCI_INDEX)
                                .status())
                        .isEqualTo(200);
                assertThat(bot.send("POST", "/v2/priv/multi/blobs/uploads/", null)
                                .status())
                        .isEqualTo(403);
                // The restored instance reads the webhook's auth header: the backup carried the key.
                image(admin, "priv/after-restore", "v1");
                WebhookReceiver.Received delivered =
                        receiver.await(r -> r.stream().anyMatch(x -> x.text().contains("priv/after-restore"))).stream()
                                .filter(x -> x.text().contains("priv/after-restore"))
                                .findFirst()
                                .orElseThrow();
                assertThat(delivered.header("Authorization")).isEqualTo("Bearer kept-across-restore");
                // Sequences continue past the restored rows: new projects, images and robots get fresh ids.
                project(admin, "afterwards", false);
                image(admin, "afterwards/app", "v1");
                // Every blob the restored database records has its bytes.
                JsonNode gc = gc(admin);
                assertThat(gc.path("blobs_missing_bytes").asLong())
                        .as(gc.toString())
                        .isZero();
                for (Expected e : expected) {
                    pullIntact(admin, e);
                }
            }
        } finally {
            BerthProcess.stopPostgres(source);
            deleteRecursively(dir);
        }
    }

    /**
     * Pushes, deletes and collects garbage while {@code berth backup} runs; returns the images that were
     * acknowledged before the backup started, which it must hold (later ones it may or may not).
     */
    private static List<Expected> load(BerthProcess berth, Path source, Path backup, Path dir) throws Exception {
        RegistryClient admin = berth.adminClient();
        ConcurrentLinkedQueue<Expected> pushed = new ConcurrentLinkedQueue<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger churned = new AtomicInteger();
        AtomicInteger collected = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();
        List<Expected> before;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> work = new ArrayList<>();
            // With no upload grace, the collector may take a blob between its upload and the manifest
            // that references it; that push is refused (MANIFEST_BLOB_UNKNOWN) and not acknowledged.
            work.add(pool.submit(() -> {
                for (int i = 0; running.get(); i++) {
                    try {
                        pushed.add(image(admin, "pub/live", "t" + i));
                    } catch (AssertionError refused) {
                        // not acknowledged: not expected back
                    }
                }
                return null;
            }));
            work.add(pool.submit(() -> {
                // Garbage for the collector: images pushed then deleted, their blobs unreferenced at once.
                while (running.get()) {
                    try {
                        Expected junk = image(admin, "pub/junk", null);
                        RegistryClient.check(admin.delete("/v2/pub/junk/manifests/" + junk.manifest()), 202);
                        churned.incrementAndGet();
                    } catch (AssertionError refused) {
                        // the collector was quicker
                    }
                }
                return null;
            }));
            work.add(pool.submit(() -> {
                while (running.get()) {
                    JsonNode result = gc(admin);
                    if (result.path("blobs_missing_bytes").asLong() != 0) {
                        failures.add("GC found rows without bytes: " + result);
                    }
                    held.addAndGet(result.path("bytes_held_for_backup").asLong());
                    collected.incrementAndGet();
                    Thread.sleep(200);
                }
                return null;
            }));
            try {
                Instant until = Instant.now().plusSeconds(90);
                while (churned.get() < 3 || collected.get() < 1 || pushed.size() < 3) {
                    assertThat(Instant.now()).as("load starts").isBefore(until);
                    Thread.sleep(50);
                }
                before = List.copyOf(pushed);
                int rc = BerthProcess.runCommand(
                        source, dir.resolve("backup.log"), List.of("backup", "--to", backup.toString()));
                assertThat(rc).as(Files.readString(dir.resolve("backup.log"))).isZero();
            } finally {
                running.set(false);
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        System.out.printf(
                "backup under load: %d images acknowledged before it, %d deleted, %d GC runs, %d blobs held%n",
                before.size(), churned.get(), collected.get(), held.get());
        assertThat(failures).isEmpty();
        return before;
    }

    private static JsonNode gc(RegistryClient admin) {
        Response start = json(
                admin,
                "POST",
                "/api/v2.0/system/gc/schedule",
                "{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"delete_untagged\":true,\"workers\":2}}");
        RegistryClient.check(start, 201);
        String location = start.header("Location").orElseThrow();
        Instant until = Instant.now().plus(Duration.ofSeconds(90));
        while (true) {
            JsonNode run = admin.get(location).json();
            String status = run.path("job_status").asString();
            if (status.equals("Success")) {
                return RegistryClient.JSON.readTree(run.path("job_parameters").asString());
            }
            assertThat(status).as(run.toString()).isIn("Pending", "Running");
            assertThat(Instant.now()).as("GC finishes").isBefore(until);
            sleep(100);
        }
    }

    private static void project(RegistryClient admin, String name, boolean isPublic) {
        RegistryClient.check(admin.createProject(name, isPublic), 201);
    }

    private static Response json(RegistryClient client, String method, String path, String body) {
        return client.send(method, path, body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    private static Expected image(RegistryClient admin, String repo, String tag) {
        byte[] layer = new byte[2000 + ThreadLocalRandom.current().nextInt(30_000)];
        ThreadLocalRandom.current().nextBytes(layer);
        RegistryClient.Image image = admin.pushImage(repo, tag, layer);
        List<Digest> blobs = new ArrayList<>(image.layers());
        blobs.add(image.config());
        return new Expected(
                repo,
                tag == null ? image.manifest().toString() : tag,
                image.manifest(),
                RegistryClient.OCI_MANIFEST,
                blobs);
    }

    /** An index of two platform images, tagged; its children are expected by digest too. */
    private static Expected multiArch(RegistryClient admin, String repo, String tag) {
        List<String> descriptors = new ArrayList<>();
        List<Expected> parts = new ArrayList<>();
        for (String arch : List.of("amd64", "arm64")) {
            Expected child = image(admin, repo, null);
            parts.add(child);
            long size = admin.get(
                            "/v2/" + repo + "/manifests/" + child.manifest(), "Accept", RegistryClient.OCI_MANIFEST)
                    .body()
                    .length;
            descriptors.add("{\"mediaType\":\"" + RegistryClient.OCI_MANIFEST + "\",\"digest\":\"" + child.manifest()
                    + "\",\"size\":" + size + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}");
        }
        byte[] index = RegistryClient.index(RegistryClient.OCI_INDEX, descriptors);
        Digest digest = admin.pushManifest(repo, tag, RegistryClient.OCI_INDEX, index);
        List<Digest> blobs = new ArrayList<>();
        parts.forEach(p -> blobs.addAll(p.blobs()));
        return new Expected(repo, tag, digest, RegistryClient.OCI_INDEX, blobs);
    }

    private static void pullIntact(RegistryClient client, Expected e) {
        Response m = client.get(
                "/v2/" + e.repository() + "/manifests/" + e.reference(),
                "Accept",
                RegistryClient.OCI_MANIFEST + "," + RegistryClient.OCI_INDEX);
        assertThat(m.status()).as(e.repository() + ":" + e.reference()).isEqualTo(200);
        assertThat(Digest.sha256(m.body())).isEqualTo(e.manifest());
        if (e.mediaType().equals(RegistryClient.OCI_INDEX)) {
            for (JsonNode child : m.json().path("manifests")) {
                Response c = client.get(
                        "/v2/" + e.repository() + "/manifests/"
                                + child.path("digest").asString(),
                        "Accept",
                        RegistryClient.OCI_MANIFEST);
                assertThat(c.status()).isEqualTo(200);
                assertThat(Digest.sha256(c.body()).toString())
                        .isEqualTo(child.path("digest").asString());
            }
        }
        for (Digest blob : e.blobs()) {
            Response b = client.get("/v2/" + e.repository() + "/blobs/" + blob);
            assertThat(b.status()).as(e.repository() + " blob " + blob).isEqualTo(200);
            assertThat(Digest.sha256(b.body())).isEqualTo(blob);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
