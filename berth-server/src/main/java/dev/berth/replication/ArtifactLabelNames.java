package dev.berth.replication;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The names of the labels on an artifact of this Berth, for a push policy's label filter. */
@Repository
class ArtifactLabelNames {
    private final JdbcClient jdbc;

    ArtifactLabelNames(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<String> of(String repository, String digest) {
        return jdbc.sql("""
                        SELECT l.name FROM artifact_label al
                          JOIN label l ON l.id = al.label_id
                          JOIN manifest m ON m.id = al.manifest_id
                          JOIN repository r ON r.id = m.repository_id
                         WHERE r.name = ? AND m.digest = ?
                         ORDER BY l.name""").params(repository, digest).query(String.class).list();
    }
}
