package dev.berth.scan.osv;

import dev.berth.scan.BuiltinReportRefresh;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Derives the built-in scanner's reports of artifacts again from their indexed packages ({@link SbomIndex}). */
@Component
class SbomRematcher {
    private final JdbcClient jdbc;
    private final BuiltinReportRefresh refresh;
    private final OsvMatcher matcher;
    private final JsonMapper json;

    SbomRematcher(JdbcClient jdbc, BuiltinReportRefresh refresh, OsvMatcher matcher, JsonMapper json) {
        this.jdbc = jdbc;
        this.refresh = refresh;
        this.matcher = matcher;
        this.json = json;
    }

    /** Re-matches the artifacts' indexed packages and replaces their built-in reports; how many were replaced. */
    int rematch(Set<Long> manifestIds) {
        int replaced = 0;
        for (long manifestId : manifestIds) {
            List<String> reports = refresh.reportsOf(manifestId);
            if (reports.isEmpty()) {
                continue;
            }
            List<String> purls = jdbc.sql("SELECT DISTINCT purl FROM sbom_package WHERE manifest_id = ? ORDER BY purl")
                    .param(manifestId)
                    .query(String.class)
                    .list();
            String report = json.writeValueAsString(matcher.matchPurls(purls));
            for (String uuid : reports) {
                refresh.replace(uuid, report);
                replaced++;
            }
        }
        return replaced;
    }
}
