package dev.berth.scan;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** {@link #reportsOf(long)} of many artifacts at once, by artifact (those with none are absent). */
    public Map<Long, List<String>> reportsOf(Collection<Long> manifestIds) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT manifest_id, uuid FROM scan_report
                        WHERE manifest_id = ANY (?) AND mime_type IN (?, ?, ?) AND status = 'Success' AND scanner_vendor = ?
                        ORDER BY manifest_id, uuid
                        """)
                .params(
                        manifestIds.toArray(Long[]::new),
                        ScanTypes.NATIVE_REPORT_1_1,
                        ScanTypes.NATIVE_REPORT,
                        ScanTypes.GENERIC_REPORT,
                        BUILTIN_VENDOR)
                .query(rs -> {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                });
        return out;
    }

    /**
     * {@link #replace} of many reports (uuid to its new generic report), written together: in the
     * caller's transaction, one commit.
     */
    public void replaceAll(Map<String, JsonNode> reportsByUuid) {
        List<StoredReport.Replacement> replacements = new ArrayList<>();
        reportsByUuid.forEach((uuid, report) ->
                replacements.add(new StoredReport.Replacement(uuid, StoredReport.prepare(json, (ObjectNode) report))));
        reports.succeededAll(replacements, clock.instant());
    }

    /** Stores {@code reportJson} (a generic report) as the report's new body. */
    public void replace(String uuid, String reportJson) {
        JsonNode report = json.readTree(reportJson);
        StoredReport prepared = StoredReport.prepare(json, (ObjectNode) report);
        reports.succeeded(uuid, prepared.report(), prepared.summary(), prepared.severity(), clock.instant());
    }
}
