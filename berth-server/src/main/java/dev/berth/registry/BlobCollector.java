package dev.berth.registry;

import dev.berth.storage.BlobStore;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The registry's half of blob garbage collection: reviews one queued blob at a time under the
 * locks that pushes take, and deletes bytes only when no row records them.
 *
 * <p>Locking, in the order taken: the review entry ({@code FOR UPDATE SKIP LOCKED}, so parallel
 * workers never wait for each other), the digest's advisory lock (try only: an upload committing
 * this digest holds it shared, and the entry is then left for later), then the blob row and its
 * repository links {@code FOR UPDATE} with a short lock timeout. A manifest push holds
 * {@code FOR SHARE} on the blob and link rows it references until it commits, so either the push
 * commits first and the review sees its reference, or the review deletes first and the push finds
 * the blob unknown. Nothing is ever deleted while a reference to it is being written.
 */
@Service
public class BlobCollector {
    private static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '2s'";

    private final JdbcClient jdbc;
    private final BlobStore store;
    private final GcSettings settings;
    private final Clock clock;
    private final TransactionTemplate tx;

    BlobCollector(JdbcClient jdbc, BlobStore store, GcSettings settings, Clock clock, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.tx = tx;
    }

    /** What reviewing one queue entry did. */
    public enum Verdict {
        /** No entry is due (other than the skipped ones). */
        NONE_DUE,
        /** Unreferenced: the row and its links are deleted; the bytes are to be deleted next. */
        DELETED,
        /** The blob row was already gone; its bytes, if any, are to be deleted next. */
        ROW_GONE,
        /** A manifest references it: the entry is dropped (a later loss of reference queues it again). */
        KEPT,
        /**
         * Only a repository link younger than the upload grace (Harbor's time window) keeps it: due
         * again when the grace ends.
         */
        POSTPONED,
        /** Locked by a push or upload right now: left in the queue for a later pass. */
        BUSY
    }

    /** The outcome of one review; {@code size} is the blob's size when known, else 0. */
    public record Review(Verdict verdict, String digest, long size) {}

    /**
     * Reviews the oldest entry queued at or before {@code cutoff} (the run's start) and not in
     * {@code skip}, deleting the blob's row if nothing references it.
     */
    public Review reviewNext(Collection<String> skip, Instant cutoff) {
        String[] skipped = skip.toArray(String[]::new);
        AtomicReference<String> claimed = new AtomicReference<>("");
        try {
            return tx.execute(status -> {
                jdbc.sql(LOCK_TIMEOUT).update();
                Optional<String> entry = jdbc.sql("""
                                SELECT digest FROM gc_blob_review
                                WHERE due_at <= ? AND NOT (digest = ANY (?))
                                ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED
                                """)
                        .param(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                        .param(skipped)
                        .query(String.class)
                        .optional();
                if (entry.isEmpty()) {
                    return new Review(Verdict.NONE_DUE, "", 0);
                }
                String digest = entry.get();
                claimed.set(digest);
                if (!tryLockBytes(digest)) {
                    status.setRollbackOnly();
                    return new Review(Verdict.BUSY, digest, 0);
                }
                return review(digest);
            });
        } catch (PessimisticLockingFailureException e) {
            // Lock timeout or deadlock victim: a push holds the blob; the entry stays queued.
            return new Review(Verdict.BUSY, claimed.get(), 0);
        }
    }

    private Review review(String digest) {
        OptionalLong size = jdbc.sql("SELECT size FROM blob WHERE digest = ? FOR UPDATE")
                .param(digest)
                .query(Long.class)
                .optional()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
        if (size.isEmpty()) {
            dropEntry(digest);
            return new Review(Verdict.ROW_GONE, digest, 0);
        }
        boolean referenced = jdbc.sql("SELECT EXISTS (SELECT 1 FROM manifest_blob WHERE digest = ?)")
                .param(digest)
                .query(Boolean.class)
                .single();
        if (referenced) {
            dropEntry(digest);
            return new Review(Verdict.KEPT, digest, size.getAsLong());
        }
        List<Instant> links = jdbc.sql("SELECT created_at FROM repository_blob WHERE digest = ? FOR UPDATE")
                .param(digest)
                .query((rs, i) -> rs.getTimestamp(1).toInstant())
                .list();
        Instant youngest = links.stream().max(Instant::compareTo).orElse(Instant.EPOCH);
        Instant spareUntil = youngest.plus(settings.uploadGrace());
        if (spareUntil.isAfter(clock.instant())) {
            // A fresh upload or mount: the client may still push the manifest that references it.
            jdbc.sql("UPDATE gc_blob_review SET due_at = ? WHERE digest = ?")
                    .param(OffsetDateTime.ofInstant(spareUntil, ZoneOffset.UTC))
                    .param(digest)
                    .update();
            return new Review(Verdict.POSTPONED, digest, size.getAsLong());
        }
        jdbc.sql("DELETE FROM repository_blob WHERE digest = ?").param(digest).update();
        jdbc.sql("DELETE FROM blob WHERE digest = ?").param(digest).update();
        dropEntry(digest);
        return new Review(Verdict.DELETED, digest, size.getAsLong());
    }

    /** What deleting the bytes of a digest found. */
    public enum BytesVerdict {
        DELETED,
        /** A row records the blob (again): the bytes are in use and stay. */
        RECORDED,
        /** No bytes were there. */
        MISSING,
        /** Preview only: the bytes would be deleted. */
        WOULD_DELETE,
        /** A backup holds deletions ({@link DeletionHold}): the bytes stay for a later sweep. */
        HELD
    }

    public record BytesResult(BytesVerdict verdict, long size) {}

    /**
     * Deletes the digest's bytes if no row records it, under the digest's exclusive advisory lock,
     * which an upload holds shared from before it places bytes until its row is committed. Nothing is
     * deleted while a backup holds deletions ({@link DeletionHold}).
     *
     * @param dryRun only tell what would happen
     */
    public BytesResult deleteBytesUnlessRecorded(Digest digest, boolean dryRun) {
        return tx.execute(status -> {
            if (!dryRun) {
                if (!jdbc.sql(DeletionHold.tryShareSql()).query(Boolean.class).single()) {
                    return new BytesResult(BytesVerdict.HELD, 0);
                }
                jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")
                        .param(digest.toString())
                        .query((rs, i) -> 1)
                        .list();
            }
            if (recorded(digest)) {
                return new BytesResult(BytesVerdict.RECORDED, 0);
            }
            OptionalLong size = store.stat(digest);
            if (size.isEmpty()) {
                return new BytesResult(BytesVerdict.MISSING, 0);
            }
            if (dryRun) {
                return new BytesResult(BytesVerdict.WOULD_DELETE, size.getAsLong());
            }
            try {
                store.delete(digest);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new BytesResult(BytesVerdict.DELETED, size.getAsLong());
        });
    }

    /** Whether a blob row exists for the digest. */
    public boolean recorded(Digest digest) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM blob WHERE digest = ?)")
                .param(digest.toString())
                .query(Boolean.class)
                .single();
    }

