package dev.berth.system;

import dev.berth.storage.BlobStatter;
import dev.berth.storage.Digest;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Whether the blob store answers: a stat of a digest no blob has must come back (absent) within a
 * few seconds, through whichever driver is configured.
 */
@Component
class StorageHealth {
    private static final Logger log = LoggerFactory.getLogger(StorageHealth.class);
    private static final int TIMEOUT_SECONDS = 3;
    private static final Digest PROBE = Digest.sha256("berth storage health probe".getBytes(StandardCharsets.UTF_8));

    private final BlobStatter blobs;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    StorageHealth(BlobStatter blobs) {
        this.blobs = blobs;
    }

    /** Empty when healthy, else what to tell a client (never paths or endpoints). */
    Optional<String> problem() {
        Future<?> check = checks.submit(() -> blobs.stat(PROBE));
        try {
            check.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            check.cancel(true);
            return Optional.of("the blob store did not answer in time");
        } catch (ExecutionException e) {
            log.warn(
                    "event=health_check_failed component=storage reason=\"{}\"",
                    e.getCause().toString());
            return Optional.of("the blob store cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("the health check was interrupted");
        }
    }

    @PreDestroy
    void stop() {
        checks.shutdownNow();
    }
}
