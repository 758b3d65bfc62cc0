package dev.berth.registry;

import dev.berth.storage.Digest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Writes the garbage-collection review queues ({@code gc_blob_review}, {@code gc_manifest_review}).
 * Called inside the transaction that drops a reference, so an entry exists exactly when a
 * reference may have disappeared. Entries are written in key order so that concurrent writers
 * never deadlock on each other. {@code due_at} is set to now on every upsert (the latest loss of a
 * reference); a GC run reviews the entries due before it started ({@link BlobCollector}).
 */
@Repository
class ReviewQueue {
    private final JdbcClient jdbc;
    private final GcSettings settings;
    private final Clock clock;

    ReviewQueue(JdbcClient jdbc, GcSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Queues blobs from rows of {@code (digest, review_after, due_at, reason)}: the text after
     * {@code INSERT INTO gc_blob_review (digest, review_after, due_at, reason)} and the rows.
     */
    static final String BLOB_UPSERT = """
            ON CONFLICT (digest) DO UPDATE
            SET review_after = GREATEST(gc_blob_review.review_after, EXCLUDED.review_after),
                due_at = EXCLUDED.due_at,
                reason = EXCLUDED.reason
            """;

    /** When an entry queued now is to be reviewed, and why: for a statement that queues one itself. */
    record Entry(OffsetDateTime reviewAfter, OffsetDateTime due, String reason) {}

    Entry entry(String reason) {
        return new Entry(reviewAfter(), now(), reason);
    }

    void blobs(Collection<String> digests, String reason) {
        if (digests.isEmpty()) {
            return;
        }
        String[] keys = digests.stream().distinct().sorted().toArray(String[]::new);
        jdbc.sql("""
                        INSERT INTO gc_blob_review (digest, review_after, due_at, reason)
                        SELECT d, ?, ?, ? FROM unnest(?::text[]) AS d ORDER BY d
                        """ + BLOB_UPSERT)
                .param(reviewAfter())
                .param(now())
                .param(reason)
                .param(keys)
                .update();
    }

    void blob(Digest digest, String reason) {
        blobs(java.util.List.of(digest.toString()), reason);
    }

    void manifests(Collection<Long> ids, String reason) {
        if (ids.isEmpty()) {
            return;
        }
        Long[] keys = ids.stream().distinct().sorted().toArray(Long[]::new);
        jdbc.sql("""
                        INSERT INTO gc_manifest_review (manifest_id, review_after, due_at, reason)
                        SELECT m.id, ?, ?, ? FROM manifest m WHERE m.id = ANY (?::bigint[]) ORDER BY m.id
                        ON CONFLICT (manifest_id) DO UPDATE
                        SET review_after = GREATEST(gc_manifest_review.review_after, EXCLUDED.review_after),
                            due_at = EXCLUDED.due_at,
                            reason = EXCLUDED.reason
                        """)
                .param(reviewAfter())
                .param(now())
                .param(reason)
                .param(keys)
                .update();
    }

    /** When the reference disappeared: a GC run started after this moment reviews the entry. */
    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private OffsetDateTime reviewAfter() {
        return OffsetDateTime.ofInstant(clock.instant().plus(settings.reviewDelay()), ZoneOffset.UTC);
    }
}
