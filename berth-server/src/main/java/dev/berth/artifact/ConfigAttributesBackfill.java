package dev.berth.artifact;

import dev.berth.job.JobSettings;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Derives, in the background after start-up, the {@code config_attributes} rows that manifests
 * arrived without: manifests from before push-time derivation (an upgrade), bulk loads straight into
 * the database, pushes whose derivation was lost (queue full, shutdown). In batches of 100 manifest
 * ids in id order, logging progress every few seconds, until none is left.
 *
 * <p>Cheap when nothing is missing: {@code config_attributes_backfill} holds the manifest id up to
 * which every manifest was looked at, so a start only scans the manifests created since the last
 * one, by primary key. A config that cannot be derived (blob unreadable) is passed over, logged, and
 * left to the list's own derivation. One replica at a time: the run holds a PostgreSQL advisory
 * lock; a replica that finds it taken leaves the work to the holder. Runs on replicas with
 * {@code berth.jobs.enabled} (the worker role; the backup command turns it off).
 */
@Component
class ConfigAttributesBackfill {
    private static final Logger log = LoggerFactory.getLogger(ConfigAttributesBackfill.class);
    static final int BATCH = 100;
    /** The advisory lock a run holds, as SQL (tests take it to stand in for another replica). */
    static final String LOCK_KEY = "hashtextextended('berth:config-attributes-backfill', 0)";

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    /** Rows derived before the table's statistics are first refreshed. */
    private static final long ANALYZE_FIRST = 1000;

    private final ConfigAttributes stored;
    private final ArtifactContent content;
    private final DataSource dataSource;
    private final JobSettings jobs;
    private final Clock clock;
    private volatile Thread running;

    ConfigAttributesBackfill(
            ConfigAttributes stored, ArtifactContent content, DataSource dataSource, JobSettings jobs, Clock clock) {
        this.stored = stored;
        this.content = content;
        this.dataSource = dataSource;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** What a run did. */
    record Outcome(boolean ran, long derived, long failed, Duration took) {}

    @EventListener(ApplicationReadyEvent.class)
    void startInBackground() {
        if (jobs.enabled()) {
            running = Thread.ofVirtual()
                    .name("berth-config-attributes-backfill")
                    .start(() -> {
                        try {
                            run();
                        } catch (RuntimeException e) {
                            log.warn("event=config_attributes_backfill_failed reason=\"{}\"", e.toString());
                        }
                    });
        }
    }

    @PreDestroy
    void stop() {
        Thread t = running;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Derives every missing row; returns once none is left, or at once if another replica is at it. */
    Outcome run() {
        Instant start = clock.instant();
        long top = stored.lastManifestId();
        if (!stored.anyMissingAfter(stored.backfillMark())) {
            stored.advanceBackfillMark(top);
            return new Outcome(true, 0, 0, Duration.ZERO);
        }
        try (Connection lock = dataSource.getConnection()) {
            if (!tryLock(lock)) {
                log.info("event=config_attributes_backfill_skipped reason=\"another replica is running it\"");
                return new Outcome(false, 0, 0, Duration.ZERO);
            }
            try {
                return backfill(start, top);
            } finally {
                unlock(lock);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("advisory lock: " + e.getMessage(), e);
        }
    }

    /**
     * Walks the manifest ids from the mark up to {@code top} (the last id when the run started:
     * what is pushed meanwhile is derived at push time) in steps of {@link #BATCH} ids.
     */
    private Outcome backfill(Instant start, long top) {
        long remaining = stored.countMissing();
        log.info("event=config_attributes_backfill_started missing={}", remaining);
        long derived = 0;
        long failed = 0;
        long analyzedAt = 0;
        Instant lastProgress = start;
        for (long cursor = stored.backfillMark(); cursor < top; ) {
            if (Thread.currentThread().isInterrupted()) {
                log.info("event=config_attributes_backfill_interrupted derived={} remaining={}", derived, remaining);
                return new Outcome(true, derived, failed, Duration.between(start, clock.instant()));
            }
            long through = Math.min(cursor + BATCH, top);
            List<ConfigAttributes.Missing> batch = stored.missingBetween(cursor, through);
            cursor = through;
            if (batch.isEmpty()) {
                continue;
            }
            ArtifactContent.Derived result = content.deriveMissing(
                    batch.stream().map(ConfigAttributes.Missing::key).toList());
            derived += result.derived();
            failed += result.failed();
            remaining = Math.max(0, remaining - batch.size());
            stored.advanceBackfillMark(cursor);
            if (derived >= ANALYZE_FIRST && derived >= 2 * analyzedAt) {
                stored.analyze(); // each time the rows derived so far have doubled: a few times in all
                analyzedAt = derived;
            }
            Instant now = clock.instant();
            if (Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) >= 0) {
                lastProgress = now;
                log.info(
                        "event=config_attributes_backfill_progress derived={} failed={} remaining={}",
                        derived,
                        failed,
                        remaining);
            }
        }
        stored.advanceBackfillMark(top);
        Duration took = Duration.between(start, clock.instant());
        log.info(
                "event=config_attributes_backfill_done derived={} failed={} seconds={}",
                derived,
                failed,
                took.toMillis() / 1000.0);
        return new Outcome(true, derived, failed, took);
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")");
                ResultSet rs = s.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static void unlock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_unlock(" + LOCK_KEY + ")")) {
            s.executeQuery().close();
        }
    }
}
