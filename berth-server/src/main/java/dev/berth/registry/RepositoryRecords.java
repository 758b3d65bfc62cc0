package dev.berth.registry;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code repository} table. */
@Repository
class RepositoryRecords {
    private final JdbcClient jdbc;

    RepositoryRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * CTEs {@code existing} and {@code created} (the row inserted if none existed) for the repository
     * named by the first three parameters, each the name: for statements that need its id.
     */
    static final String ENSURE = """
            WITH existing AS (SELECT id FROM repository WHERE name = ?),
            created AS (
                INSERT INTO repository (name, project_id)
                SELECT ?, id FROM project WHERE name = split_part(?, '/', 1) AND NOT EXISTS (SELECT 1 FROM existing)
                ON CONFLICT (name) DO NOTHING
                RETURNING id)
            """;

    Optional<Long> findId(String name) {
        return jdbc.sql("SELECT id FROM repository WHERE name = ?")
                .param(name)
                .query(Long.class)
                .optional();
    }

    /**
     * The repository's id, creating the row if needed, in the project named by its first component
     * (so the project counts it and cannot be deleted while it holds it); takes no lock on an
     * existing row.
     */
    long ensure(String name) {
        // One round trip when the repository exists, as it nearly always does. INSERT … SELECT: no
        // project, no row, so a repository can never exist outside a project. A row another
        // transaction committed after this statement's snapshot is found by the second look.
        return jdbc.sql(ENSURE + " SELECT id FROM existing UNION ALL SELECT id FROM created")
                .param(name)
                .param(name)
                .param(name)
                .query(Long.class)
                .optional()
                .or(() -> findId(name))
                .orElseThrow(() -> RegistryException.of(ErrorCode.NAME_UNKNOWN, "project of " + name + " not found"));
    }

    /** The project a repository belongs to, and when it was created. */
    record Owner(long projectId, Instant created) {}

    Owner ownerOf(long repositoryId) {
        return jdbc.sql("SELECT project_id, created_at FROM repository WHERE id = ?")
                .param(repositoryId)
                .query((rs, i) -> new Owner(rs.getLong(1), rs.getTimestamp(2).toInstant()))
                .single();
    }

    /** {@link #ownerOf} for many repositories; those deleted meanwhile are absent. */
    Map<Long, Owner> ownersOf(Collection<Long> repositoryIds) {
        Map<Long, Owner> owners = new HashMap<>();
        jdbc.sql("SELECT id, project_id, created_at FROM repository WHERE id = ANY (?)")
                .param(repositoryIds.toArray(Long[]::new))
                .query(rs -> {
                    owners.put(
                            rs.getLong(1),
                            new Owner(rs.getLong(2), rs.getTimestamp(3).toInstant()));
                });
        return owners;
    }

    /** The repository's id, its row locked FOR UPDATE until the transaction ends. */
    Optional<Long> lock(String name) {
        return jdbc.sql("SELECT id FROM repository WHERE name = ? FOR UPDATE")
                .param(name)
                .query(Long.class)
                .optional();
    }

    /**
     * Deletes the repository with everything in it (manifests, tags, blob links cascade). The row
     * lock makes a concurrent push into it wait, then fail, rather than leave half an image behind.
     */
    boolean delete(String name) {
        Optional<Long> id = lock(name);
        if (id.isEmpty()) {
            return false;
        }
        // Children first is not needed: a child is only ever listed by an index of the same
        // repository, so every manifest_reference row goes in the same statement.
        return jdbc.sql("DELETE FROM repository WHERE id = ?").param(id.get()).update() > 0;
    }

    /** Up to {@code limit} names after {@code last}, in byte order. */
    List<String> list(String last, int limit) {
        return jdbc.sql("SELECT name FROM repository WHERE name > ? ORDER BY name LIMIT ?")
                .param(last)
                .param(limit)
                .query(String.class)
                .list();
    }
}
