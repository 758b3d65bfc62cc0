package dev.berth.quota;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Project storage quotas. Usage is the total size of the distinct blobs linked to any repository of
 * the project and of the distinct manifests stored in them, as Harbor counts it, read from {@code
 * project_blob}, which database triggers keep in step with {@code repository_blob} and {@code
 * manifest} inside the very transaction that links, stores, unlinks or deletes (see V11 and V30). Callers that add
 * bytes ask {@link #refusal} inside their linking transaction: it serialises adders of one limited
 * project on a transaction-scoped advisory lock, so two concurrent pushes can never both fit.
 */
@Service
public class StorageQuota {
    private final JdbcClient jdbc;

    StorageQuota(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Bytes the project uses. */
    public long used(long projectId) {
        return jdbc.sql("SELECT COALESCE(sum(size), 0) FROM project_blob WHERE project_id = ?")
                .param(projectId)
                .query(Long.class)
                .single();
    }

    /**
     * Why linking a blob (or storing a manifest) of {@code size} bytes into the repository would
     * exceed its project's limit, or empty if it fits (or the project already counts the digest, or
     * has no limit). Must run inside
     * the transaction that then links the blob, which keeps the project's quota lock until it ends.
     */
    public Optional<String> refusal(String repository, String digest, long size) {
        Optional<Limit> project = limitLocked(repository);
        if (project.isEmpty()) {
            return Optional.empty();
        }
        Limit p = project.get();
        boolean counted = jdbc.sql("SELECT EXISTS (SELECT 1 FROM project_blob WHERE project_id = ? AND digest = ?)")
                .param(p.id())
                .param(digest)
                .query(Boolean.class)
                .single();
        if (counted) {
            return Optional.empty();
        }
        long used = used(p.id());
        return used + size <= p.limit() ? Optional.empty() : Optional.of(message(p, size, used));
    }

    /**
     * Runs {@code adding}, which links blobs into the repository inside the caller's transaction,
     * and says why it must be rolled back if it took the project over its limit. For additions whose
     * size is only known once they are made (an artifact copy links whatever its manifests reference).
     */
    public Optional<String> refusalOf(String repository, Runnable adding) {
        Optional<Limit> project = limitLocked(repository);
        long before = project.map(p -> used(p.id())).orElse(0L);
        adding.run();
        if (project.isEmpty()) {
            return Optional.empty();
        }
        Limit p = project.get();
        long after = used(p.id());
        return after > before && after > p.limit() ? Optional.of(message(p, after - before, before)) : Optional.empty();
    }

    private record Limit(long id, String name, long limit) {}

    /** The repository's project if it has a limit, with its quota lock taken until the transaction ends. */
    private Optional<Limit> limitLocked(String repository) {
        Optional<Limit> project = jdbc.sql(
                        "SELECT id, name, storage_limit FROM project WHERE name = split_part(?, '/', 1)")
                .param(repository)
                .query((rs, i) -> new Limit(rs.getLong(1), rs.getString(2), rs.getLong(3)))
                .optional()
                .filter(p -> p.limit() >= 0);
        project.ifPresent(p -> jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('quota:' || ?, 0))")
                .param(p.id())
                .query((rs, i) -> 1)
                .list());
        return project;
    }

    private static String message(Limit p, long size, long used) {
        return "adding " + size + " bytes of storage to the current usage of " + used + " bytes exceeds the limit of "
                + p.limit() + " bytes of project " + p.name();
    }
}
