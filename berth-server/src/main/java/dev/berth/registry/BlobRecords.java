package dev.berth.registry;

import dev.berth.storage.Digest;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code blob} and {@code repository_blob} tables. */
@Repository
class BlobRecords {
    private final JdbcClient jdbc;
    private final Clock clock;

    BlobRecords(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The size of a blob the repository links, if it does. */
    OptionalLong sizeIn(String repository, Digest digest) {
        return jdbc.sql("""
                        SELECT b.size FROM repository r
                        JOIN repository_blob rb ON rb.repository_id = r.id
                        JOIN blob b ON b.digest = rb.digest
                        WHERE r.name = ? AND rb.digest = ?
                        """)
                .param(repository)
                .param(digest.toString())
                .query(Long.class)
                .optional()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    /**
     * Takes the digest's advisory lock in shared mode until the transaction ends: held by uploads
     * while they place bytes and record them; garbage collection takes it exclusively to delete bytes.
     */
    void lockBytesShared(Digest digest) {
        jdbc.sql("SELECT pg_advisory_xact_lock_shared(hashtextextended(?, 0))")
                .param(digest.toString())
                .query((rs, i) -> 1)
                .list();
    }

    /** The blob's size, its row locked (shared) until the transaction ends; empty if Berth has no such blob. */
    OptionalLong lockStored(Digest digest) {
        return jdbc.sql("SELECT size FROM blob WHERE digest = ? FOR SHARE")
                .param(digest.toString())
                .query(Long.class)
                .optional()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    /**
     * Records an upload whose bytes are in place, in one round trip: the blob row, the repository
     * (created in its project if need be), the link (as {@link #link}), the end of the upload session
     * and the blob's review entry (until a manifest references it, nothing else keeps it). False when
     * the repository's row could not be had in this statement (its project is gone, or another
     * transaction created it after this statement's snapshot): everything but the link is done, and
     * the caller links through {@link RepositoryRecords#ensure}.
     */
    boolean recordUpload(Digest digest, long size, String repository, UUID session, ReviewQueue.Entry review) {
        return jdbc.sql(RepositoryRecords.ENSURE + """
                        , blob_row AS (
                            INSERT INTO blob (digest, size) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING),
                        linked AS (
                            INSERT INTO repository_blob (repository_id, digest, created_at)
                            SELECT id, ?, ? FROM (SELECT id FROM existing UNION ALL SELECT id FROM created) r
                            ON CONFLICT (repository_id, digest) DO UPDATE SET created_at = EXCLUDED.created_at
                            RETURNING 1),
                        ended AS (DELETE FROM upload_session WHERE id = ?),
                        queued AS (
                            INSERT INTO gc_blob_review (digest, review_after, due_at, reason) VALUES (?, ?, ?, ?)
                        """ + ReviewQueue.BLOB_UPSERT + """
                        )
                        SELECT count(*) FROM linked
                        """)
                        .param(repository)
                        .param(repository)
                        .param(repository)
                        .param(digest.toString())
                        .param(size)
                        .param(digest.toString())
                        .param(Timestamp.from(clock.instant()))
                        .param(session)
                        .param(digest.toString())
                        .param(review.reviewAfter())
                        .param(review.due())
                        .param(review.reason())
                        .query(Long.class)
                        .single()
                > 0;
    }

    /**
     * Links the blob into the repository. A new upload or mount renews an existing link's
     * {@code created_at} (from the injected clock): garbage collection spares links younger than
     * its upload grace.
     */
    void link(long repositoryId, Digest digest) {
        jdbc.sql("""
                        INSERT INTO repository_blob (repository_id, digest, created_at) VALUES (?, ?, ?)
                        ON CONFLICT (repository_id, digest) DO UPDATE SET created_at = EXCLUDED.created_at
                        """)
                .param(repositoryId)
                .param(digest.toString())
                .param(Timestamp.from(clock.instant()))
                .update();
    }

    /** Locks the repository's link to the blob against concurrent manifest pushes; false if absent. */
    boolean lockLink(long repositoryId, Digest digest) {
        return jdbc.sql("SELECT 1 FROM repository_blob WHERE repository_id = ? AND digest = ? FOR UPDATE")
                .param(repositoryId)
                .param(digest.toString())
                .query(Integer.class)
                .optional()
                .isPresent();
    }

    boolean unlink(long repositoryId, Digest digest) {
        return jdbc.sql("DELETE FROM repository_blob WHERE repository_id = ? AND digest = ?")
                        .param(repositoryId)
                        .param(digest.toString())
                        .update()
                > 0;
    }

    /** True when a manifest of the repository references the blob. */
    boolean referencedIn(long repositoryId, Digest digest) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM manifest_blob mb JOIN manifest m ON m.id = mb.manifest_id
                                       WHERE m.repository_id = ? AND mb.digest = ?)
                        """)
                .param(repositoryId)
                .param(digest.toString())
                .query(Boolean.class)
                .single();
    }

    /**
     * Locks (shared) the rows of the given blobs that the repository links and returns their sizes.
     * A manifest push holds these locks until it commits, so garbage collection, which deletes a
     * blob row only under an exclusive lock, can never remove a blob a new manifest is taking up.
     */
    Map<Digest, Long> lockLinked(long repositoryId, Collection<Digest> digests) {
        Map<Digest, Long> sizes = new HashMap<>();
        if (digests.isEmpty()) {
            return sizes;
        }
        String[] keys =
                digests.stream().map(Digest::toString).distinct().sorted().toArray(String[]::new);
        jdbc.sql("""
                        SELECT b.digest, b.size FROM blob b
                        JOIN repository_blob rb ON rb.digest = b.digest AND rb.repository_id = ?
                        WHERE b.digest = ANY (?)
                        ORDER BY b.digest
                        FOR SHARE OF b, rb
                        """)
                .param(repositoryId)
                .param(keys)
                .query((rs, i) -> sizes.put(Digest.parse(rs.getString(1)).orElseThrow(), rs.getLong(2)))
                .list();
        return sizes;
    }

    /** Digests of every blob the repository links. */
    List<String> linkedTo(long repositoryId) {
        return jdbc.sql("SELECT digest FROM repository_blob WHERE repository_id = ?")
                .param(repositoryId)
                .query(String.class)
                .list();
    }
}
