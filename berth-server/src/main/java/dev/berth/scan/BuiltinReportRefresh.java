package dev.berth.scan;

import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Replaces the built-in scanner's stored vulnerability reports in place when they are re-derived
 * from an artifact's SBOM (after the vulnerability database changed), without a new scan: same
 * report id, new body, counts and end time. The built-in scanner's reports are the successful
 * vulnerability reports (any of the report types it produces: a scan stores the native 1.1 one)
 * whose scanner vendor is {@link #BUILTIN_VENDOR}.
 */
@Component
public class BuiltinReportRefresh {
    /** The vendor the built-in scanner's metadata names. */
    public static final String BUILTIN_VENDOR = dev.berth.scan.builtin.BuiltinScanner.VENDOR;

    private final JdbcClient jdbc;
    private final ScanReports reports;
    private final JsonMapper json;
    private final Clock clock;

    BuiltinReportRefresh(JdbcClient jdbc, ScanReports reports, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.reports = reports;
        this.json = json;
        this.clock = clock;
    }

    /** The artifact's successful built-in vulnerability reports (one per registration). */
    public List<String> reportsOf(long manifestId) {
        return jdbc.sql("""
                        SELECT uuid FROM scan_report
                        WHERE manifest_id = ? AND mime_type IN (?, ?, ?) AND status = 'Success' AND scanner_vendor = ?
                        """)
                .params(
                        manifestId,
                        ScanTypes.NATIVE_REPORT_1_1,
                        ScanTypes.NATIVE_REPORT,
                        ScanTypes.GENERIC_REPORT,
                        BUILTIN_VENDOR)
                .query(String.class)
                .list();
    }

    /** Stores {@code reportJson} (a generic report) as the report's new body. */
    public void replace(String uuid, String reportJson) {
        JsonNode report = json.readTree(reportJson);
        StoredReport prepared = StoredReport.prepare(json, (ObjectNode) report);
        reports.succeeded(uuid, prepared.report(), prepared.summary(), prepared.severity(), clock.instant());
    }
}
