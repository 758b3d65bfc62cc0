package dev.berth.scan.osv;

import dev.berth.scan.BuiltinReportRefresh;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Derives the built-in scanner's reports of artifacts again from their indexed packages ({@link
 * SbomIndex}), a batch at a time: one query for the batch's reports, one for its packages, one
 * advisory lookup for all of them, each package matched once however many artifacts list it, and
 * the batch's reports written in one transaction.
 */
@Component
class SbomRematcher {
    /** Artifacts per {@link #rematch} call that callers with more use. */
    static final int BATCH = 250;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final BuiltinReportRefresh refresh;
    private final OsvMatcher matcher;
    private final JsonMapper json;

    SbomRematcher(
            JdbcClient jdbc,
            TransactionTemplate tx,
            BuiltinReportRefresh refresh,
            OsvMatcher matcher,
            JsonMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.refresh = refresh;
        this.matcher = matcher;
        this.json = json;
    }

    /**
     * Re-matches the artifacts' indexed packages and replaces their built-in reports (an artifact
     * with none is skipped); how many were replaced. Callers pass at most about {@link #BATCH}.
     */
    int rematch(Collection<Long> manifestIds) {
        Map<Long, List<String>> reports = refresh.reportsOf(manifestIds);
        if (reports.isEmpty()) {
            return 0;
        }
        Map<Long, List<String>> purls = new LinkedHashMap<>();
        reports.keySet().forEach(id -> purls.put(id, new ArrayList<>()));
        jdbc.sql("""
                        SELECT DISTINCT manifest_id, purl FROM sbom_package
                        WHERE manifest_id = ANY (?) ORDER BY manifest_id, purl
                        """).param(reports.keySet().toArray(Long[]::new)).query(rs -> {
            purls.get(rs.getLong(1)).add(rs.getString(2));
        });
        Map<Long, OsvMatcher.Report> matched = matcher.matchAll(purls);
        Map<String, JsonNode> replacements = new LinkedHashMap<>();
        reports.forEach((manifestId, uuids) -> {
            JsonNode report = json.valueToTree(matched.get(manifestId));
            uuids.forEach(uuid -> replacements.put(uuid, report));
        });
        tx.executeWithoutResult(status -> refresh.replaceAll(replacements));
        return replacements.size();
    }
}
