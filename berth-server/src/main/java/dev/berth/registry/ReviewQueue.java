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
 * never deadlock on each other; an upsert pushes {@code review_after} forward, never back.
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

    void blobs(Collection<String> digests, String reason) {
        if (digests.isEmpty()) {
            return;
        }
        String[] keys = digests.stream().distinct().sorted().toArray(String[]::new);
        jdbc.sql("""
                        INSERT INTO gc_blob_review (digest, review_after, reason)
                        SELECT d, ?, ? FROM unnest(?::text[]) AS d ORDER BY d
                        ON CONFLICT (digest) DO UPDATE
                        SET review_after = GREATEST(gc_blob_review.review_after, EXCLUDED.review_after),
                            reason = EXCLUDED.reason
                        """).param(reviewAfter()).param(reason).param(keys).update();
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
                        INSERT INTO gc_manifest_review (manifest_id, review_after, reason)
                        SELECT m.id, ?, ? FROM manifest m WHERE m.id = ANY (?::bigint[]) ORDER BY m.id
                        ON CONFLICT (manifest_id) DO UPDATE
                        SET review_after = GREATEST(gc_manifest_review.review_after, EXCLUDED.review_after),
                            reason = EXCLUDED.reason
                        """).param(reviewAfter()).param(reason).param(keys).update();
    }

    private OffsetDateTime reviewAfter() {
        return OffsetDateTime.ofInstant(clock.instant().plus(settings.reviewDelay()), ZoneOffset.UTC);
    }
}
