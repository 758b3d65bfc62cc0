package dev.berth.scan;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The SBOM reports Berth keeps (the pluggable scanner API's SBOM report, from any scanner, the
 * built-in one included), for features that index them: successful reports only, oldest first.
 */
@Component
public class SbomReports {
    /** The SBOM report type of the pluggable scanner API v1.2. */
    public static final String MIME_TYPE = ScanTypes.SBOM_REPORT;

    private final JdbcClient jdbc;

    SbomReports(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One stored SBOM report: its JSON has {@code media_type} and the document in {@code sbom}. */
    public record Sbom(String uuid, long manifestId, Instant endTime, String report) {}

    /** Up to {@code limit} reports stored after (endTime, uuid), in that order. */
    public List<Sbom> after(Instant endTime, String uuid, int limit) {
        return jdbc.sql("""
                        SELECT uuid, manifest_id, end_time, report::text FROM scan_report
                        WHERE mime_type = ? AND status = 'Success' AND report IS NOT NULL
                          AND (end_time, uuid) > (?, ?)
                        ORDER BY end_time, uuid LIMIT ?
                        """)
                .params(MIME_TYPE, Timestamp.from(endTime), uuid, limit)
                .query((rs, i) -> new Sbom(
                        rs.getString(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getString(4)))
                .list();
    }

    /** The report, if it is a successful SBOM report. */
    public Optional<Sbom> find(String uuid) {
        return jdbc.sql("""
                        SELECT uuid, manifest_id, end_time, report::text FROM scan_report
                        WHERE uuid = ? AND mime_type = ? AND status = 'Success' AND report IS NOT NULL
                        """)
                .params(uuid, MIME_TYPE)
                .query((rs, i) -> new Sbom(
                        rs.getString(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getString(4)))
                .optional();
    }
}
