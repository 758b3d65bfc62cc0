package dev.berth.registry;

import dev.berth.storage.Digest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The registry's half of {@code delete_untagged}: reviews queued manifests one at a time and
 * deletes those nothing keeps, through the same path as a /v2/ manifest delete (which queues their
 * blobs, children and referrers in turn).
 *
 * <p>A manifest is kept while a tag points at it, an index of its repository lists it, or (for an
 * accessory: a manifest with a {@code subject}) its subject is in the repository. Tagged accessories
 * are kept even when their subject is gone: the tag is an explicit reference. The manifest row is
 * locked {@code FOR UPDATE} before the checks; a push that tags it or lists it in an index holds
 * {@code FOR SHARE} on it, so the two serialise.
 */
@Service
public class ManifestCollector {
    private final JdbcClient jdbc;
    private final ManifestService manifests;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final GcSettings settings;

    ManifestCollector(
            JdbcClient jdbc, ManifestService manifests, Clock clock, TransactionTemplate tx, GcSettings settings) {
        this.jdbc = jdbc;
        this.manifests = manifests;
        this.settings = settings;
        this.clock = clock;
        this.tx = tx;
    }

    public enum Verdict {
        NONE_DUE,
        DELETED,
        KEPT,
        /**
         * Nothing keeps it, but it was pushed within the upload grace (Harbor's time window): the
         * client may still be pushing the index or the tag that will. Due again when the grace ends.
         */
        POSTPONED,
        BUSY
    }

    /** The outcome of one review: the manifest's id, repository name and digest when known. */
    public record Review(Verdict verdict, long manifestId, String repository, String digest) {}

    private record Candidate(
            long id, long repositoryId, String repository, String digest, String subject, Instant pushed) {}

    /**
     * Reviews the oldest entry queued at or before {@code cutoff} (the run's start) and not in
     * {@code skip}, deleting the manifest if nothing keeps it.
     */
    public Review reviewNext(Collection<Long> skip, Instant cutoff) {
        Long[] skipped = skip.toArray(Long[]::new);
        AtomicLong claimed = new AtomicLong(-1);
        try {
            return tx.execute(status -> {
                jdbc.sql("SET LOCAL lock_timeout = '2s'").update();
                Optional<Long> entry = jdbc.sql("""
                                SELECT manifest_id FROM gc_manifest_review
                                WHERE due_at <= ? AND NOT (manifest_id = ANY (?::bigint[]))
                                ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED
                                """)
                        .param(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                        .param(skipped)
                        .query(Long.class)
                        .optional();
                if (entry.isEmpty()) {
                    return new Review(Verdict.NONE_DUE, -1, "", "");
                }
                claimed.set(entry.get());
                Optional<Candidate> locked = jdbc.sql("""
                                SELECT m.id, m.repository_id, r.name, m.digest, m.subject_digest, m.created_at
                                FROM manifest m JOIN repository r ON r.id = m.repository_id
                                WHERE m.id = ? FOR UPDATE OF m
                                """)
                        .param(entry.get())
                        .query((rs, i) -> new Candidate(
                                rs.getLong(1),
                                rs.getLong(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getTimestamp(6).toInstant()))
                        .optional();
                if (locked.isEmpty()) {
                    return new Review(Verdict.KEPT, entry.get(), "", ""); // deleted meanwhile; entry cascaded
                }
                Candidate m = locked.get();
                if (kept(m)) {
                    dropEntry(m.id());
                    return new Review(Verdict.KEPT, m.id(), m.repository(), m.digest());
                }
                Instant spareUntil = m.pushed().plus(settings.uploadGrace());
                if (spareUntil.isAfter(clock.instant())) {
                    jdbc.sql("UPDATE gc_manifest_review SET due_at = ? WHERE manifest_id = ?")
                            .param(OffsetDateTime.ofInstant(spareUntil, ZoneOffset.UTC))
                            .param(m.id())
                            .update();
                    return new Review(Verdict.POSTPONED, m.id(), m.repository(), m.digest());
                }
                dropEntry(m.id());
                manifests.deleteLocked(
                        m.repositoryId(), m.id(), Digest.parse(m.digest()).orElseThrow());
                return new Review(Verdict.DELETED, m.id(), m.repository(), m.digest());
            });
        } catch (PessimisticLockingFailureException e) {
            return new Review(Verdict.BUSY, claimed.get(), "", "");
        }
    }

    private void dropEntry(long manifestId) {
        jdbc.sql("DELETE FROM gc_manifest_review WHERE manifest_id = ?")
                .param(manifestId)
                .update();
    }

    private boolean kept(Candidate m) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM tag WHERE manifest_id = ?)
                            OR EXISTS (SELECT 1 FROM manifest_reference WHERE child_id = ?)
                            OR EXISTS (SELECT 1 FROM manifest s WHERE s.repository_id = ? AND s.digest = ?)
                        """)
                .param(m.id())
                .param(m.id())
                .param(m.repositoryId())
                .param(m.subject() == null ? "" : m.subject())
                .query(Boolean.class)
                .single();
    }

    /** A manifest a dry run reviewed, with the verdict a real run would give: DELETED, KEPT or POSTPONED. */
    public record Previewed(long manifestId, Verdict verdict) {}

    /**
     * A preview for dry runs, in one query: the manifests queued at or before {@code cutoff}, each
     * with the real run's verdict: KEPT by a tag, an index or a live subject; POSTPONED when nothing
     * keeps it but it was pushed within the upload grace; DELETED otherwise. (Children of indexes
     * it deletes become due only after that, so they are not counted.)
     */
    public List<Previewed> preview(Instant cutoff) {
        return jdbc.sql("""
                        SELECT m.id,
                               CASE WHEN EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id)
                                      OR EXISTS (SELECT 1 FROM manifest_reference r WHERE r.child_id = m.id)
                                      OR (m.subject_digest IS NOT NULL AND EXISTS (
                                            SELECT 1 FROM manifest s WHERE s.repository_id = m.repository_id
                                            AND s.digest = m.subject_digest))
                                    THEN 'KEPT'
                                    WHEN m.created_at > ? THEN 'POSTPONED'
                                    ELSE 'DELETED' END
                        FROM gc_manifest_review q JOIN manifest m ON m.id = q.manifest_id
                        WHERE q.due_at <= ?
                        ORDER BY m.id
                        """)
                .param(OffsetDateTime.ofInstant(clock.instant().minus(settings.uploadGrace()), ZoneOffset.UTC))
                .param(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                .query((rs, i) -> new Previewed(rs.getLong(1), Verdict.valueOf(rs.getString(2))))
                .list();
    }
}
