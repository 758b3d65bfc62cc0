package dev.berth.scan.osv;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import dev.berth.scan.BuiltinSbomKept;
import dev.berth.scan.BuiltinSboms;
import dev.berth.scan.SbomReports;
import dev.berth.scan.ScanReportStored;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one index of the packages of every SBOM Berth keeps (tables {@code sbom_package} and
 * {@code sbom_indexed}, V141, V156): the SBOM reports of any scanner (rows with their report's
 * uuid), filled when a report is stored, and the SBOM the built-in scanner keeps of each artifact
 * it scanned (rows with no report), replaced in the transaction that keeps it. At start, whatever
 * was stored while no replica listened (or before this index existed) is indexed. Read to answer
 * "which artifacts contain package X", and to re-match the SBOMs a change of the OSV database
 * concerns, replacing the built-in scanner's reports of those artifacts without reading a layer.
 */
@Component
class SbomIndex {
    private static final Logger log = LoggerFactory.getLogger(SbomIndex.class);
    private static final int PAGE = 200;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final SbomReports sboms;
    private final BuiltinSboms builtinSboms;
    private final SbomRematcher rematcher;
    private final JsonMapper json;
    private final Executions executions;

    SbomIndex(
            JdbcClient jdbc,
            TransactionTemplate tx,
            SbomReports sboms,
            BuiltinSboms builtinSboms,
            SbomRematcher rematcher,
            JsonMapper json,
            Executions executions) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.sboms = sboms;
        this.builtinSboms = builtinSboms;
        this.rematcher = rematcher;
        this.json = json;
        this.executions = executions;
    }

    /** A package of an SBOM as indexed. */
    record Row(String purlType, String name, String version, String purl, Optional<OsvRecords.PackageKey> osv) {}

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void onStored(ScanReportStored stored) {
        sboms.find(stored.uuid()).ifPresent(this::index);
    }

    /**
     * Indexes what was stored while no replica was listening (or before this index existed), in
     * the background so that start-up does not wait for it.
     */
    @EventListener(ApplicationReadyEvent.class)
    void catchUpInBackground() {
        Thread.ofVirtual().name("sbom-index-catch-up").start(() -> {
            try {
                catchUp();
            } catch (RuntimeException e) {
                log.warn("event=sbom_index_catch_up_failed error={}", e.toString());
            }
        });
    }

    /** In the transaction that keeps it: the built-in scanner's SBOM of the artifact replaces its rows. */
    @EventListener
    void onBuiltinKept(BuiltinSbomKept kept) {
        indexBuiltin(kept.manifestId(), kept.purls());
    }

    private void indexBuiltin(long manifestId, List<String> purls) {
        jdbc.sql("DELETE FROM sbom_package WHERE manifest_id = ? AND report_uuid IS NULL")
                .param(manifestId)
                .update();
        insert(
                null,
                manifestId,
                purls.stream().map(SbomIndex::row).flatMap(Optional::stream).toList());
    }

    void catchUp() {
        catchUpBuiltin();
        Instant after = Instant.EPOCH;
        String uuid = "";
        int indexed = 0;
        List<SbomReports.Sbom> page;
        do {
            page = sboms.after(after, uuid, PAGE);
            List<SbomReports.Sbom> stale =
                    page.stream().filter(s -> !current(s)).toList();
            // one commit per page, not per SBOM: at start-up thousands may be waiting, and a commit
            // each made the catch-up as slow as the disk's flushes
            tx.executeWithoutResult(status -> stale.forEach(this::index));
            indexed += stale.size();
            if (!page.isEmpty()) {
                after = page.getLast().endTime();
                uuid = page.getLast().uuid();
            }
        } while (page.size() == PAGE);
        if (indexed > 0) {
            log.info("event=sbom_index_caught_up reports={}", indexed);
        }
    }

    /** Kept built-in SBOMs that list packages but have no rows (kept before V156 dropped the old index). */
    private void catchUpBuiltin() {
        long after = 0;
        int indexed = 0;
        List<Long> page;
        do {
            page = builtinSboms.withPackagesAfter(after, PAGE);
            List<Long> missing = page.isEmpty()
                    ? List.of()
                    : jdbc.sql("""
                                    SELECT m FROM unnest(?::bigint[]) AS m
                                    WHERE NOT EXISTS (SELECT 1 FROM sbom_package p
                                                      WHERE p.manifest_id = m AND p.report_uuid IS NULL)
                                    """)
                            .param(page.toArray(Long[]::new))
                            .query(Long.class)
                            .list();
            for (long manifestId : missing) {
                Optional<String> document = builtinSboms.cycloneDx(manifestId);
                if (document.isPresent()) {
                    List<String> purls = new ArrayList<>(purlsOf(document.get()));
                    tx.executeWithoutResult(status -> indexBuiltin(manifestId, purls));
                    indexed++;
                }
            }
            if (!page.isEmpty()) {
                after = page.getLast();
            }
        } while (page.size() == PAGE);
        if (indexed > 0) {
            log.info("event=sbom_index_caught_up builtin_sboms={}", indexed);
        }
    }

    private Set<String> purlsOf(String cycloneDx) {
        Set<String> purls = new LinkedHashSet<>();
        try {
            collectCycloneDx(json.readTree(cycloneDx).path("components"), purls);
        } catch (JacksonException e) {
            // an unreadable document indexes nothing
        }
        return purls;
    }

    private boolean current(SbomReports.Sbom s) {
        return jdbc.sql("SELECT end_time FROM sbom_indexed WHERE report_uuid = ?")
                .param(s.uuid())
                .query((rs, i) -> rs.getTimestamp(1).toInstant())
                .optional()
                .map(t -> t.equals(s.endTime()))
                .orElse(false);
    }

    /** Replaces the report's rows with the packages of its SBOM (CycloneDX or SPDX JSON). */
    void index(SbomReports.Sbom s) {
        List<Row> rows = rows(s.report());
        tx.executeWithoutResult(status -> {
            jdbc.sql("DELETE FROM sbom_package WHERE report_uuid = ?")
                    .param(s.uuid())
                    .update();
            insert(s.uuid(), s.manifestId(), rows);
            jdbc.sql("""
                            INSERT INTO sbom_indexed (report_uuid, end_time) VALUES (?, ?)
                            ON CONFLICT (report_uuid) DO UPDATE SET end_time = EXCLUDED.end_time
                            """).params(s.uuid(), Timestamp.from(s.endTime())).update();
        });
    }

    /** Adds rows of one SBOM: a report's ({@code reportUuid}) or, with {@code null}, the built-in scanner's kept one. */
    private void insert(String reportUuid, long manifestId, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO sbom_package (report_uuid, manifest_id, purl_type, name, version, purl, ecosystem, package)
                        SELECT ?, ?, r.t, r.n, r.v, r.p, r.e, r.k
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS r(t, n, v, p, e, k)
                        """)
                .params(
                        reportUuid,
                        manifestId,
                        rows.stream().map(Row::purlType).toArray(String[]::new),
                        rows.stream().map(Row::name).toArray(String[]::new),
                        rows.stream().map(Row::version).toArray(String[]::new),
                        rows.stream().map(Row::purl).toArray(String[]::new),
                        rows.stream()
                                .map(r -> r.osv()
                                        .map(OsvRecords.PackageKey::ecosystem)
                                        .orElse(null))
                                .toArray(String[]::new),
                        rows.stream()
                                .map(r ->
                                        r.osv().map(OsvRecords.PackageKey::name).orElse(null))
                                .toArray(String[]::new))
                .update();
    }

    /** The packages of an SBOM report: CycloneDX components or SPDX packages with a purl. */
    List<Row> rows(String reportJson) {
        JsonNode report;
        try {
            report = json.readTree(reportJson);
        } catch (JacksonException e) {
            return List.of();
        }
        JsonNode sbom = report.path("sbom");
        Set<String> purls = new LinkedHashSet<>();
        collectCycloneDx(sbom.path("components"), purls);
        for (JsonNode p : sbom.path("packages")) {
            for (JsonNode ref : p.path("externalRefs")) {
                if (ref.path("referenceType").asString("").equals("purl")) {
                    purls.add(ref.path("referenceLocator").asString(""));
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String purl : purls) {
            row(purl).ifPresent(rows::add);
        }
        return rows;
    }

    static Optional<Row> row(String purl) {
        PackageURL p;
        try {
            p = new PackageURL(purl);
        } catch (MalformedPackageURLException | RuntimeException e) {
            return Optional.empty();
        }
        if (p.getVersion() == null || p.getType().equals("oci")) {
            return Optional.empty();
        }
        String type = p.getType();
        String ns = p.getNamespace();
        String name = switch (type) {
            case "maven" -> ns == null ? p.getName() : ns + ":" + p.getName();
            case "npm", "golang" -> ns == null ? p.getName() : ns + "/" + p.getName();
            case "pypi" -> Ecosystems.normalizedName("PyPI", p.getName());
            default -> p.getName();
        };
        Optional<OsvRecords.PackageKey> osv = PackageCoordinates.of(purl)
                .map(c -> new OsvRecords.PackageKey(c.ecosystems().getFirst(), c.name()));
        return Optional.of(new Row(type.toLowerCase(Locale.ROOT), name, p.getVersion(), purl, osv));
    }

    private static void collectCycloneDx(JsonNode components, Set<String> out) {
        for (JsonNode c : components) {
            String purl = c.path("purl").asString("");
            if (!purl.isEmpty()) {
                out.add(purl);
            }
            collectCycloneDx(c.path("components"), out);
        }
    }

    /**
     * After a database change: the artifacts with an indexed package the change concerns are found
     * here, and their built-in reports re-matched by an {@link SbomRematchJob} (none is queued when
     * no artifact is concerned).
     */
    @EventListener
    void onDatabaseChanged(OsvDatabase.Changed changed) {
        try {
            List<Long> manifests = concerned(changed.packages());
            if (manifests.isEmpty()) {
                return;
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("packages", changed.packages().size());
            params.put("manifest_ids", manifests);
            long id = executions.run(
                    SbomRematchJob.NAME,
                    -1,
                    Trigger.EVENT,
                    Map.of("packages", changed.packages().size(), "artifacts", manifests.size()),
                    params);
            log.info(
                    "event=sbom_rematch_queued execution={} packages={} artifacts={}",
                    id,
                    changed.packages().size(),
                    manifests.size());
        } catch (RuntimeException e) {
            // the load itself succeeded; reports are re-matched at the next change or scan
            log.warn(
                    "event=sbom_rematch_not_queued packages={} error={}",
                    changed.packages().size(),
                    e.toString());
        }
    }

    /** The artifacts with an indexed package among {@code packages}, each once. */
    List<Long> concerned(Set<OsvRecords.PackageKey> packages) {
        List<OsvRecords.PackageKey> keys = List.copyOf(packages);
        Set<Long> manifests = new LinkedHashSet<>();
        for (int from = 0; from < keys.size(); from += 1000) {
            List<OsvRecords.PackageKey> part = keys.subList(from, Math.min(keys.size(), from + 1000));
            manifests.addAll(jdbc.sql("""
                            SELECT DISTINCT s.manifest_id
                            FROM unnest(?::text[], ?::text[]) AS k(ecosystem, package)
                            JOIN sbom_package s ON s.ecosystem = k.ecosystem AND s.package = k.package
                            """)
                    .params(
                            part.stream().map(OsvRecords.PackageKey::ecosystem).toArray(String[]::new),
                            part.stream().map(OsvRecords.PackageKey::name).toArray(String[]::new))
                    .query(Long.class)
                    .list());
        }
        return List.copyOf(manifests);
    }

    /** Re-matches the artifacts with any of the packages now; returns how many reports were replaced. */
    int rematchConcerned(Set<OsvRecords.PackageKey> packages) {
        List<Long> manifests = concerned(packages);
        long started = System.nanoTime();
        int replaced = 0;
        for (int from = 0; from < manifests.size(); from += SbomRematcher.BATCH) {
            replaced +=
                    rematcher.rematch(manifests.subList(from, Math.min(manifests.size(), from + SbomRematcher.BATCH)));
        }
        log.info(
                "event=sbom_rematch packages={} artifacts={} reports={} millis={}",
                packages.size(),
                manifests.size(),
                replaced,
                (System.nanoTime() - started) / 1_000_000);
        return replaced;
    }
}
