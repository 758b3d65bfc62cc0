package dev.berth.registry;

import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.Schedules;
import dev.berth.storage.BlobStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The job that removes upload sessions nobody wrote to for {@code berth.uploads.purge-after}
 * (default 7 days), rows and bytes, as distribution's upload purging does; scheduled daily.
 *
 * <p>It cannot race a live upload: a row is deleted only if its {@code updated_at} is still older
 * than the cutoff in the DELETE itself, and bytes are removed only after their row is gone, so a
 * chunk that lands meanwhile keeps its session. Idempotent: a rerun finds what is left.
 */
@Component
class StaleUploadPurge implements JobKind {
    static final String NAME = "PURGE_UPLOAD_SESSIONS";
    private static final int BATCH = 500;

    private final UploadSessionRecords sessions;
    private final BlobStore store;
    private final RunningHashes hashes;
    private final UploadSettings settings;
    private final Schedules schedules;
    private final Clock clock;

    StaleUploadPurge(
            UploadSessionRecords sessions,
            BlobStore store,
            RunningHashes hashes,
            UploadSettings settings,
            Schedules schedules,
            Clock clock) {
        this.sessions = sessions;
        this.store = store;
        this.hashes = hashes;
        this.settings = settings;
        this.schedules = schedules;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(6);
    }

    /** Keeps the stored schedule in line with {@code berth.uploads.purge-schedule} on every start. */
    @EventListener(ApplicationReadyEvent.class)
    void schedule() {
        schedules.keep(NAME, settings.purgeSchedule());
    }

    @Override
    public void run(JobContext context) throws IOException {
        Instant cutoff = clock.instant().minus(settings.purgeAfter());
        context.log("purging upload sessions idle since " + cutoff);
        long purged = 0;
        long failed = 0;
        List<UUID> batch;
        do {
            batch = sessions.idleSince(cutoff, BATCH);
            for (UUID id : batch) {
                context.checkStop();
                if (!sessions.deleteIfIdleSince(id, cutoff)) {
                    continue; // written to since it was listed, or purged by an earlier attempt
                }
                hashes.forget(id);
                try {
                    store.deleteUpload(id);
                    purged++;
                } catch (IOException e) {
                    // The row is gone, so no request can reach these bytes again; report them.
                    failed++;
                    context.log("could not delete the bytes of upload " + id + ": " + e);
                }
            }
        } while (batch.size() == BATCH);
        context.log("purged " + purged + " upload sessions" + (failed > 0 ? ", " + failed + " with bytes left" : ""));
        // What no session reaches any more: multipart uploads cut off mid-request, bytes of
        // sessions whose row went without them. Only what is older than the cutoff.
        int leftovers = store.removeLeftoversBefore(cutoff);
        context.log("removed " + leftovers + " upload leftovers from storage");
    }
}
