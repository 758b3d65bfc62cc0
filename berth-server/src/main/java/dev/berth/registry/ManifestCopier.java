package dev.berth.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Copies manifests between repositories inside the database: the manifest rows (same bytes, so the
 * same digests), their children first, and links to the blobs they reference. Blob bytes are
 * content-addressed and shared, so nothing in the blob store is copied. Runs inside the caller's
 * transaction.
 */
@Repository
class ManifestCopier {
    private final JdbcClient jdbc;
    private final java.time.Clock clock;

    ManifestCopier(JdbcClient jdbc, java.time.Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * The id of the copy of {@code sourceId} in {@code targetRepositoryId}, creating it if needed;
     * the ids of the rows this call created (the copy, index children copied with it) are added to
     * {@code created}.
     */
    long copy(long sourceId, long targetRepositoryId, List<Long> created) {
        return copy(sourceId, targetRepositoryId, created, 0);
    }

    private long copy(long sourceId, long targetRepositoryId, List<Long> createdIds, int depth) {
        if (depth > 8) {
            throw RegistryException.of(ErrorCode.MANIFEST_INVALID, "indexes nest too deeply to copy");
        }
        // Shared locks keep the source (and so the blobs it references) from being deleted mid-copy.
        jdbc.sql("SELECT id FROM manifest WHERE id = ? FOR SHARE")
                .param(sourceId)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown"));
        record Child(long id, String platform) {}
        List<Child> children = jdbc.sql(
                        "SELECT child_id, platform::text FROM manifest_reference WHERE parent_id = ? ORDER BY child_id")
                .param(sourceId)
                .query((rs, i) -> new Child(rs.getLong(1), rs.getString(2)))
                .list();
        Map<Long, Long> copiedChildren = new HashMap<>();
        for (Child child : children) {
            copiedChildren.put(child.id(), copy(child.id(), targetRepositoryId, createdIds, depth + 1));
        }
        jdbc.sql("""
                        INSERT INTO repository_blob (repository_id, digest)
                        SELECT ?, digest FROM manifest_blob WHERE manifest_id = ?
                        ON CONFLICT DO NOTHING
                        """).param(targetRepositoryId).param(sourceId).update();
        Optional<Long> created = jdbc.sql("""
                        INSERT INTO manifest (repository_id, digest, media_type, artifact_type, config_media_type,
                                              config_digest, subject_digest, annotations, size, content, created_at)
                        SELECT ?, digest, media_type, artifact_type, config_media_type,
                               config_digest, subject_digest, annotations, size, content, ?
                        FROM manifest WHERE id = ?
                        ON CONFLICT (repository_id, digest) DO NOTHING
                        RETURNING id
                        """)
                .param(targetRepositoryId)
                .param(java.sql.Timestamp.from(clock.instant()))
                .param(sourceId)
                .query(Long.class)
                .optional();
        if (created.isEmpty()) {
            return jdbc.sql("""
                            SELECT t.id FROM manifest t JOIN manifest s ON s.digest = t.digest
                            WHERE s.id = ? AND t.repository_id = ?
                            """)
                    .param(sourceId)
                    .param(targetRepositoryId)
                    .query(Long.class)
                    .single();
        }
        long id = created.get();
        createdIds.add(id);
        jdbc.sql(
                        "INSERT INTO manifest_blob (manifest_id, digest) SELECT ?, digest FROM manifest_blob WHERE manifest_id = ?")
                .param(id)
                .param(sourceId)
                .update();
        for (Child child : children) {
            jdbc.sql("""
                            INSERT INTO manifest_reference (parent_id, child_id, platform) VALUES (?, ?, ?::jsonb)
                            ON CONFLICT DO NOTHING
                            """)
                    .param(id)
                    .param(copiedChildren.get(child.id()))
                    .param(child.platform())
                    .update();
        }
        return id;
    }
}
