package dev.berth.scan;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.artifact.ArtifactLookup;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's scan endpoints under an artifact: start ({@code scan} create: project admins and
 * maintainers), stop ({@code scan} stop), a report's log ({@code scan} read), and the
 * {@code vulnerabilities} addition (artifact-addition read). A report id of another artifact is a 404.
 */
@RestController
@RequestMapping("/api/v2.0/projects/{projectName}/repositories/{repositoryName}/artifacts/{reference}")
class ScanController {
    private final ArtifactLookup artifacts;
    private final ScanService scans;
    private final ScanReports reports;
    private final Scanners scanners;
    private final Executions executions;
    private final JsonMapper json;

    ScanController(
            ArtifactLookup artifacts,
            ScanService scans,
            ScanReports reports,
            Scanners scanners,
            Executions executions,
            JsonMapper json) {
        this.artifacts = artifacts;
        this.scans = scans;
        this.reports = reports;
        this.scanners = scanners;
        this.executions = executions;
        this.json = json;
    }

    record ScanType(String scanType) {}

    @PostMapping("/scan")
    ResponseEntity<Void> scan(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @RequestBody(required = false) ScanType body) {
        Principal caller = Callers.of(request);
        ArtifactLookup.Located artifact =
                artifacts.locate(caller, projectName, repositoryName, reference, Resource.SCAN, Action.CREATE);
        String type = body == null || body.scanType() == null ? ScanTypes.VULNERABILITY : body.scanType();
        scans.scan(artifact, type, Trigger.MANUAL);
        return ResponseEntity.accepted().build();
    }

    @PostMapping("/scan/stop")
    ResponseEntity<Void> stop(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @RequestBody(required = false) ScanType body) {
        Principal caller = Callers.of(request);
        ArtifactLookup.Located artifact =
                artifacts.locate(caller, projectName, repositoryName, reference, Resource.SCAN, Action.STOP);
        if (body == null || body.scanType() == null) {
            throw ApiException.badRequest("scan_type is required");
        }
        if (!body.scanType().equals(ScanTypes.VULNERABILITY) && !body.scanType().equals(ScanTypes.SBOM)) {
            throw ApiException.badRequest("unknown scan_type " + body.scanType());
        }
        if (!scans.stop(artifact)) {
            throw ApiException.notFound(
                    "no scan of " + artifact.repository() + "@" + artifact.digest() + " is running");
        }
        return ResponseEntity.accepted().build();
    }

    @GetMapping(value = "/scan/{reportId}/log", produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> log(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @PathVariable String reportId) {
        Principal caller = Callers.of(request);
        ArtifactLookup.Located artifact =
                artifacts.locate(caller, projectName, repositoryName, reference, Resource.SCAN, Action.READ);
        ScanReports.Report report = reports.find(reportId)
                .filter(r -> r.manifestId() == artifact.artifactId())
                .orElseThrow(() -> ApiException.notFound("report " + reportId + " not found"));
        String log = report.taskId().flatMap(executions::log).orElse("");
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(log);
    }

    /**
     * The artifact's vulnerability report from the project's scanner, keyed by the report MIME type
     * asked for in {@code X-Accept-Vulnerabilities} (Harbor's native report by default), as Harbor
     * returns it; {@code {}} when it was never scanned. Native reports of version 1.0 and 1.1 share
     * one layout, so either answers for the native type.
     */
    @GetMapping(value = "/additions/vulnerabilities", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, JsonNode> vulnerabilities(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @RequestHeader(name = "X-Accept-Vulnerabilities", required = false) String accept) {
        Principal caller = Callers.of(request);
        ArtifactLookup.Located artifact = artifacts.locate(
                caller, projectName, repositoryName, reference, Resource.ARTIFACT_ADDITION, Action.READ);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Optional<ScannerRegistration> scanner =
                scanners.ofProject(artifact.project().id());
        if (scanner.isEmpty() || !ScanTypes.acceptsNative(accept)) {
            return out;
        }
        for (ScanReports.Report r :
                reports.ofArtifact(artifact.artifactId(), scanner.get().uuid())) {
            if (r.report().isPresent() && ScanTypes.isVulnerabilityReport(r.mimeType())) {
                out.put(ScanTypes.NATIVE_REPORT, json.readTree(r.report().get()));
                break;
            }
        }
        return out;
    }
}