    /** A blob row, for the check that every row has its bytes. */
    public record BlobRow(Digest digest, long size) {}

    /** Blob rows in digest order after {@code after}, {@code limit} at most. */
    public List<BlobRow> rowsAfter(String after, int limit) {
        return jdbc.sql("SELECT digest, size FROM blob WHERE digest > ? ORDER BY digest LIMIT ?")
                .param(after)
                .param(limit)
                .query((rs, i) -> new BlobRow(Digest.parse(rs.getString(1)).orElseThrow(), rs.getLong(2)))
                .list();
    }

    /** Whether the bytes of a blob are in the store. */
    public boolean hasBytes(Digest digest) {
        return store.stat(digest).isPresent();
    }

    /** A blob a dry run reviewed, with the verdict a real run would give: DELETED, KEPT or POSTPONED. */
    public record Previewed(Digest digest, long size, Verdict verdict) {}

    /**
     * A preview for dry runs, in one query: the blobs a real run started now would review (queued at
     * or before {@code cutoff}, and the blobs of {@code deletedManifests}, whose references count as
     * gone), each with the real run's verdict: KEPT when another manifest references it, POSTPONED
     * when a repository link is younger than the upload grace, DELETED otherwise.
     */
    public List<Previewed> preview(Collection<Long> deletedManifests, Instant cutoff) {
        Long[] gone = deletedManifests.toArray(Long[]::new);
        return jdbc.sql("""
                        SELECT b.digest, b.size,
                               CASE WHEN EXISTS (SELECT 1 FROM manifest_blob mb
                                                 WHERE mb.digest = b.digest AND NOT (mb.manifest_id = ANY (?::bigint[])))
                                    THEN 'KEPT'
                                    WHEN EXISTS (SELECT 1 FROM repository_blob rb
                                                 WHERE rb.digest = b.digest AND rb.created_at > ?)
                                    THEN 'POSTPONED'
                                    ELSE 'DELETED' END
                        FROM blob b
                        WHERE b.digest IN (SELECT digest FROM gc_blob_review WHERE due_at <= ?)
                           OR b.digest IN (SELECT digest FROM manifest_blob WHERE manifest_id = ANY (?::bigint[]))
                        ORDER BY b.digest
                        """)
                .param(gone)
                .param(Timestamp.from(clock.instant().minus(settings.uploadGrace())))
                .param(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                .param(gone)
                .query((rs, i) -> new Previewed(
                        Digest.parse(rs.getString(1)).orElseThrow(), rs.getLong(2), Verdict.valueOf(rs.getString(3))))
                .list();
    }

    /** Entries in the blob review queue, due or not. */
    public long queued() {
        return jdbc.sql("SELECT count(*) FROM gc_blob_review").query(Long.class).single();
    }

    private boolean tryLockBytes(String digest) {
        return jdbc.sql("SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0))")
                .param(digest)
                .query(Boolean.class)
                .single();
    }

    private void dropEntry(String digest) {
        jdbc.sql("DELETE FROM gc_blob_review WHERE digest = ?").param(digest).update();
    }
}
