package dev.berth.scan;

import dev.berth.iam.ExternalUrl;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.JobStoppedException;
import dev.berth.job.UnrecoverableJobException;
import dev.berth.robot.PullCredentials;
import dev.berth.scan.builtin.BuiltinScanner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
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
    private final BuiltinScanner builtin;
    private final BuiltinSboms sboms;
    private final SbomAccessories accessories;

    ScanJob(
            ScanReports reports,
            ScannerRecords scanners,
            Scanners registrations,
            PullCredentials credentials,
            ExternalUrl externalUrl,
            ScanSettings settings,
            JsonMapper json,
            Clock clock,
            BuiltinScanner builtin,
            BuiltinSboms sboms,
            SbomAccessories accessories) {
        this.builtin = builtin;
        this.sboms = sboms;
        this.accessories = accessories;
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
        Optional<ScannerRegistration> scanner = registrations.find(report.get().registrationUuid());
        if (scanner.isEmpty()) {
            reports.ended(uuid, ScanReports.ERROR, clock.instant());
            context.log("not scanned: the scanner was deleted");
            throw new UnrecoverableJobException("the scanner was deleted");
        }
        boolean sbom = report.get().mimeType().equals(ScanTypes.SBOM_REPORT);
        if (BuiltinRegistration.is(scanner.get())) {
            runBuiltin(context, params, report.get(), sbom);
            return;
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
            Map<String, Object> scanRequest = new LinkedHashMap<>();
            scanRequest.put("registry", registry);
            scanRequest.put("artifact", artifact);
            String sbomMediaType = ScanTypes.SPDX_JSON;
            if (sbom) {
                // v1.2: ask for the SBOM capability alone, in SPDX as Harbor does (CycloneDX when that is all it
                // writes)
                sbomMediaType = metadata.capability(mimeTypeOf(params), ScanTypes.SBOM)
                        .map(c -> c.sbomMediaTypes().contains(ScanTypes.SPDX_JSON)
                                ? ScanTypes.SPDX_JSON
                                : c.sbomMediaTypes().getFirst())
                        .orElse(ScanTypes.SPDX_JSON);
                scanRequest.put(
                        "enabled_capabilities",
                        List.of(Map.of(
                                "type", ScanTypes.SBOM,
                                "produces_mime_types", List.of(ScanTypes.SBOM_REPORT),
                                "parameters", Map.of("sbom_media_types", List.of(sbomMediaType)))));
            }
            Instant started = clock.instant();
            String requestId = adapter.submit(scanRequest);
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
                AdapterClient.ReportPoll poll = sbom
                        ? adapter.report(requestId, report.get().mimeType(), "sbom_media_type=" + sbomMediaType)
                        : adapter.report(requestId, report.get().mimeType());
                if (poll instanceof AdapterClient.ReportPoll.Ready ready) {
                    if (sbom) {
                        storeAdapterSbom(
                                context, uuid, params, report.get(), ready.body(), started, metadata.scanner());
                    } else {
                        store(uuid, ready.body());
                    }
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
            metadata = BuiltinRegistration.is(scanner.get())
                    ? registrations.metadata(scanner.get())
                    : registrations.client(scanner.get()).metadata();
        } catch (AdapterClient.AdapterException e) {
            context.log("not scanned: " + e.getMessage());
            throw new UnrecoverableJobException(e.getMessage());
        }
        String scanType = params.path("scan_type").asString(ScanTypes.VULNERABILITY);
        Optional<String> mimeType =
                metadata.capability(mimeTypeOf(params), scanType).flatMap(c -> ScanService.reportMimeType(c, scanType));
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

    /**
     * A scan by the built-in scanner, in process: the layers are read from the blob store (no
     * credential is minted), the SBOMs written and kept, and then either the SBOM stored as an
     * accessory (an SBOM scan) or the matcher's vulnerability report stored.
     */
    private void runBuiltin(JobContext context, JsonNode params, ScanReports.Report report, boolean sbom)
            throws Exception {
        String uuid = report.uuid();
        AdapterMetadata.Scanner scanner =
                BuiltinRegistration.metadata(builtin.version()).scanner();
        reports.runningInProcess(uuid, scanner);
        String repository = params.path("repository").asString();
        String tag = params.path("tag").asString("");
        Instant started = clock.instant();
        try {
            context.checkStop();
            BuiltinScanner.Sboms documents =
                    builtin.sboms(repository, report.digest(), tag.isEmpty() ? Optional.empty() : Optional.of(tag));
            context.log(
                    "catalogued " + documents.packages().size() + " packages of " + repository + "@" + report.digest());
            documents.notes().forEach(n -> context.log("note: " + n));
            sboms.keep(
                    report.manifestId(), report.digest(), documents.cycloneDx(), documents.packages(), clock.instant());
            context.checkStop();
            if (sbom) {
                SbomAccessories.Replaced stored = accessories.replace(
                        repository,
                        report.digest(),
                        SbomAccessories.utf8(documents.spdx()),
                        ScanTypes.SPDX_JSON,
                        clock.instant(),
                        accessory -> storeSbomSummary(uuid, repository, accessory, started, scanner));
                logStored(context, stored);
            } else {
                String vulnerabilities = builtin.vulnerabilities(documents.cycloneDx());
                json.readTree(vulnerabilities).path("notes").forEach(n -> context.log("note: " + n.asString("")));
                store(uuid, vulnerabilities);
                context.log("report stored");
            }
        } catch (JobStoppedException e) {
            reports.ended(uuid, ScanReports.STOPPED, clock.instant());
            context.log("stopped");
            throw e;
        } catch (BuiltinScanner.NotScannable | AdapterClient.AdapterException | java.io.UncheckedIOException e) {
            reports.ended(uuid, ScanReports.ERROR, clock.instant());
            context.log("scan failed: " + e.getMessage());
            throw new UnrecoverableJobException(e.getMessage());
        } catch (RuntimeException e) {
            reports.ended(uuid, ScanReports.ERROR, clock.instant());
            context.log("scan failed: " + e.getClass().getSimpleName());
            throw e;
        }
    }

    /**
     * An adapter's SBOM report (v1.2: the document in its {@code sbom} field): the document pushed as
     * an accessory of the artifact, and Harbor's SBOM summary kept as the report.
     */
    private void storeAdapterSbom(
            JobContext context,
            String uuid,
            JsonNode params,
            ScanReports.Report report,
            String body,
            Instant started,
            AdapterMetadata.Scanner scanner) {
        JsonNode parsed;
        try {
            parsed = json.readTree(body);
        } catch (JacksonException e) {
            throw new AdapterClient.AdapterException("the SBOM report is not JSON");
        }
        JsonNode document = parsed.path("sbom");
        if (!document.isObject()) {
            throw new AdapterClient.AdapterException("the SBOM report has no sbom document");
        }
        String mediaType = parsed.path("media_type").asString(ScanTypes.SPDX_JSON);
        String repository = params.path("repository").asString();
        SbomAccessories.Replaced stored = accessories.replace(
                repository,
                report.digest(),
                json.writeValueAsBytes(document),
                mediaType,
                clock.instant(),
                accessory -> storeSbomSummary(uuid, repository, accessory, started, scanner));
        logStored(context, stored);
    }

    private static void logStored(JobContext context, SbomAccessories.Replaced stored) {
        context.log("SBOM stored as accessory " + stored.digest());
        stored.deleted().forEach(d -> context.log("previous SBOM accessory " + d + " deleted"));
    }

    /** Harbor's SBOM summary: where the accessory is, when it was made and by which scanner. */
    private void storeSbomSummary(
            String uuid, String repository, String accessory, Instant started, AdapterMetadata.Scanner scanner) {
        Instant end = clock.instant();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("start_time", started.toString());
        summary.put("end_time", end.toString());
        summary.put("duration", Duration.between(started, end).toSeconds());
        summary.put("sbom_repository", repository);
        summary.put("sbom_digest", accessory);
        summary.put("scan_status", ScanReports.SUCCESS);
        summary.put("scanner", scanner);
        String text = json.writeValueAsString(summary);
        reports.succeeded(uuid, text, text, "", end);
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
