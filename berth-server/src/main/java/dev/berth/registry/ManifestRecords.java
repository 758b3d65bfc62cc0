package dev.berth.registry;

import dev.berth.storage.Digest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code manifest}, {@code manifest_blob}, {@code manifest_reference} and {@code tag} tables. */
@Repository
class ManifestRecords {
    private static final String COLUMNS = "m.id, m.repository_id, m.digest, m.media_type, m.content";
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final java.time.Clock clock;

    ManifestRecords(JdbcClient jdbc, JsonMapper json, java.time.Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<StoredManifest> findByDigest(String repository, Digest digest) {
        return jdbc.sql("SELECT " + COLUMNS
                        + " FROM manifest m JOIN repository r ON r.id = m.repository_id"
                        + " WHERE r.name = ? AND m.digest = ?")
                .param(repository)
                .param(digest.toString())
                .query(ManifestRecords::manifest)
                .optional();
    }

    Optional<StoredManifest> findByTag(String repository, String tag) {
        return jdbc.sql("SELECT " + COLUMNS
                        + " FROM tag t JOIN repository r ON r.id = t.repository_id"
                        + " JOIN manifest m ON m.id = t.manifest_id"
                        + " WHERE r.name = ? AND t.name = ?")
                .param(repository)
                .param(tag)
                .query(ManifestRecords::manifest)
                .optional();
    }

    /** Ids of the repository's manifests among {@code digests}, locked against deletion until commit. */
    Map<Digest, Long> lockExisting(long repositoryId, Collection<Digest> digests) {
        Map<Digest, Long> ids = new HashMap<>();
        if (digests.isEmpty()) {
            return ids;
        }
        String[] keys =
                digests.stream().map(Digest::toString).distinct().sorted().toArray(String[]::new);
        jdbc.sql("""
                        SELECT digest, id FROM manifest WHERE repository_id = ? AND digest = ANY (?)
                        ORDER BY digest FOR SHARE
                        """)
                .param(repositoryId)
                .param(keys)
                .query((rs, i) -> ids.put(Digest.parse(rs.getString(1)).orElseThrow(), rs.getLong(2)))
                .list();
        return ids;
    }

    /**
     * Inserts the manifest unless the repository holds it already.
     *
     * @return the id and whether this call created it
     */
    Inserted insert(long repositoryId, Digest digest, ParsedManifest manifest, byte[] content) {
        // Lock an existing row first: garbage collection deletes a manifest only under FOR UPDATE,
        // so it cannot take a manifest that this push is about to tag. If it took it already, the
        // row is gone and is inserted again below.
        Optional<Long> existing = jdbc.sql("SELECT id FROM manifest WHERE repository_id = ? AND digest = ? FOR SHARE")
                .param(repositoryId)
                .param(digest.toString())
                .query(Long.class)
                .optional();
        if (existing.isPresent()) {
            return new Inserted(existing.get(), false);
        }
        Descriptor config = manifest instanceof ParsedManifest.ImageManifest image ? image.config() : null;
        Optional<Long> created = jdbc.sql("""
                        INSERT INTO manifest (repository_id, digest, media_type, artifact_type, config_media_type,
                                              config_digest, subject_digest, annotations, size, content, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                        ON CONFLICT (repository_id, digest) DO NOTHING
                        RETURNING id
                        """)
                .param(repositoryId)
                .param(digest.toString())
                .param(manifest.mediaType())
                .param(manifest.effectiveArtifactType().orElse(null))
                .param(config == null ? null : config.mediaType())
                .param(config == null ? null : config.digest().toString())
                .param(manifest.subject().map(s -> s.digest().toString()).orElse(null))
                .param(manifest.annotations().isEmpty() ? null : json.writeValueAsString(manifest.annotations()))
                .param(content.length)
                .param(content)
                .param(java.sql.Timestamp.from(clock.instant()))
                .query(Long.class)
                .optional();
        if (created.isPresent()) {
            return new Inserted(created.get(), true);
        }
        long concurrent = jdbc.sql("SELECT id FROM manifest WHERE repository_id = ? AND digest = ? FOR SHARE")
                .param(repositoryId)
                .param(digest.toString())
                .query(Long.class)
                .single();
        return new Inserted(concurrent, false);
    }

    record Inserted(long id, boolean created) {}

    void addBlobReferences(long manifestId, Collection<Digest> digests) {
        if (digests.isEmpty()) {
            return;
        }
        // One statement for all of them, in digest order (the order every writer locks in).
        jdbc.sql("""
                        INSERT INTO manifest_blob (manifest_id, digest)
                        SELECT ?, d FROM unnest(?::text[]) AS d ORDER BY d
                        ON CONFLICT DO NOTHING
                        """)
                .param(manifestId)
                .param(digests.stream()
                        .map(Digest::toString)
                        .distinct()
                        .sorted()
                        .toArray(String[]::new))
                .update();
    }

    void addChild(long parentId, long childId, String platformJson) {
        jdbc.sql("""
                        INSERT INTO manifest_reference (parent_id, child_id, platform) VALUES (?, ?, ?::jsonb)
                        ON CONFLICT DO NOTHING
                        """).param(parentId).param(childId).param(platformJson).update();
    }

    /**
     * Points the tag at the manifest; returns the manifest it pointed at before, if another. The
     * tag, if it exists, is locked already by this transaction with {@link #lockTags}, whose answer
     * {@code locked} is: it is not read again.
     */
    Optional<Long> tagLocked(long repositoryId, String tag, long manifestId, Map<String, Long> locked) {
        Optional<Long> previous = Optional.ofNullable(locked.get(tag)).filter(id -> id != manifestId);
        upsertTag(repositoryId, tag, manifestId);
        return previous;
    }

    private void upsertTag(long repositoryId, String tag, long manifestId) {
        jdbc.sql("""
                        INSERT INTO tag (repository_id, name, manifest_id, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (repository_id, name)
                        DO UPDATE SET manifest_id = EXCLUDED.manifest_id, updated_at = EXCLUDED.updated_at
                        WHERE tag.manifest_id <> EXCLUDED.manifest_id
                        """)
                .param(repositoryId)
                .param(tag)
                .param(manifestId)
                .param(java.sql.Timestamp.from(clock.instant()))
                .param(java.sql.Timestamp.from(clock.instant()))
                .update();
    }

    /** The existing ones of these tags, locked in name order, with the manifest each points at. */
    Map<String, Long> lockTags(long repositoryId, Collection<String> tags) {
        Map<String, Long> existing = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT name, manifest_id FROM tag WHERE repository_id = ? AND name = ANY (?)
                        ORDER BY name FOR UPDATE""")
                .param(repositoryId)
                .param(tags.toArray(String[]::new))
                .query((rs, i) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .list()
                .forEach(e -> existing.put(e.getKey(), e.getValue()));
        return existing;
    }

    /** A manifest as events describe it: digest, media type and tags, with its repository's project. */
    record Described(long projectId, String digest, String mediaType, List<String> tags) {}

    Optional<Described> describe(long manifestId) {
        return jdbc.sql("""
                        SELECT r.project_id, m.digest, m.media_type,
                               ARRAY(SELECT t.name FROM tag t WHERE t.manifest_id = m.id ORDER BY t.name)
                          FROM manifest m JOIN repository r ON r.id = m.repository_id
                         WHERE m.id = ?""")
                .param(manifestId)
                .query((rs, i) -> new Described(rs.getLong(1), rs.getString(2), rs.getString(3), List.of((String[])
                        rs.getArray(4).getArray())))
                .optional();
    }

    /** Ids of the repository's manifests that no index of it lists: its artifacts, as the API shows them. */
    List<Long> topLevel(long repositoryId) {
        return jdbc.sql("""
                        SELECT m.id FROM manifest m WHERE m.repository_id = ?
                           AND NOT EXISTS (SELECT 1 FROM manifest_reference r WHERE r.child_id = m.id)
                         ORDER BY m.id""").param(repositoryId).query(Long.class).list();
    }

    /** Tags of the manifest. */
    List<String> tagsOf(long manifestId) {
        return jdbc.sql("SELECT name FROM tag WHERE manifest_id = ? ORDER BY name")
                .param(manifestId)
                .query(String.class)
                .list();
    }

    /** Deletes the tag; returns the manifest it pointed at, empty if there was no such tag. */
    Optional<Long> untag(long repositoryId, String tag) {
        return jdbc.sql("DELETE FROM tag WHERE repository_id = ? AND name = ? RETURNING manifest_id")
                .param(repositoryId)
                .param(tag)
                .query(Long.class)
                .optional();
    }

    /** Digests of the blobs the manifest references. */
    List<String> blobsOf(long manifestId) {
        return jdbc.sql("SELECT digest FROM manifest_blob WHERE manifest_id = ?")
                .param(manifestId)
                .query(String.class)
                .list();
    }

    /** Ids of the repository's manifests whose subject is the digest (accessories, signatures, SBOMs). */
    List<Long> referrerIds(long repositoryId, Digest subject) {
        return jdbc.sql("SELECT id FROM manifest WHERE repository_id = ? AND subject_digest = ?")
                .param(repositoryId)
                .param(subject.toString())
                .query(Long.class)
                .list();
    }

    List<String> tags(long repositoryId, String last, int limit) {
        return jdbc.sql("SELECT name FROM tag WHERE repository_id = ? AND name > ? ORDER BY name LIMIT ?")
                .param(repositoryId)
                .param(last)
                .param(limit)
                .query(String.class)
                .list();
    }

    /** Digests of the indexes in the repository that list the manifest as a child. */
    List<String> parentsOf(long manifestId) {
        return jdbc.sql("""
                        SELECT p.digest FROM manifest_reference r JOIN manifest p ON p.id = r.parent_id
                        WHERE r.child_id = ? ORDER BY p.digest LIMIT 10
                        """).param(manifestId).query(String.class).list();
    }

    /** Locks the manifest row for deletion; empty if it is gone. */
    Optional<Long> lockForDelete(long repositoryId, Digest digest) {
        return jdbc.sql("SELECT id FROM manifest WHERE repository_id = ? AND digest = ? FOR UPDATE")
                .param(repositoryId)
                .param(digest.toString())
                .query(Long.class)
                .optional();
    }

    /** Whether the manifest, or a tag pointing at it, was created or moved after {@code instant}. */
    boolean changedSince(long manifestId, java.time.Instant instant) {
        java.sql.Timestamp t = java.sql.Timestamp.from(instant);
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM manifest WHERE id = ? AND created_at > ?)
                            OR EXISTS (SELECT 1 FROM tag WHERE manifest_id = ? AND (updated_at > ? OR created_at > ?))
                        """)
                .param(manifestId)
                .param(t)
                .param(manifestId)
                .param(t)
                .param(t)
                .query(Boolean.class)
                .single();
    }

