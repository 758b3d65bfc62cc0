package dev.berth.artifact;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

    /** The project's repositories in name order. */
    public List<Repository> repositories(long projectId) {
        return jdbc.sql("SELECT id, name FROM repository WHERE project_id = ? ORDER BY name")
                .param(projectId)
                .query((rs, i) -> new Repository(rs.getLong(1), rs.getString(2)))
                .list();
    }

    /**
     * The repository's top-level artifacts that existed at {@code snapshot}: pushed at or before it
     * and with no tag created or moved onto them after it (those are left out, as if not there yet).
     */
    public List<Artifact> artifacts(long repositoryId, Instant snapshot) {
        Timestamp at = Timestamp.from(snapshot);
        return jdbc.sql("""
                        SELECT m.id, m.digest, m.created_at,
                               GREATEST(m.created_at, (SELECT max(t.updated_at) FROM tag t WHERE t.manifest_id = m.id)),
                               GREATEST(m.pull_time, (SELECT max(t.pull_time) FROM tag t WHERE t.manifest_id = m.id)),
                               ARRAY(SELECT t.name FROM tag t WHERE t.manifest_id = m.id ORDER BY t.name),
                               ARRAY(SELECT l.name FROM artifact_label al JOIN label l ON l.id = al.label_id
                                     WHERE al.manifest_id = m.id ORDER BY l.name)
                        FROM manifest m JOIN listed_artifact la ON la.manifest_id = m.id AND la.repository_id = m.repository_id
                        WHERE m.repository_id = ? AND m.created_at <= ?
                          AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id
                                          AND (t.updated_at > ? OR t.created_at > ?))
                        ORDER BY m.id
                        """)
                .param(repositoryId)
                .param(at)
                .param(at)
                .param(at)
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
