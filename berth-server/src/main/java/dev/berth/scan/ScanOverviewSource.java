package dev.berth.scan;

import dev.berth.artifact.ScanOverviews;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's {@code scan_overview} of artifacts: the newest report of the project's scanner, as a
 * {@code NativeReportSummary} keyed by Harbor's native report MIME type (Harbor's portal asks for
 * that key), read from the stored summary in one query per page; and its {@code sbom_overview}
 * from the newest SBOM report.
 */
@Component
class ScanOverviewSource implements ScanOverviews {
    private final Scanners scanners;
    private final ScanReports reports;
    private final JsonMapper json;

    ScanOverviewSource(Scanners scanners, ScanReports reports, JsonMapper json) {
        this.scanners = scanners;
        this.reports = reports;
        this.json = json;
    }

    @Override
    public Map<Long, String> of(long projectId, List<Long> artifactIds) {
        Optional<ScannerRegistration> scanner = scanners.ofProject(projectId);
        if (scanner.isEmpty() || artifactIds.isEmpty()) {
            return Map.of();
        }
        Map<Long, String> out = new HashMap<>();
        for (ScanReports.Overview o :
                reports.overviews(artifactIds, scanner.get().uuid())) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("report_id", o.uuid());
            summary.put("scan_status", o.status());
            if (o.status().equals(ScanReports.SUCCESS)) {
                summary.put("severity", o.severity());
                o.summary().ifPresent(s -> summary.put("summary", json.readTree(s)));
            }
            summary.put("start_time", o.startTime());
            o.endTime().ifPresent(end -> {
                summary.put("end_time", end);
                summary.put("duration", Duration.between(o.startTime(), end).toSeconds());
            });
            summary.put("complete_percent", o.status().equals(ScanReports.SUCCESS) ? 100 : 0);
            summary.put("scanner", o.scanner());
            out.put(o.manifestId(), json.writeValueAsString(Map.of(ScanTypes.NATIVE_REPORT, summary)));
        }
        return out;
    }

    /** Harbor's {@code SBOMOverview}: the newest SBOM report's status, times and accessory digest. */
    @Override
    public Map<Long, String> sbomOf(long projectId, List<Long> artifactIds) {
        Optional<ScannerRegistration> scanner = scanners.ofProject(projectId);
        if (scanner.isEmpty() || artifactIds.isEmpty()) {
            return Map.of();
        }
        Map<Long, String> out = new HashMap<>();
        for (ScanReports.Overview o :
                reports.overviews(artifactIds, scanner.get().uuid(), true)) {
            Map<String, Object> overview = new LinkedHashMap<>();
            overview.put("report_id", o.uuid());
            overview.put("scan_status", o.status());
            overview.put("start_time", o.startTime());
            o.endTime().ifPresent(end -> {
                overview.put("end_time", end);
                overview.put("duration", Duration.between(o.startTime(), end).toSeconds());
            });
            if (o.status().equals(ScanReports.SUCCESS)) {
                o.summary().ifPresent(s -> {
                    String digest = json.readTree(s).path("sbom_digest").asString("");
                    if (!digest.isEmpty()) {
                        overview.put("sbom_digest", digest);
                    }
                });
            }
            overview.put("scanner", o.scanner());
            out.put(o.manifestId(), json.writeValueAsString(overview));
        }
        return out;
    }
}
