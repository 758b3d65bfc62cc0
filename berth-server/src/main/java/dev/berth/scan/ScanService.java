package dev.berth.scan;

import dev.berth.api.ApiException;
import dev.berth.artifact.ArtifactLookup;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts and stops scans of artifacts with the project's scanner: picks the report MIME type from
 * the adapter's capabilities, records a Pending report and queues its {@link ScanJob} in one
 * transaction.
 */
@Service
class ScanService {
    private final Scanners scanners;
    private final ScanReports reports;
    private final Executions executions;
    private final TransactionTemplate tx;
    private final Clock clock;

    ScanService(Scanners scanners, ScanReports reports, Executions executions, TransactionTemplate tx, Clock clock) {
        this.scanners = scanners;
        this.reports = reports;
        this.executions = executions;
        this.tx = tx;
        this.clock = clock;
    }

    /** The report id of the scan started. */
    String scan(ArtifactLookup.Located artifact, String scanType, Trigger trigger) {
        if (!scanType.equals(ScanTypes.VULNERABILITY)) {
            throw ApiException.badRequest("scan type " + scanType + " is not supported yet; use vulnerability");
        }
        ScannerRegistration scanner = scanners.ofProject(artifact.project().id())
                .orElseThrow(() -> ApiException.notFound(
                        "no available scanner for project " + artifact.project().name()));
        if (scanner.disabled()) {
            throw ApiException.badRequest("scanner " + scanner.name() + " is deactivated");
        }
        AdapterMetadata metadata = scanners.metadata(scanner);
        AdapterMetadata.Capability capability = metadata.capability(artifact.manifestMediaType(), scanType)
                .orElseThrow(() -> ApiException.badRequest("the configured scanner " + scanner.name()
                        + " does not support scanning artifacts of type " + artifact.manifestMediaType()));
        String mimeType = reportMimeType(capability)
                .orElseThrow(() -> ApiException.badRequest("the configured scanner " + scanner.name()
                        + " produces no vulnerability report Berth can read"));
        String uuid = UUID.randomUUID().toString();
        return tx.execute(status -> {
            String started = reports.begin(
                            uuid, artifact.artifactId(), artifact.digest(), scanner.uuid(), mimeType, clock.instant())
                    .orElseThrow(() -> ApiException.conflict("a previous scan of " + artifact.repository() + "@"
                            + artifact.digest() + " is still in progress"));
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("artifact_id", artifact.artifactId());
            attrs.put("artifact_digest", artifact.digest());
            attrs.put("repository_name", artifact.repository());
            attrs.put("report_uuids", java.util.List.of(started));
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("report_uuid", started);
            params.put("project_id", artifact.project().id());
            params.put("project_name", artifact.project().name());
            params.put("repository", artifact.repository());
            params.put("tag", artifact.tag().orElse(""));
            params.put("mime_type", artifact.manifestMediaType());
            long executionId = executions.run(ScanJob.NAME, artifact.artifactId(), trigger, attrs, params);
            long taskId = executions.tasks(executionId).getFirst().id();
            reports.attachTask(started, taskId);
            return started;
        });
    }

    /** Stops the artifact's scans in progress with the project's scanner; false when none is. */
    boolean stop(ArtifactLookup.Located artifact) {
        Optional<ScannerRegistration> scanner =
                scanners.ofProject(artifact.project().id());
        if (scanner.isEmpty()) {
            return false;
        }
        boolean any = false;
        for (ScanReports.Report r :
                reports.ofArtifact(artifact.artifactId(), scanner.get().uuid())) {
            if (r.inProgress() && r.taskId().isPresent()) {
                any |= executions.stopTask(r.taskId().get());
            }
        }
        return any;
    }

    /** Harbor prefers the generic report when offered; Berth reads the native one (1.1, then 1.0). */
    static Optional<String> reportMimeType(AdapterMetadata.Capability capability) {
        for (String wanted : new String[] {ScanTypes.NATIVE_REPORT_1_1, ScanTypes.NATIVE_REPORT}) {
            if (capability.producesMimeTypes().contains(wanted)) {
                return Optional.of(wanted);
            }
        }
        return Optional.empty();
    }
}
