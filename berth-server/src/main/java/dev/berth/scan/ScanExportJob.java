package dev.berth.scan;

import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.UnrecoverableJobException;
import dev.berth.policy.DoublestarPattern;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's scan data export ({@code SCAN_DATA_EXPORT}): the vulnerabilities of one project's
 * artifacts, filtered by repository and tag patterns (doublestar, as Harbor), labels and CVE ids,
 * written as Harbor's CSV and kept with the execution for its download.
 */
final class ScanExportJob implements JobKind {
    static final String NAME = "SCAN_DATA_EXPORT";
    static final String HEADER =
            "Repository,Artifact Digest,CVE,Package,Current Version,Fixed in version,Severity,CWE Ids,Additional Data,Scanner";
    /** Artifacts whose rows are read in one query. */
    private static final int GROUP = 500;

    private final ScanExportRecords records;
    private final Clock clock;

    ScanExportJob(ScanExportRecords records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(2);
    }

    @Override
    public void run(JobContext context) throws Exception {
        JsonNode params = context.parameters();
        long projectId = params.path("project_id").asLong();
        Predicate<String> repositories = pattern(params.path("repositories").asString(""));
        Predicate<String> tags = pattern(params.path("tags").asString(""));
        Predicate<String> cves = cvePattern(params.path("cve_ids").asString(""));
        Set<Long> labels = new HashSet<>();
        params.path("labels").forEach(l -> labels.add(l.asLong()));
        boolean tagFilter = !params.path("tags").asString("").isEmpty();

        List<ScanExportRecords.Repo> repos = records.repositories(projectId).stream()
                .filter(r -> repositories.test(r.name().substring(r.name().indexOf('/') + 1)))
                .toList();
        context.log("exporting the scan data of " + repos.size() + " repositories");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((HEADER + "\n").getBytes(StandardCharsets.UTF_8));
        long rows = 0;
        for (int i = 0; i < repos.size(); i++) {
            context.checkStop();
            List<Long> ids = new ArrayList<>();
            for (ScanExportRecords.Candidate a : records.artifacts(repos.get(i).id())) {
                if (tagFilter && a.tags().stream().noneMatch(tags)) {
                    continue;
                }
                if (!labels.isEmpty() && a.labels().stream().noneMatch(labels::contains)) {
                    continue;
                }
                ids.add(a.id());
            }
            for (int from = 0; from < ids.size(); from += GROUP) {
                long[] written = {0};
                records.rows(ids.subList(from, Math.min(ids.size(), from + GROUP)), row -> {
                    if (cves.test(row.cveId())) {
                        out.writeBytes(line(row).getBytes(StandardCharsets.UTF_8));
                        written[0]++;
                    }
                });
                rows += written[0];
            }
            context.progress((int) ((i + 1) * 100L / repos.size()));
        }
        byte[] csv = out.toByteArray();
        String digest = "sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(csv));
        records.store(context.executionId(), digest, csv, clock.instant());
        context.progress(100);
        context.log("exported " + rows + " vulnerability rows (" + csv.length + " bytes, " + digest + ")");
    }

    /** A doublestar pattern; empty matches everything. */
    static Predicate<String> pattern(String source) {
        if (source.isEmpty()) {
            return s -> true;
        }
        try {
            DoublestarPattern p = DoublestarPattern.compile(source);
            return p::matches;
        } catch (IllegalArgumentException e) {
            throw new UnrecoverableJobException("invalid pattern " + source + ": " + e.getMessage());
        }
    }

    /**
     * CVE ids as Harbor takes them: one id or pattern, or several between braces separated by
     * commas; a plain list between braces is a set (it may be longer than patterns may expand to).
     */
    static Predicate<String> cvePattern(String source) {
        if (source.startsWith("{")
                && source.endsWith("}")
                && !source.substring(1, source.length() - 1).matches(".*[*?\\[\\]{}\\\\].*")) {
            Set<String> ids = Set.of(source.substring(1, source.length() - 1).split(","));
            return ids::contains;
        }
        return pattern(source);
    }

    /** One CSV record as Go's encoding/csv writes it (quoted only when needed, LF-terminated). */
    static String line(ScanExportRecords.Row r) {
        return String.join(
                        ",",
                        field(r.repository()),
                        field(r.digest()),
                        field(r.cveId()),
                        field(r.packageName()),
                        field(r.version()),
                        field(r.fixVersion()),
                        field(r.severity()),
                        field(r.cweIds()),
                        field(r.additionalData()),
                        field(r.scanner()))
                + "\n";
    }

    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        boolean quote = value.equals("\\.")
                || value.indexOf(',') >= 0
                || value.indexOf('"') >= 0
                || value.indexOf('\r') >= 0
                || value.indexOf('\n') >= 0
                || value.charAt(0) == ' '
                || value.charAt(0) == '\t';
        return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
