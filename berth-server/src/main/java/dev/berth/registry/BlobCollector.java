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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
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
     * Reviews up to {@code limit} of the oldest entries queued at or before {@code cutoff} (the run's
     * start) and not in {@code skip}, in one transaction, deleting the rows of the blobs nothing
     * references; empty when none is due. A batch takes the same locks, in the same order, as a
     * review of one entry would, but only the locks it can have at once ({@code SKIP LOCKED}): a blob
     * a push holds is {@link Verdict#BUSY}, the rest of the batch goes on. A handful of statements
     * serve the whole batch, where one entry at a time took ten and a commit each.
     */
    public List<Review> reviewBatch(Collection<String> skip, Instant cutoff, int limit) {
        String[] skipped = skip.toArray(String[]::new);
        List<String> claimed = new ArrayList<>();
        try {
            return tx.execute(status -> {
                jdbc.sql(LOCK_TIMEOUT).update();
                // The entries first (SKIP LOCKED: parallel workers never wait for each other), then
                // each digest's advisory lock, tried only: an upload committing it holds it shared.
                Map<String, Boolean> entries = new TreeMap<>();
                jdbc.sql("""
                                WITH claimed AS MATERIALIZED (
                                    SELECT digest FROM gc_blob_review
                                    WHERE due_at <= ? AND NOT (digest = ANY (?))
                                    ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)
                                SELECT digest, pg_try_advisory_xact_lock(hashtextextended(digest, 0))
                                FROM (SELECT digest FROM claimed ORDER BY digest) c
                                """)
                        .param(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                        .param(skipped)
                        .param(limit)
                        .query(rs -> {
                            entries.put(rs.getString(1), rs.getBoolean(2));
                        });
                claimed.addAll(entries.keySet());
                List<Review> reviews = new ArrayList<>();
                List<String> locked = new ArrayList<>();
                entries.forEach((digest, got) -> {
                    if (got) {
                        locked.add(digest);
                    } else {
                        reviews.add(new Review(Verdict.BUSY, digest, 0));
                    }
                });
                reviews.addAll(review(locked, cutoff));
                return reviews;
            });
        } catch (PessimisticLockingFailureException e) {
            // Lock timeout or deadlock victim: a push holds a blob; the entries stay queued.
            return claimed.stream().map(d -> new Review(Verdict.BUSY, d, 0)).toList();
        }
    }

    /** Reviews the digests whose entries and advisory locks this transaction holds. */
    private List<Review> review(List<String> digests, Instant cutoff) {
        List<Review> reviews = new ArrayList<>();
        if (digests.isEmpty()) {
            return reviews;
        }
        String[] keys = digests.toArray(String[]::new);
        // The blob rows FOR UPDATE, those a push holds (FOR SHARE) skipped and told apart from rows
        // that are gone by a plain read.
        Map<String, Long> sizes = new HashMap<>();
        List<String> gone = new ArrayList<>();
        jdbc.sql("""
                        WITH locked AS MATERIALIZED (
                            SELECT digest, size FROM blob WHERE digest = ANY (?) ORDER BY digest FOR UPDATE SKIP LOCKED)
                        SELECT d, l.size, l.digest IS NULL AND EXISTS (SELECT 1 FROM blob b WHERE b.digest = d)
                        FROM unnest(?::text[]) AS d LEFT JOIN locked l ON l.digest = d
                        """).param(keys).param(keys).query(rs -> {
            String digest = rs.getString(1);
            if (rs.getBoolean(3)) {
                reviews.add(new Review(Verdict.BUSY, digest, 0));
            } else if (rs.getObject(2) == null) {
                gone.add(digest);
                reviews.add(new Review(Verdict.ROW_GONE, digest, 0));
            } else {
                sizes.put(digest, rs.getLong(2));
            }
        });
        String[] rows = sizes.keySet().stream().sorted().toArray(String[]::new);
        Set<String> referenced =
                new HashSet<>(jdbc.sql("SELECT DISTINCT digest FROM manifest_blob WHERE digest = ANY (?)")
                        .param(rows)
                        .query(String.class)
                        .list());
        // The links FOR UPDATE as well; a blob with a link someone else holds is left for later.
        Map<String, Instant> youngest = new HashMap<>();
        Set<String> linkBusy = new HashSet<>();
        jdbc.sql("""
                        WITH locked AS MATERIALIZED (
                            SELECT digest, created_at FROM repository_blob WHERE digest = ANY (?)
                            ORDER BY digest, repository_id FOR UPDATE SKIP LOCKED)
                        SELECT d, (SELECT max(created_at) FROM locked l WHERE l.digest = d),
                               (SELECT count(*) FROM locked l WHERE l.digest = d)
                                   < (SELECT count(*) FROM repository_blob rb WHERE rb.digest = d)
                        FROM unnest(?::text[]) AS d
                        """).param(rows).param(rows).query(rs -> {
            Timestamp created = rs.getTimestamp(2);
            if (created != null) {
                youngest.put(rs.getString(1), created.toInstant());
            }
            if (rs.getBoolean(3)) {
                linkBusy.add(rs.getString(1));
            }
        });
        Instant now = clock.instant();
        List<String> drop = new ArrayList<>();
        List<String> delete = new ArrayList<>();
        List<String> postponed = new ArrayList<>();
        List<String> postponedUntil = new ArrayList<>(); // ISO-8601 instants: the driver binds text arrays
        for (String digest : rows) {
            long size = sizes.get(digest);
            if (referenced.contains(digest)) {
                drop.add(digest);
                reviews.add(new Review(Verdict.KEPT, digest, size));
                continue;
            }
            if (linkBusy.contains(digest)) {
                reviews.add(new Review(Verdict.BUSY, digest, 0));
                continue;
            }
            Instant spareUntil = youngest.getOrDefault(digest, Instant.EPOCH).plus(settings.uploadGrace());
            if (spareUntil.isAfter(now)) {
                // A fresh upload or mount: the client may still push the manifest that references it.
                postponed.add(digest);
                postponedUntil.add(spareUntil.toString());
                reviews.add(new Review(Verdict.POSTPONED, digest, size));
                continue;
            }
            delete.add(digest);
            reviews.add(new Review(Verdict.DELETED, digest, size));
        }
        if (!postponed.isEmpty()) {
            jdbc.sql("""
                            UPDATE gc_blob_review r SET due_at = v.due::timestamptz
                            FROM unnest(?::text[], ?::text[]) AS v (digest, due)
                            WHERE r.digest = v.digest
                            """)
                    .param(postponed.toArray(String[]::new))
                    .param(postponedUntil.toArray(String[]::new))
                    .update();
        }
        if (!drop.isEmpty() || !delete.isEmpty() || !gone.isEmpty()) {
            // Links, rows and entries in one statement (foreign keys are checked at its end). The
            // entry of a blob whose bytes are still to go stays, due just after this run's cutoff,
            // until the bytes are gone: a crash in between leaves it for the next run, which finds
            // the row gone and deletes the bytes, so no run has to list the store to find them.
            List<String> bytesNext = new ArrayList<>(delete);
            bytesNext.addAll(gone);
            jdbc.sql("""
                            WITH links AS (DELETE FROM repository_blob WHERE digest = ANY (?)),
                            rows AS (DELETE FROM blob WHERE digest = ANY (?)),
                            bytes_next AS (
                                UPDATE gc_blob_review SET due_at = ?, reason = 'bytes' WHERE digest = ANY (?))
                            DELETE FROM gc_blob_review WHERE digest = ANY (?)
                            """)
                    .param(delete.toArray(String[]::new))
                    .param(delete.toArray(String[]::new))
                    .param(OffsetDateTime.ofInstant(cutoff.plusNanos(1000), ZoneOffset.UTC))
                    .param(bytesNext.toArray(String[]::new))
                    .param(drop.toArray(String[]::new))
                    .update();
        }
        return reviews;
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
        return deleteBytesUnlessRecorded(List.of(digest), dryRun).get(digest);
    }

    /**
     * {@link #deleteBytesUnlessRecorded(Digest, boolean)} for many digests in one transaction: the
     * advisory locks taken in digest order (so batches never deadlock with each other), one query
     * for the rows, then the files.
     */
    public Map<Digest, BytesResult> deleteBytesUnlessRecorded(Collection<Digest> digests, boolean dryRun) {
        String[] keys =
                digests.stream().map(Digest::toString).distinct().sorted().toArray(String[]::new);
        return tx.execute(status -> {
            Map<Digest, BytesResult> results = new LinkedHashMap<>();
            if (!dryRun) {
                if (!jdbc.sql(DeletionHold.tryShareSql()).query(Boolean.class).single()) {
                    digests.forEach(d -> results.put(d, new BytesResult(BytesVerdict.HELD, 0)));
                    return results;
                }
                jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(d, 0)) FROM unnest(?::text[]) AS d")
                        .param(keys)
                        .query((rs, i) -> 1)
                        .list();
            }
            Set<String> recorded = new HashSet<>(jdbc.sql("SELECT digest FROM blob WHERE digest = ANY (?)")
                    .param(keys)
                    .query(String.class)
                    .list());
            List<Digest> doomed = new ArrayList<>();
            Map<Digest, OptionalLong> sizes = store.statAll(digests.stream()
                    .filter(d -> !recorded.contains(d.toString()))
                    .distinct()
                    .toList());
            for (Digest digest : digests) {
                BytesResult result = verdict(sizes.get(digest), dryRun);
                results.put(digest, result);
                if (result.verdict() == BytesVerdict.DELETED) {
                    doomed.add(digest);
                }
            }
            if (dryRun) {
                return results;
            }
            try {
                store.deleteAll(doomed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Their bytes are gone (or were never there): the entries that kept them in view go,
            // unless a row records the digest again (its entry is the new upload's).
            String[] done = results.entrySet().stream()
                    .filter(e -> e.getValue().verdict() == BytesVerdict.DELETED
                            || e.getValue().verdict() == BytesVerdict.MISSING)
                    .map(e -> e.getKey().toString())
                    .toArray(String[]::new);
            if (done.length > 0) {
                jdbc.sql("DELETE FROM gc_blob_review WHERE digest = ANY (?)")
                        .param(done)
                        .update();
            }
            return results;
        });
    }

    /**
     * What is to happen to a digest's bytes, from their size (null when a row records the digest);
     * {@code DELETED} ones are deleted together afterwards.
     */
    private static BytesResult verdict(OptionalLong size, boolean dryRun) {
        if (size == null) {
            return new BytesResult(BytesVerdict.RECORDED, 0);
        }
        if (size.isEmpty()) {
            return new BytesResult(BytesVerdict.MISSING, 0);
        }
        return new BytesResult(dryRun ? BytesVerdict.WOULD_DELETE : BytesVerdict.DELETED, size.getAsLong());
    }

    /** Of the given digests, those a blob row records. */
    public Set<Digest> recorded(Collection<Digest> digests) {
        Set<String> rows = new HashSet<>(jdbc.sql("SELECT digest FROM blob WHERE digest = ANY (?)")
                .param(digests.stream().map(Digest::toString).toArray(String[]::new))
                .query(String.class)
                .list());
        Set<Digest> found = new HashSet<>();
        for (Digest d : digests) {
            if (rows.contains(d.toString())) {
                found.add(d);
            }
        }
        return found;
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

    /** Of the given digests, those whose bytes are not in the store (checked concurrently on object stores). */
    public List<Digest> withoutBytes(List<Digest> digests) {
        Map<Digest, OptionalLong> sizes = store.statAll(digests);
        return digests.stream().filter(d -> sizes.get(d).isEmpty()).toList();
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

    /** Digests queued for review at or before {@code cutoff} that no row records: bytes to delete, if any. */
    public List<Digest> queuedWithoutRow(Instant cutoff) {
        return jdbc.sql("""
                        SELECT r.digest FROM gc_blob_review r
                        WHERE r.due_at <= ? AND NOT EXISTS (SELECT 1 FROM blob b WHERE b.digest = r.digest)
                        ORDER BY r.digest
                        """).param(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC)).query(String.class).list().stream()
                .flatMap(d -> Digest.parse(d).stream())
                .toList();
    }

    /** When a run last listed the whole store (and checked every row's bytes); empty if never. */
    public java.util.Optional<Instant> lastFullSweep() {
        return jdbc.sql("SELECT last_full_at FROM gc_sweep")
                .query((rs, i) ->
                        java.util.Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant))
                .optional()
                .flatMap(t -> t);
    }

    /** Records that a run started at {@code at} listed the whole store. */
    public void fullSweepDone(Instant at) {
        jdbc.sql("UPDATE gc_sweep SET last_full_at = ?")
                .param(Timestamp.from(at))
                .update();
    }

    /** Entries in the blob review queue, due or not. */
    public long queued() {
        return jdbc.sql("SELECT count(*) FROM gc_blob_review").query(Long.class).single();
    }
}
