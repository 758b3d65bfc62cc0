package dev.berth.scan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.artifact.ArtifactInventory;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's security hub: {@code /security/summary} (counts by severity over every report of the
 * default scanner, artifacts in all and scanned, and optionally the five most dangerous CVEs and
 * artifacts) and {@code /security/vul} (the vulnerabilities of all artifacts, filtered by Harbor's
 * keywords). System-level {@code security-hub} read and list: system administrators and robots
 * granted them. Without a default scanner the summary is all zeros and the list empty, as in Harbor.
 */
@RestController
class SecurityHubController {
    private final Authorizer authorizer;
    private final Scanners scanners;
    private final SecurityHubRecords records;
    private final ArtifactInventory inventory;

    SecurityHubController(
            Authorizer authorizer, Scanners scanners, SecurityHubRecords records, ArtifactInventory inventory) {
        this.authorizer = authorizer;
        this.scanners = scanners;
        this.records = records;
        this.inventory = inventory;
    }

    /** Harbor's SecuritySummary; the dangerous lists only when asked for. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SecuritySummary(
            long criticalCnt,
            long highCnt,
            long mediumCnt,
            long lowCnt,
            long noneCnt,
            long unknownCnt,
            long totalVuls,
            long scannedCnt,
            long totalArtifact,
            long fixableCnt,
            List<DangerousCve> dangerousCves,
            List<SecurityHubRecords.DangerousArtifact> dangerousArtifacts) {}

    /** Harbor's DangerousCVE. */
    record DangerousCve(
            String cveId,
            String severity,
            double cvssScoreV3,
            String desc,
            @JsonProperty("package") String packageName,
            String version) {}

    /** Harbor's VulnerabilityItem; tags only with {@code with_tag}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record VulnerabilityItem(
            long projectId,
            String repositoryName,
            String digest,
            List<String> tags,
            String cveId,
            String severity,
            String status,
            double cvssV3Score,
            @JsonProperty("package") String packageName,
            String version,
            String fixedVersion,
            String desc,
            List<String> links) {}

    @GetMapping("/api/v2.0/security/summary")
    SecuritySummary summary(
            HttpServletRequest request,
            @RequestParam(name = "with_dangerous_cve", defaultValue = "false") boolean withCves,
            @RequestParam(name = "with_dangerous_artifact", defaultValue = "false") boolean withArtifacts) {
        require(request, Action.READ);
        Optional<ScannerRegistration> scanner = scanners.defaultScanner();
        if (scanner.isEmpty()) {
            return new SecuritySummary(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null);
        }
        String uuid = scanner.get().uuid();
        SecurityHubRecords.Counts c = records.counts(uuid);
        List<DangerousCve> cves = withCves
                ? records.dangerousCves(uuid).stream()
                        .map(d -> new DangerousCve(
                                d.cveId(), d.severity(), d.cvssScoreV3(), d.desc(), d.packageName(), d.version()))
                        .toList()
                : null;
        return new SecuritySummary(
                c.critical(),
                c.high(),
                c.medium(),
                c.low(),
                c.none(),
                c.unknown(),
                c.critical() + c.high() + c.medium() + c.low() + c.none() + c.unknown(),
                records.scanned(uuid),
                inventory.count(),
                c.fixable(),
                cves,
                withArtifacts ? records.dangerousArtifacts(uuid) : null);
    }

    @GetMapping("/api/v2.0/security/vul")
    ResponseEntity<List<VulnerabilityItem>> vulnerabilities(
            HttpServletRequest request,
            ListQuery query,
            @RequestParam(name = "tune_count", defaultValue = "false") boolean tuneCount,
            @RequestParam(name = "with_tag", defaultValue = "false") boolean withTag) {
        require(request, Action.LIST);
        Optional<ScannerRegistration> scanner = scanners.defaultScanner();
        if (scanner.isEmpty()) {
            return ResponseEntity.ok().header(Paging.TOTAL_COUNT, "0").body(List.of());
        }
        String uuid = scanner.get().uuid();
        long total = records.count(uuid, query, tuneCount);
        List<SecurityHubRecords.Item> items = records.items(uuid, query);
        Map<Long, List<String>> tags = withTag
                ? records.tags(
                        items.stream().map(SecurityHubRecords.Item::artifactId).toList())
                : Map.of();
        List<VulnerabilityItem> body = items.stream()
                .map(i -> new VulnerabilityItem(
                        i.projectId(),
                        i.repositoryName(),
                        i.digest(),
                        withTag ? tags.getOrDefault(i.artifactId(), List.of()) : null,
                        i.cveId(),
                        i.severity(),
                        i.status(),
                        i.cvssV3Score().orElse(0.0),
                        i.packageName(),
                        i.version(),
                        i.fixedVersion(),
                        i.desc(),
                        i.links()))
                .toList();
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, total))
                .body(body);
    }

    private void require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.SECURITY_HUB, action)) {
            throw Callers.denied(caller);
        }
    }
}
