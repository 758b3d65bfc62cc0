package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.job.Execution;
import dev.berth.job.Executions;
import dev.berth.job.Schedules;
import dev.berth.job.TaskStatus;
import dev.berth.job.Trigger;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The stale upload purge: old sessions go with their bytes, fresh ones stay and still complete. */
class StaleUploadPurgeTest {
    private final BerthServer server = BerthServer.shared();
    private final RegistryClient admin = server.adminClient();

    @Test
    void purgesIdleSessionsWithTheirBytesAndKeepsFreshOnes() {
        String project = "purge" + UUID.randomUUID().toString().substring(0, 8);
        server.ensureProject(project, false);
        String repo = project + "/app";
        String stale = startUpload(repo);
        String fresh = startUpload(repo);
        UUID staleId = idOf(stale);
        UUID freshId = idOf(fresh);
        Path uploads = server.dataDir().resolve("uploads");
        assertThat(uploads.resolve(staleId.toString())).exists();
        // Nobody wrote to this one for eight days (the default purge age is seven).
        JdbcClient jdbc = server.bean(JdbcClient.class);
        jdbc.sql("UPDATE upload_session SET updated_at = now() - interval '8 days' WHERE id = ?")
                .param(staleId)
                .update();

        Executions executions = server.bean(Executions.class);
        long id = executions.run(StaleUploadPurge.NAME, -1, Trigger.MANUAL, Map.of(), Map.of());
        Execution done = awaitFinal(executions, id);
        assertThat(done.status()).isEqualTo(TaskStatus.SUCCESS);

        assertThat(count(jdbc, staleId)).isZero();
        assertThat(Files.exists(uploads.resolve(staleId.toString()))).isFalse();
        assertThat(admin.get(stale).status()).isEqualTo(404);
        assertThat(count(jdbc, freshId)).isEqualTo(1);
        assertThat(uploads.resolve(freshId.toString())).exists();
        long taskId = executions.tasks(id).getFirst().id();
        assertThat(executions.log(taskId).orElseThrow()).contains("purged ");

        // The fresh session is untouched: it still completes.
        byte[] content = "still here".getBytes(StandardCharsets.UTF_8);
        String digest = "sha256:" + sha256("some bytesstill here".getBytes(StandardCharsets.UTF_8));
        String location = fresh + (fresh.contains("?") ? "&" : "?") + "digest=" + digest;
        RegistryClient.Response put = admin.send("PUT", location, content, "Content-Type", "application/octet-stream");
        assertThat(put.status()).isEqualTo(201);
    }

    @Test
    void theDailyPurgeIsScheduled() {
        var schedule =
                server.bean(Schedules.class).get(StaleUploadPurge.NAME, -1).orElseThrow();
        assertThat(schedule.spec().cron()).isEqualTo("0 0 0 * * *");
        assertThat(schedule.nextFire()).isAfter(Instant.now());
    }

    private String startUpload(String repo) {
        RegistryClient.Response r = admin.send("POST", "/v2/" + repo + "/blobs/uploads/", new byte[0]);
        assertThat(r.status()).isEqualTo(202);
        String location = r.header("Location").orElseThrow();
        RegistryClient.Response patch = admin.send(
                "PATCH",
                location,
                "some bytes".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/octet-stream");
        assertThat(patch.status()).isEqualTo(202);
        return patch.header("Location").orElseThrow();
    }

    private static UUID idOf(String location) {
        String path = location.contains("?") ? location.substring(0, location.indexOf('?')) : location;
        return UUID.fromString(path.substring(path.lastIndexOf('/') + 1));
    }

    private static long count(JdbcClient jdbc, UUID id) {
        return jdbc.sql("SELECT count(*) FROM upload_session WHERE id = ?")
                .param(id)
                .query(Long.class)
                .single();
    }

    private static Execution awaitFinal(Executions executions, long id) {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            Execution e = executions.execution(id).orElseThrow();
            if (e.status().isFinal()) {
                return e;
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("execution did not finish: " + e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        }
    }

    private static String sha256(byte[] data) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
