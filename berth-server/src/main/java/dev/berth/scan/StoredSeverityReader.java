package dev.berth.scan;

import dev.berth.project.CveAllowlists;
import dev.berth.project.Project;
import java.util.Comparator;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@link StoredSeverity} over the {@code scan_report} table, as Harbor's scan controller answers
 * "vulnerable": the project's scanner's vulnerability report of the artifact, Success only, the
 * allowlist in force (an expired list exempts nothing), and a report without vulnerabilities is None.
 */
@Component
class StoredSeverityReader implements StoredSeverity {
    private final Scanners scanners;
    private final ScanReports reports;
    private final CveAllowlists allowlists;

    StoredSeverityReader(Scanners scanners, ScanReports reports, CveAllowlists allowlists) {
        this.scanners = scanners;
        this.reports = reports;
        this.allowlists = allowlists;
    }

    @Override
    public int code(Project project, long manifestId) {
        Optional<ScanReports.Report> report = scanners.ofProject(project.id())
                .flatMap(s -> reports.ofArtifact(manifestId, s.uuid()).stream()
                        .filter(r -> ScanTypes.isVulnerabilityReport(r.mimeType()))
                        .findFirst());
        if (report.isEmpty() || !report.get().status().equals(ScanReports.SUCCESS)) {
            return NOT_SCANNED;
        }
        return reports.severities(report.get().uuid(), allowlists.inForce(project)).stream()
                .max(Comparator.naturalOrder())
                .orElse(Severity.NONE)
                .code();
    }
}
