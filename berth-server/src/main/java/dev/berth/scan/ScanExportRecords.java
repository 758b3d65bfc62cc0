package dev.berth.scan;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What a scan data export reads (a project's repositories, their artifacts with tags and labels,
 * the indexed vulnerabilities of their reports) and writes (the CSV, {@code scan_data_export}).
 */
@Repository
class ScanExportRecords {
    /** A repository: its id and full name. */
    record Repo(long id, String name) {}

    /**
     * An artifact with what the export filters by: its tags and labels, and those of the indexes
     * that list it (Harbor exports an index's children under the index's tags and labels).
     */
    record Candidate(long id, List<String> tags, List<Long> labels) {}

    /** One CSV row: Harbor's columns. */
    record Row(
            String repository,
            String digest,
            String cveId,
            String packageName,
            String version,
            String fixVersion,
            String severity,
            String cweIds,
            String additionalData,
            String scanner) {}

    record Stored(String digest, long size, byte[] csv) {}

    private final JdbcClient jdbc;

    ScanExportRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Repo> repositories(long projectId) {
        return jdbc.sql("SELECT id, name FROM repository WHERE project_id = ? ORDER BY name")
                .param(projectId)
                .query((rs, i) -> new Repo(rs.getLong(1), rs.getString(2)))
                .list();
    }

    List<Candidate> artifacts(long repositoryId) {
        return jdbc.sql("""
                        SELECT m.id,
                               ARRAY(SELECT DISTINCT t.name FROM tag t
                                      WHERE t.manifest_id = m.id
                                         OR t.manifest_id IN (SELECT parent_id FROM manifest_reference WHERE child_id = m.id)),
                               ARRAY(SELECT DISTINCT l.label_id FROM artifact_label l
                                      WHERE l.manifest_id = m.id
                                         OR l.manifest_id IN (SELECT parent_id FROM manifest_reference WHERE child_id = m.id))
                        FROM manifest m WHERE m.repository_id = ? ORDER BY m.id
                        """)
                .param(repositoryId)
                .query((rs, i) -> new Candidate(
                        rs.getLong(1),
                        Arrays.asList((String[]) rs.getArray(2).getArray()),
                        Arrays.stream((Long[]) rs.getArray(3).getArray()).toList()))
                .list();
    }

    /** The vulnerabilities of the artifacts' reports, from every scanner, artifact by artifact. */
    void rows(List<Long> artifactIds, Consumer<Row> each) {
        jdbc.sql("""
                        SELECT rp.name, r.digest, v.cve_id, v.package, v.package_version, v.fix_version, v.severity,
                               v.cwe_ids, COALESCE(v.vendor_attributes::text, ''), COALESCE(s.name, r.scanner_name)
                        FROM scan_vulnerability v
                        JOIN scan_report r ON r.uuid = v.report_uuid
                        JOIN manifest m ON m.id = r.manifest_id
                        JOIN repository rp ON rp.id = m.repository_id
                        LEFT JOIN scanner_registration s ON s.uuid = r.registration_uuid
                        WHERE r.manifest_id = ANY (?)
                        ORDER BY r.manifest_id, r.registration_uuid, v.ordinal
                        """).param(artifactIds.toArray(Long[]::new)).query(rs -> {
            each.accept(new Row(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getString(8),
                    rs.getString(9),
                    rs.getString(10)));
        });
    }

    void store(long executionId, String digest, byte[] csv, Instant now) {
        jdbc.sql("""
                        INSERT INTO scan_data_export (execution_id, digest, size, csv, create_time) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (execution_id) DO UPDATE SET digest = EXCLUDED.digest, size = EXCLUDED.size,
                               csv = EXCLUDED.csv, create_time = EXCLUDED.create_time
                        """)
                .params(executionId, digest, csv.length, csv, Timestamp.from(now))
                .update();
    }

    boolean present(long executionId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM scan_data_export WHERE execution_id = ?)")
                .param(executionId)
                .query(Boolean.class)
                .single();
    }

    Optional<Stored> find(long executionId) {
        return jdbc.sql("SELECT digest, size, csv FROM scan_data_export WHERE execution_id = ?")
                .param(executionId)
                .query((rs, i) -> new Stored(rs.getString(1), rs.getLong(2), rs.getBytes(3)))
                .optional();
    }
}
