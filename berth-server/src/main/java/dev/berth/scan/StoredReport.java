package dev.berth.scan;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A vulnerability report as stored: the report with its overall severity (the report's, else the
 * worst item's), and Harbor's VulnerabilitySummary kept beside it so overviews never parse reports.
 */
record StoredReport(String report, String summary, String severity) {
    /** A report's new body, for {@link ScanReports#succeededAll}. */
    record Replacement(String uuid, StoredReport stored) {}

    static StoredReport prepare(JsonMapper json, ObjectNode report) {
        Severity worst = Severity.of(report.path("severity").asString("")).orElse(Severity.NONE);
        int total = 0;
        int fixable = 0;
        Map<String, Integer> bySeverity = new LinkedHashMap<>();
        for (JsonNode v : report.path("vulnerabilities")) {
            Severity s = Severity.of(v.path("severity").asString("")).orElse(Severity.UNKNOWN);
            if (s.compareTo(worst) > 0) {
                worst = s;
            }
            total++;
            if (!v.path("fix_version").asString("").isEmpty()) {
                fixable++;
            }
            bySeverity.merge(s.wire(), 1, Integer::sum);
        }
        if (!report.path("severity").isString()
                || report.path("severity").asString().isEmpty()) {
            report.put("severity", worst.wire());
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total", total);
        summary.put("fixable", fixable);
        summary.put("summary", bySeverity);
        return new StoredReport(json.writeValueAsString(report), json.writeValueAsString(summary), worst.wire());
    }
}
