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
        if (!scanType.equals(ScanTypes.VULNERABILITY) && !scanType.equals(ScanTypes.SBOM)) {
            throw ApiException.badRequest("unknown scan_type " + scanType + "; use vulnerability or sbom");
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
                        + " does not support " + (scanType.equals(ScanTypes.SBOM) ? "generating SBOMs of" : "scanning")
                        + " artifacts of type " + artifact.manifestMediaType()));
        String mimeType = reportMimeType(capability, scanType)
                .orElseThrow(() -> ApiException.badRequest("the configured scanner " + scanner.name() + " produces no "
                        + scanType + " report Berth can read"));
        return tx.execute(status -> {
            long executionId = executions.create(ScanJob.NAME, artifact.artifactId(), trigger, attributes(artifact));
            return enqueue(executionId, artifact, scanner, mimeType)
                    .orElseThrow(() -> ApiException.conflict("a previous scan of " + artifact.repository() + "@"
                            + artifact.digest() + " is still in progress"));
        });
    }

    /**
     * Starts a Pending report of the artifact by {@code scanner} and queues its {@link ScanJob} as a
     * task of {@code executionId}; empty when a scan of it is still in progress. Call it inside a
     * transaction, so that the report and its task exist together.
     */
    Optional<String> enqueue(
            long executionId, ArtifactLookup.Located artifact, ScannerRegistration scanner, String mimeType) {
        Optional<String> started = reports.begin(
                UUID.randomUUID().toString(),
                artifact.artifactId(),
                artifact.digest(),
                scanner.uuid(),
                mimeType,
                clock.instant());
        if (started.isEmpty()) {
            return started;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("report_uuid", started.get());
        params.put("project_id", artifact.project().id());
        params.put("project_name", artifact.project().name());
        params.put("repository", artifact.repository());
        params.put("artifact_id", artifact.artifactId());
        params.put("digest", artifact.digest());
        params.put("tag", artifact.tag().orElse(""));
        params.put("mime_type", artifact.manifestMediaType());
        long taskId = executions.addTask(executionId, ScanJob.NAME, params);
        reports.attachTask(started.get(), taskId);
        return started;
    }

    private static Map<String, Object> attributes(ArtifactLookup.Located artifact) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("artifact_id", artifact.artifactId());
        attrs.put("artifact_digest", artifact.digest());
        attrs.put("repository_name", artifact.repository());
        return attrs;
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
                // A task stopped before it ran never ends its report itself.
                if (executions
                        .task(r.taskId().get())
                        .filter(t -> t.status() == dev.berth.job.TaskStatus.STOPPED)
                        .isPresent()) {
                    reports.ended(r.uuid(), ScanReports.STOPPED, clock.instant());
                }
            }
        }
        return any;
    }

    /** The report type of a scan: the SBOM report, or a vulnerability report as below. */
    static Optional<String> reportMimeType(AdapterMetadata.Capability capability, String scanType) {
        if (scanType.equals(ScanTypes.SBOM)) {
            return capability.producesMimeTypes().contains(ScanTypes.SBOM_REPORT)
                    ? Optional.of(ScanTypes.SBOM_REPORT)
                    : Optional.empty();
        }
        return reportMimeType(capability);
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
