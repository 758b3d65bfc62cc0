package dev.berth.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.storage.Digest;
import dev.berth.support.BerthProcess;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A GC run whose process is killed (SIGKILL) half way is run again by the restarted process once
 * its lease expires, and completes: all garbage goes, live images stay whole.
 */
class GcKillTest {
    private static final int GARBAGE = 3000;

    @Test
    void aKilledRunIsPickedUpAfterRestartAndCompletes() throws Exception {
        Path dir = Files.createTempDirectory("berth-gc-kill-");
        Path data = dir.resolve("data");
        try (TestDatabase db = TestDatabase.create()) {
            List<String> args = List.of(
                    "--spring.datasource.url=" + db.jdbcUrl(),
                    "--spring.datasource.username=" + db.user(),
                    "--berth.gc.review-delay=0s",
                    "--berth.gc.upload-grace=0s",
                    "--berth.jobs.lease=4s");
            RegistryClient.Image image;
            String repo;
            long execution;
            try (BerthProcess first = BerthProcess.start(data, dir.resolve("tmp1"), dir.resolve("first.log"), args)) {
                RegistryClient admin = first.adminClient();
                String project = "kill" + UUID.randomUUID().toString().substring(0, 8);
                RegistryClient.check(admin.createProject(project, false), 201);
                byte[] layer = new byte[4096];
                ThreadLocalRandom.current().nextBytes(layer);
                repo = project + "/app";
                image = admin.pushImage(repo, "v1", layer);
                List<String> garbage = plantGarbage(db, data);
                execution = GcRuns.start(admin, false, false, 1);
                awaitDeleted(db, garbage, 200);
                first.kill();
                long left = count(db, "SELECT count(*) FROM blob WHERE digest LIKE 'sha256:%' AND size = 44");
                assertTrue(left > 0, "the kill came before the run finished");
                assertEquals("Running", status(db, execution));
            }
            try (BerthProcess second = BerthProcess.start(data, dir.resolve("tmp2"), dir.resolve("second.log"), args)) {
                RegistryClient admin = second.adminClient();
                var done = GcRuns.await(admin, execution, Duration.ofSeconds(120));
                assertEquals("Success", done.path("job_status").asString(), done.toString());
                assertEquals(2L, count(db, "SELECT run_count FROM job_task WHERE execution_id = " + execution));
                assertEquals(0L, count(db, "SELECT count(*) FROM blob WHERE size = 44"));
                try (var files = Files.walk(data.resolve("blobs"))) {
                    assertEquals(
                            0L,
                            files.filter(Files::isRegularFile)
                                    .filter(p -> {
                                        try {
                                            return Files.size(p) == 44;
                                        } catch (java.io.IOException e) {
                                            return false;
                                        }
                                    })
                                    .count());
                }
                RegistryClient.Response m =
                        admin.get("/v2/" + repo + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
                assertEquals(200, m.status());
                for (Digest d : List.of(image.config(), image.layers().get(0))) {
                    RegistryClient.Response b = admin.get("/v2/" + repo + "/blobs/" + d);
                    assertEquals(200, b.status());
                    assertEquals(d, Digest.sha256(b.body()));
                }
            }
        } finally {
            BerthProcess.stopPostgres(data);
        }
    }

    /** Unreferenced blobs straight into storage and the database, queued for review: 44 bytes each. */
    private static List<String> plantGarbage(TestDatabase db, Path data) throws Exception {
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < GARBAGE; i++) {
            byte[] bytes = String.format("garbage-%036d", i).getBytes(StandardCharsets.UTF_8);
            Digest d = Digest.sha256(bytes);
            Path file = GcRuns.blobFile(data, d);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            digests.add(d.toString());
        }
        try (Connection c = connect(db)) {
            String[] keys = digests.toArray(String[]::new);
            try (PreparedStatement s =
                    c.prepareStatement("INSERT INTO blob (digest, size) SELECT d, 44 FROM unnest(?::text[]) d")) {
                s.setArray(1, c.createArrayOf("text", keys));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO gc_blob_review (digest, review_after, reason) SELECT d, now(), 't' FROM unnest(?::text[]) d")) {
                s.setArray(1, c.createArrayOf("text", keys));
                s.executeUpdate();
            }
        }
        return digests;
    }

    private static void awaitDeleted(TestDatabase db, List<String> garbage, int atLeast) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (GARBAGE - count(db, "SELECT count(*) FROM blob WHERE size = 44") >= atLeast) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("GC did not start deleting");
    }

    private static Connection connect(TestDatabase db) throws Exception {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
    }

    private static long count(TestDatabase db, String sql) throws Exception {
        try (Connection c = connect(db);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String status(TestDatabase db, long execution) throws Exception {
        try (Connection c = connect(db);
                ResultSet rs =
                        c.createStatement().executeQuery("SELECT status FROM job_execution WHERE id = " + execution)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