    void delete(long manifestId) {
        jdbc.sql("DELETE FROM manifest WHERE id = ?").param(manifestId).update();
    }

    /** Ids of the manifests an index lists. */
    List<Long> childrenOf(long manifestId) {
        return jdbc.sql("SELECT child_id FROM manifest_reference WHERE parent_id = ? ORDER BY child_id")
                .param(manifestId)
                .query(Long.class)
                .list();
    }

    /** True when no index lists the manifest and no tag points at it, checked under a row lock. */
    boolean lockIfOrphan(long manifestId) {
        return jdbc.sql("""
                        SELECT m.id FROM manifest m WHERE m.id = ?
                        AND NOT EXISTS (SELECT 1 FROM manifest_reference r WHERE r.child_id = m.id)
                        AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id)
                        FOR UPDATE
                        """).param(manifestId).query(Long.class).optional().isPresent();
    }

    /** Points a new tag at the manifest; false if the repository has that tag already. */
    boolean tagIfAbsent(long repositoryId, String tag, long manifestId) {
        return jdbc.sql("""
                                INSERT INTO tag (repository_id, name, manifest_id, created_at, updated_at)
                                VALUES (?, ?, ?, ?, ?)
                                ON CONFLICT (repository_id, name) DO NOTHING
                                """)
                        .param(repositoryId)
                        .param(tag)
                        .param(manifestId)
                        .param(java.sql.Timestamp.from(clock.instant()))
                        .param(java.sql.Timestamp.from(clock.instant()))
                        .update()
                > 0;
    }

