package dev.berth.registry;

import java.util.List;
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

    Optional<Long> findId(String name) {
        return jdbc.sql("SELECT id FROM repository WHERE name = ?")
                .param(name)
                .query(Long.class)
                .optional();
    }

    /** The repository's id, creating the row if needed; takes no lock on an existing row. */
    long ensure(String name) {
        return jdbc.sql("""
                        INSERT INTO repository (name) VALUES (?)
                        ON CONFLICT (name) DO NOTHING
                        RETURNING id
                        """)
                .param(name)
                .query(Long.class)
                .optional()
                .or(() -> findId(name))
                .orElseThrow();
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
