package dev.berth.registry;

import dev.berth.storage.Digest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code upload_session} table. */
@Repository
class UploadSessionRecords {
    private final JdbcClient jdbc;

    UploadSessionRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void create(UploadSession session) {
        jdbc.sql("INSERT INTO upload_session (id, repository, algorithm, size, content_digest) VALUES (?, ?, ?, ?, ?)")
                .param(session.id())
                .param(session.repository())
                .param(session.algorithm().prefix())
                .param(session.size())
                .param(Digest.fromHasher(
                                session.algorithm(), session.algorithm().newHasher())
                        .toString())
                .update();
    }

    Optional<UploadSession> find(UUID id) {
        return jdbc.sql("SELECT id, repository, algorithm, size FROM upload_session WHERE id = ?")
                .param(id)
                .query((rs, i) -> new UploadSession(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        Digest.Algorithm.byPrefix(rs.getString(3)).orElseThrow(),
                        rs.getLong(4)))
                .optional();
    }

    /**
     * Moves the size from {@code expected} to {@code size}; false if another request moved it first.
     * {@code contentDigest} is the digest of the bytes held now (null when unknown): if the session
     * ends without a blob row, garbage collection reviews that digest, in case its bytes were placed.
     */
    boolean advance(UUID id, long expected, long size, Digest contentDigest) {
        return jdbc.sql("""
                                UPDATE upload_session SET size = ?, content_digest = ?, updated_at = now()
                                WHERE id = ? AND size = ?
                                """)
                        .param(size)
                        .param(contentDigest == null ? null : contentDigest.toString())
                        .param(id)
                        .param(expected)
                        .update()
                == 1;
    }

    /**
     * Names the digest about to be placed when it is not the one {@link #advance} recorded (the
     * client finished with another algorithm than it started with): written before the bytes are.
     */
    void placing(UUID id, Digest digest) {
        jdbc.sql("UPDATE upload_session SET content_digest = ? WHERE id = ?")
                .param(digest.toString())
                .param(id)
                .update();
    }

    /** Sessions not written to since {@code cutoff}, oldest first. */
    List<UUID> idleSince(Instant cutoff, int limit) {
        return jdbc.sql("SELECT id FROM upload_session WHERE updated_at < ? ORDER BY updated_at, id LIMIT ?")
                .params(cutoff.atOffset(ZoneOffset.UTC), limit)
                .query(UUID.class)
                .list();
    }

    /**
     * Deletes the session only if it is still idle since {@code cutoff}: a chunk written since it
     * was listed moved {@code updated_at} on, and the row (and its bytes) stay.
     */
    boolean deleteIfIdleSince(UUID id, Instant cutoff) {
        return jdbc.sql("DELETE FROM upload_session WHERE id = ? AND updated_at < ?")
                        .params(id, cutoff.atOffset(ZoneOffset.UTC))
                        .update()
                == 1;
    }

    boolean delete(UUID id) {
        return jdbc.sql("DELETE FROM upload_session WHERE id = ?").param(id).update() > 0;
    }
}
