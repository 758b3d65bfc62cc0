package dev.berth.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.storage.Digest;
import dev.berth.support.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Starting GC runs through the API and waiting for them, for the GC tests. */
final class GcRuns {
    static final Set<String> FINAL = Set.of("Success", "Error", "Stopped");

    private GcRuns() {}

    static byte[] manual(boolean deleteUntagged, boolean dryRun, int workers) {
        return manual(deleteUntagged, dryRun, workers, false);
    }

    static byte[] manual(boolean deleteUntagged, boolean dryRun, int workers, boolean fullSweep) {
        return ("{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"delete_untagged\":" + deleteUntagged
                        + ",\"dry_run\":" + dryRun + ",\"workers\":" + workers
                        + (fullSweep ? ",\"full_sweep\":true" : "") + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Starts a run; returns its id. */
    static long start(RegistryClient admin, boolean deleteUntagged, boolean dryRun, int workers) {
        return start(admin, deleteUntagged, dryRun, workers, false);
    }

    /** Starts a run, listing the whole store if {@code fullSweep}; returns its id. */
    static long start(RegistryClient admin, boolean deleteUntagged, boolean dryRun, int workers, boolean fullSweep) {
        RegistryClient.Response r = admin.send(
                "POST",
                "/api/v2.0/system/gc/schedule",
                manual(deleteUntagged, dryRun, workers, fullSweep),
                "Content-Type",
                "application/json");
        assertEquals(201, r.status(), r.text());
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    /** Waits for the run to end and returns its GCHistory. */
    static JsonNode await(RegistryClient admin, long id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            RegistryClient.Response r = admin.get("/api/v2.0/system/gc/" + id);
            assertEquals(200, r.status(), r.text());
            if (FINAL.contains(r.json().path("job_status").asString())) {
                return r.json();
            }
            sleep(100);
        }
        throw new AssertionError("GC run " + id + " did not finish within " + timeout);
    }

    static JsonNode run(RegistryClient admin, boolean deleteUntagged, boolean dryRun, int workers) {
        JsonNode done = await(admin, start(admin, deleteUntagged, dryRun, workers), Duration.ofSeconds(60));
        assertEquals("Success", done.path("job_status").asString(), done.toString());
        return done;
    }

    /** The run's results, parsed from Harbor's {@code job_parameters} string. */
    static JsonNode results(JsonNode history) {
        return RegistryClient.JSON.readTree(history.path("job_parameters").asString());
    }

    static Path blobFile(Path dataDir, Digest digest) {
        return dataDir.resolve("blobs")
                .resolve(digest.algorithm().prefix())
                .resolve(digest.hex().substring(0, 2))
                .resolve(digest.hex());
    }

    static boolean hasFile(Path dataDir, Digest digest) {
        return Files.exists(blobFile(dataDir, digest));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