    /** Deletes the tag only if it points at the manifest. */
    boolean untag(long repositoryId, String tag, long manifestId) {
        return jdbc.sql("DELETE FROM tag WHERE repository_id = ? AND name = ? AND manifest_id = ?")
                        .param(repositoryId)
                        .param(tag)
                        .param(manifestId)
                        .update()
                > 0;
    }

    /** The manifest's id, locked against deletion until commit. */
    Optional<Long> lockShared(long repositoryId, Digest digest) {
        return jdbc.sql("SELECT id FROM manifest WHERE repository_id = ? AND digest = ? FOR SHARE")
                .param(repositoryId)
                .param(digest.toString())
                .query(Long.class)
                .optional();
    }

    List<Referrer> referrers(long repositoryId, Digest subject) {
        return jdbc.sql("""
                        SELECT digest, media_type, size, artifact_type, annotations::text FROM manifest
                        WHERE repository_id = ? AND subject_digest = ?
                        """)
                .param(repositoryId)
                .param(subject.toString())
                .query((rs, i) -> new Referrer(
                        Digest.parse(rs.getString(1)).orElseThrow(),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getString(5) == null ? Map.of() : json.readValue(rs.getString(5), STRING_MAP)))
                .list();
    }

    private static StoredManifest manifest(ResultSet rs, int row) throws SQLException {
        return new StoredManifest(
                rs.getLong(1),
                rs.getLong(2),
                Digest.parse(rs.getString(3)).orElseThrow(),
                rs.getString(4),
                rs.getBytes(5));
    }
}
