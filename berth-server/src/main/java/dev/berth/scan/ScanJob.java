package dev.berth.scan;

import dev.berth.iam.ExternalUrl;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.JobStoppedException;
import dev.berth.job.UnrecoverableJobException;
import dev.berth.robot.PullCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One scan through the pluggable scanner API (Harbor's {@code IMAGE_SCAN} job): mint a pull
 * credential for the artifact's repository alone, {@code POST /scan} with the registry URL and it,
 * poll {@code GET /scan/{id}/report} as long as the adapter answers 302 (waiting its
 * {@code Refresh-After}), store the report, and revoke the credential whatever happened.
 *
 * <p>Not retried: a failed scan ends its report as Error, and the user scans again. A scan whose
 * report row is gone (the artifact was deleted) or whose scanner was deleted ends without calling out.
 */
final class ScanJob implements JobKind {
    static final String NAME = "IMAGE_SCAN";

    private final ScanReports reports;
    private final ScannerRecords scanners;
    private final Scanners registrations;
    private final PullCredentials credentials;
    private final ExternalUrl externalUrl;
    private final ScanSettings settings;
    private final JsonMapper json;
    private final Clock clock;

    ScanJob(
            ScanReports reports,
            ScannerRecords scanners,
            Scanners registrations,
            PullCredentials credentials,
            ExternalUrl externalUrl,
            ScanSettings settings,
            JsonMapper json,
            Clock clock) {
        this.reports = reports;
        this.scanners = scanners;
        this.registrations = registrations;
        this.credentials = credentials;
        this.externalUrl = externalUrl;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int maxAttempts() {
        return 1;
    }

    @Override
    public Duration timeout() {
        return settings.reportTimeout().plus(settings.timeout()).plusMinutes(2);
    }

    @Override
    public void run(JobContext context) throws Exception {
        JsonNode params = context.parameters();
        String uuid = params.path("report_uuid").asString("");
        if (uuid.isEmpty()) {
            Optional<String> started = beginOnPush(context, params);
            if (started.isEmpty()) {
                return;
            }
            uuid = started.get();
        }
        Optional<ScanReports.Report> report = reports.find(uuid);
        if (report.isEmpty()) {
            context.log("not scanned: the artifact was deleted");
            return;
        }
        Optional<ScannerRegistration> scanner = scanners.find(report.get().registrationUuid());
        if (scanner.isEmpty()) {
            reports.ended(uuid, ScanReports.ERROR, clock.instant());
            context.log("not scanned: the scanner was deleted");
            throw new UnrecoverableJobException("the scanner was deleted");
        }
        Long robotId = null;
        try {
            AdapterClient adapter = registrations.client(scanner.get());
            AdapterMetadata metadata = adapter.metadata();
            String repository = params.path("repository").asString();
            PullCredentials.Issued credential = credentials.mint(
                    params.path("project_id").asLong(),
                    params.path("project_name").asString(),
                    repository,
                    "scan");
            robotId = credential.robotId();
            reports.robot(uuid, robotId);
            context.checkStop();

            Map<String, Object> registry = new LinkedHashMap<>();
            registry.put("url", externalUrl.ofServer());
            registry.put("authorization", credential.authorization());
            Map<String, Object> artifact = new LinkedHashMap<>();
            artifact.put("repository", repository);
            artifact.put("digest", report.get().digest());
            String tag = params.path("tag").asString("");
            if (!tag.isEmpty()) {
                artifact.put("tag", tag);
            }
            artifact.put("mime_type", mimeTypeOf(params));
            String requestId = adapter.submit(Map.of("registry", registry, "artifact", artifact));
            reports.running(uuid, robotId, requestId, metadata.scanner());
            context.log("scan request " + requestId + " accepted by "
                    + scanner.get().name() + " for " + repository + "@"
                    + report.get().digest());

            Instant deadline = clock.instant().plus(settings.reportTimeout());
            while (true) {
                context.checkStop();
                if (scanners.find(scanner.get().uuid()).isEmpty()) {
                    // Harbor ends such a scan as failed; its report would belong to no scanner.
                    throw new AdapterClient.AdapterException("the scanner was deleted during the scan");
                }
                AdapterClient.ReportPoll poll =
                        adapter.report(requestId, report.get().mimeType());
                if (poll instanceof AdapterClient.ReportPoll.Ready ready) {
                    store(uuid, ready.body());
                    context.log("report stored");
                    return;
                }
                Duration wait = ((AdapterClient.ReportPoll.NotReady) poll).refreshAfter();
                if (clock.instant().plus(wait).isAfter(deadline)) {
                    throw new AdapterClient.AdapterException(
                            "no report within " + settings.reportTimeout().toSeconds() + " s");
                }
                context.log("report not ready; asking again in " + wait.toSeconds() + " s");
                Thread.sleep(wait);
            }
        } catch (JobStoppedException | InterruptedException e) {
            reports.ended(uuid, ScanReports.STOPPED, clock.instant());
            context.log("stopped");
            throw e;
        } catch (AdapterClient.AdapterException e) {
            reports.ended(uuid, ScanReports.ERROR, clock.instant());
            context.log("scan failed: " + e.getMessage());
            throw new UnrecoverableJobException(e.getMessage());
        } finally {
            if (robotId != null) {
                credentials.revoke(robotId);
                context.log("pull credential revoked");
            }
        }
    }

    /**
     * A scan on push has no report yet: pick the project's scanner and report type now (the event
     * consumer must not call out), and start the report; empty when there is nothing to scan with,
     * the adapter does not take this artifact, or a scan of it is already in progress.
     */
    private Optional<String> beginOnPush(JobContext context, JsonNode params) {
        Optional<ScannerRegistration> scanner =
                registrations.ofProject(params.path("project_id").asLong());
        if (scanner.isEmpty() || scanner.get().disabled()) {
            context.log("not scanned: the project has no enabled scanner");
            return Optional.empty();
        }
        AdapterMetadata metadata;
        try {
            metadata = registrations.client(scanner.get()).metadata();
        } catch (AdapterClient.AdapterException e) {
            context.log("not scanned: " + e.getMessage());
            throw new UnrecoverableJobException(e.getMessage());
        }
        Optional<String> mimeType =
                metadata.capability(mimeTypeOf(params), ScanTypes.VULNERABILITY).flatMap(ScanService::reportMimeType);
        if (mimeType.isEmpty()) {
            context.log(
                    "not scanned: " + scanner.get().name() + " does not scan artifacts of type " + mimeTypeOf(params));
            return Optional.empty();
        }
        Optional<String> started = reports.begin(
                java.util.UUID.randomUUID().toString(),
                params.path("artifact_id").asLong(),
                params.path("digest").asString(),
                scanner.get().uuid(),
                mimeType.get(),
                clock.instant());
        if (started.isEmpty()) {
            context.log("not scanned again: a scan of this artifact is in progress");
            return Optional.empty();
        }
        reports.attachTask(started.get(), context.taskId());
        return started;
    }

    private String mimeTypeOf(JsonNode params) {
        String mime = params.path("mime_type").asString("");
        return mime.isEmpty() ? "application/vnd.oci.image.manifest.v1+json" : mime;
    }

    /** Keeps the report as the adapter sent it, with its overall severity (the report's, else the worst item's). */
    private void store(String uuid, String body) {
        JsonNode report;
        try {
            report = json.readTree(body);
        } catch (JacksonException e) {
            throw new AdapterClient.AdapterException("the report is not JSON");
        }
        if (!report.isObject()) {
            throw new AdapterClient.AdapterException("the report is not a JSON object");
        }
        StoredReport prepared = StoredReport.prepare(json, (ObjectNode) report);
        reports.succeeded(uuid, prepared.report(), prepared.summary(), prepared.severity(), clock.instant());
    }
}
