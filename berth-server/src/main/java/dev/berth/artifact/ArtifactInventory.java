package dev.berth.artifact;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * A project's repositories and their top-level artifacts with what policies decide on: tags,
 * labels, push and pull times (Harbor's retention candidates). Read-only; the artifacts are those
 * the artifact API lists at top level (index children and accessories go with their parent).
 */
@Service
public class ArtifactInventory {
    private final JdbcClient jdbc;

    ArtifactInventory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A repository of a project: its id and full name ({@code project/path}). */
    public record Repository(long id, String name) {}

    /**
     * One artifact as a policy sees it.
     *
     * @param pushed the latest of the manifest's push and its tags' creation or move, as Harbor's
     *     retention takes the latest tag push time
     * @param pulled the latest pull of the manifest or of one of its tags, if any
     */
    public record Artifact(
            long id,
            String digest,
            List<String> tags,
            List<String> labels,
            Instant pushed,
            Optional<Instant> pulled,
            Instant created) {}

    /**
     * An artifact anywhere in the registry, for work over all of them (scan all).
     *
     * @param tag one of its tags (the oldest), if it has any
     */
    public record Stored(
            long id,
            long projectId,
            long repositoryId,
            String repository,
            String digest,
            String mediaType,
            Optional<String> tag) {}

    /** How many artifacts the registry holds, in all projects (the security hub's total). */
    public long count() {
        return jdbc.sql("SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                        + " WHERE r.project_id IS NOT NULL")
                .query(Long.class)
                .single();
    }

    /**
     * Up to {@code limit} artifacts of all projects with ids above {@code afterId}, in id order: a
     * page of a walk over the registry that holds one page in memory at a time.
     */
    public List<Stored> allAfter(long afterId, int limit) {
        return jdbc.sql("""
                        SELECT m.id, r.project_id, r.id, r.name, m.digest, m.media_type,
                               (SELECT t.name FROM tag t WHERE t.manifest_id = m.id ORDER BY t.created_at, t.name LIMIT 1)
                        FROM manifest m JOIN repository r ON r.id = m.repository_id
                        WHERE m.id > ? AND r.project_id IS NOT NULL
                        ORDER BY m.id LIMIT ?
                        """).params(afterId, limit).query((rs, i) -> stored(rs)).list();
    }

    /** The artifacts of the given manifest ids that belong to a project, in id order. */
    public List<Stored> byIds(java.util.Collection<Long> manifestIds) {
        if (manifestIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT m.id, r.project_id, r.id, r.name, m.digest, m.media_type,
                               (SELECT t.name FROM tag t WHERE t.manifest_id = m.id ORDER BY t.created_at, t.name LIMIT 1)
                        FROM manifest m JOIN repository r ON r.id = m.repository_id
                        WHERE m.id = ANY (?) AND r.project_id IS NOT NULL
                        ORDER BY m.id
                        """)
                .param(manifestIds.toArray(Long[]::new))
                .query((rs, i) -> stored(rs))
                .list();
    }

    /** A row of (manifest id, project id, repository id, repository name, digest, media type, tag). */
    private static Stored stored(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Stored(
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                Optional.ofNullable(rs.getString(7)));
    }

    /** The project's repositories in name order. */
    public List<Repository> repositories(long projectId) {
        return jdbc.sql("SELECT id, name FROM repository WHERE project_id = ? ORDER BY name")
                .param(projectId)
                .query((rs, i) -> new Repository(rs.getLong(1), rs.getString(2)))
                .list();
    }

    /** How long a copy of pull times outlives its run at most (a run's jobs time out after a day). */
    static final Duration SNAPSHOT_LIFETIME = Duration.ofDays(2);

    /**
     * Copies the project's pull times as they are now (the latest pull of each manifest or of one
     * of its tags), for a run that decides on them later, and returns the copy's id for {@link
     * #artifacts(long, Instant, OptionalLong)}. One statement for the whole project. Drops copies
     * older than {@link #SNAPSHOT_LIFETIME} (runs that were stopped or failed before releasing
     * theirs). Call it in the transaction that records the run, so that the copy is the run's.
     */
    public long freezePullTimes(long projectId, Instant now) {
        jdbc.sql("DELETE FROM artifact_snapshot WHERE taken_at < ?")
                .param(Timestamp.from(now.minus(SNAPSHOT_LIFETIME)))
                .update();
        long id = jdbc.sql("INSERT INTO artifact_snapshot (project_id, taken_at) VALUES (?, ?) RETURNING id")
                .param(projectId)
                .param(Timestamp.from(now))
                .query(Long.class)
                .single();
        jdbc.sql("""
                        INSERT INTO artifact_snapshot_pull (snapshot_id, manifest_id, pulled)
                        SELECT ?, p.id, p.pulled FROM (
                            SELECT m.id, GREATEST(m.pull_time, (SELECT max(t.pull_time) FROM tag t WHERE t.manifest_id = m.id)) AS pulled
                            FROM manifest m JOIN repository r ON r.id = m.repository_id
                            WHERE r.project_id = ?) p
                        WHERE p.pulled IS NOT NULL
                        """).param(id).param(projectId).update();
        return id;
    }

    /** Drops a copy of pull times once its run no longer needs it. */
    public void releasePullTimes(long snapshotId) {
        jdbc.sql("DELETE FROM artifact_snapshot WHERE id = ?").param(snapshotId).update();
    }

    /**
     * The repository's top-level artifacts that existed at {@code snapshot}: pushed at or before it
     * and with no tag created or moved onto them after it (those are left out, as if not there yet).
     *
     * @param pullTimes the copy of pull times taken with the snapshot ({@link #freezePullTimes});
     *     empty to read the pull times as they are now
     * @throws IllegalStateException if the copy was released or dropped
     */
    public List<Artifact> artifacts(long repositoryId, Instant snapshot, OptionalLong pullTimes) {
        if (pullTimes.isPresent()
                && !jdbc.sql("SELECT EXISTS (SELECT 1 FROM artifact_snapshot WHERE id = ?)")
                        .param(pullTimes.getAsLong())
                        .query(Boolean.class)
                        .single()) {
            // Deciding on no pull times would take every artifact for never pulled.
            throw new IllegalStateException("the copy of pull times " + pullTimes.getAsLong() + " is gone");
        }
        Timestamp at = Timestamp.from(snapshot);
        String pulled = pullTimes.isPresent()
                ? "(SELECT s.pulled FROM artifact_snapshot_pull s WHERE s.snapshot_id = :pulls AND s.manifest_id = m.id)"
                : "GREATEST(m.pull_time, (SELECT max(t.pull_time) FROM tag t WHERE t.manifest_id = m.id))";
        return jdbc.sql("""
                        SELECT m.id, m.digest, m.created_at,
                               GREATEST(m.created_at, (SELECT max(t.updated_at) FROM tag t WHERE t.manifest_id = m.id)),
                               %s,
                               ARRAY(SELECT t.name FROM tag t WHERE t.manifest_id = m.id ORDER BY t.name),
                               ARRAY(SELECT l.name FROM artifact_label al JOIN label l ON l.id = al.label_id
                                     WHERE al.manifest_id = m.id ORDER BY l.name)
                        FROM manifest m JOIN listed_artifact la ON la.manifest_id = m.id AND la.repository_id = m.repository_id
                        WHERE m.repository_id = :repository AND m.created_at <= :at
                          AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id
                                          AND (t.updated_at > :at OR t.created_at > :at))
                        ORDER BY m.id
                        """.formatted(pulled))
                .param("repository", repositoryId)
                .param("at", at)
                .param("pulls", pullTimes.orElse(0))
                .query((rs, i) -> new Artifact(
                        rs.getLong(1),
                        rs.getString(2),
                        strings(rs.getArray(6)),
                        strings(rs.getArray(7)),
                        rs.getTimestamp(4).toInstant(),
                        Optional.ofNullable(rs.getTimestamp(5)).map(Timestamp::toInstant),
                        rs.getTimestamp(3).toInstant()))
                .list();
    }

    /** The repository of this full name, if the project has it. */
    public Optional<Repository> repository(long projectId, String name) {
        return jdbc.sql("SELECT id, name FROM repository WHERE project_id = ? AND name = ?")
                .params(projectId, name)
                .query((rs, i) -> new Repository(rs.getLong(1), rs.getString(2)))
                .optional();
    }

    /**
     * Whether the artifact has a signature: a cosign or notation signature attached by {@code
     * subject}, or a cosign {@code sha256-<hex>.sig} tag in its repository.
     */
    public boolean signed(long repositoryId, String digest) {
        String sigTag = digest.replace(':', '-') + ".sig";
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM manifest s WHERE s.repository_id = ? AND s.subject_digest = ?
                                         AND s.artifact_type IN ('application/vnd.cncf.notary.signature',
                                                                 'application/vnd.dev.cosign.artifact.sig.v1+json'))
                            OR EXISTS (SELECT 1 FROM tag t WHERE t.repository_id = ? AND t.name = ?)""")
                .params(repositoryId, digest, repositoryId, sigTag)
                .query(Boolean.class)
                .single();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
