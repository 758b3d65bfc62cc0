package dev.berth.scan;

import dev.berth.api.ApiException;
import dev.berth.api.ListQuery;
import dev.berth.api.Term;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The security hub's queries over the indexed reports ({@code scan_vulnerability} and the counts of
 * {@code scan_report}) of one scanner, as Harbor's security hub reads its vulnerability records.
 */
@Repository
class SecurityHubRecords {
    /** Harbor's per-severity sums over every report of the scanner. */
    record Counts(long critical, long high, long medium, long low, long none, long unknown, long fixable) {}

    record DangerousCve(
            String cveId, String severity, double cvssScoreV3, String desc, String packageName, String version) {}

    record DangerousArtifact(
            long projectId, String repositoryName, String digest, long criticalCnt, long highCnt, long mediumCnt) {}

    /** One vulnerability of one artifact (Harbor's VulnerabilityItem, before tags). */
    record Item(
            long projectId,
            String repositoryName,
            long artifactId,
            String digest,
            String cveId,
            String severity,
            String status,
            Optional<Double> cvssV3Score,
            String packageName,
            String version,
            String fixedVersion,
            String desc,
            List<String> links) {}

    /** Harbor caps the count it computes when asked to tune it. */
    static final long TUNED_COUNT_LIMIT = 1000;

    private static final String ITEMS = """
            FROM scan_vulnerability v
            JOIN scan_report r ON r.uuid = v.report_uuid
            JOIN manifest m ON m.id = r.manifest_id
            JOIN repository rp ON rp.id = m.repository_id
            WHERE r.registration_uuid = ?""";

    private final JdbcClient jdbc;

    SecurityHubRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Counts counts(String registrationUuid) {
        return jdbc.sql("""
                        SELECT COALESCE(sum(critical_cnt), 0), COALESCE(sum(high_cnt), 0), COALESCE(sum(medium_cnt), 0),
                               COALESCE(sum(low_cnt), 0), COALESCE(sum(none_cnt), 0), COALESCE(sum(unknown_cnt), 0),
                               COALESCE(sum(fixable_cnt), 0)
                        FROM scan_report WHERE registration_uuid = ?
                        """)
                .param(registrationUuid)
                .query((rs, i) -> new Counts(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7)))
                .single();
    }

    /** Artifacts with a report of the scanner, whatever its status (Harbor's scanned count). */
    long scanned(String registrationUuid) {
        return jdbc.sql("SELECT count(DISTINCT manifest_id) FROM scan_report WHERE registration_uuid = ?")
                .param(registrationUuid)
                .query(Long.class)
                .single();
    }

    /** The five CVEs with the highest CVSS v3 score (then severity); one row per CVE, package and version. */
    List<DangerousCve> dangerousCves(String registrationUuid) {
        return jdbc.sql("""
                        SELECT cve_id, severity, cvss_score_v3, description, package, package_version FROM (
                            SELECT DISTINCT ON (v.cve_id, v.package, v.package_version) v.*
                            FROM scan_vulnerability v JOIN scan_report r ON r.uuid = v.report_uuid
                            WHERE r.registration_uuid = ? AND v.cvss_score_v3 IS NOT NULL
                            ORDER BY v.cve_id, v.package, v.package_version) d
                        ORDER BY cvss_score_v3 DESC, severity_level DESC, cve_id, package
                        LIMIT 5
                        """)
                .param(registrationUuid)
                .query((rs, i) -> new DangerousCve(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getDouble(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
                .list();
    }

    /** The five artifacts with the most critical, then high, medium and low vulnerabilities. */
    List<DangerousArtifact> dangerousArtifacts(String registrationUuid) {
        return jdbc.sql("""
                        SELECT rp.project_id, rp.name, r.digest, r.critical_cnt, r.high_cnt, r.medium_cnt
                        FROM scan_report r JOIN manifest m ON m.id = r.manifest_id
                        JOIN repository rp ON rp.id = m.repository_id
                        WHERE r.registration_uuid = ? AND r.critical_cnt + r.high_cnt + r.medium_cnt + r.low_cnt > 0
                        ORDER BY r.critical_cnt DESC, r.high_cnt DESC, r.medium_cnt DESC, r.low_cnt DESC, r.manifest_id
                        LIMIT 5
                        """)
                .param(registrationUuid)
                .query((rs, i) -> new DangerousArtifact(
                        rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)))
                .list();
    }

    /** A page of vulnerabilities matching Harbor's {@code q} keywords, highest CVSS v3 score first. */
    List<Item> items(String registrationUuid, ListQuery query) {
        Where where = where(registrationUuid, query);
        List<Object> params = new ArrayList<>(where.params());
        params.add(query.pageSize());
        params.add(query.offset());
        return jdbc.sql("""
                        SELECT rp.project_id, rp.name, r.manifest_id, r.digest, v.cve_id, v.severity, v.status,
                               v.cvss_score_v3, v.package, v.package_version, v.fix_version, v.description, v.links
                        """ + ITEMS + where.sql()
                        + " ORDER BY v.cvss_score_v3 DESC NULLS LAST, r.manifest_id, v.ordinal LIMIT ? OFFSET ?")
                .params(params)
                .query((rs, i) -> item(rs))
                .list();
    }

    /** How many match; with {@code tuned}, -1 when more than {@link #TUNED_COUNT_LIMIT} do (Harbor's tune_count). */
    long count(String registrationUuid, ListQuery query, boolean tuned) {
        Where where = where(registrationUuid, query);
        if (tuned) {
            boolean exceeds = jdbc.sql(
                            "SELECT EXISTS (SELECT 1 " + ITEMS + where.sql() + " OFFSET " + TUNED_COUNT_LIMIT + ")")
                    .params(where.params())
                    .query(Boolean.class)
                    .single();
            if (exceeds) {
                return -1;
            }
        }
        return jdbc.sql("SELECT count(*) " + ITEMS + where.sql())
                .params(where.params())
                .query(Long.class)
                .single();
    }

    /** Up to ten tags of each artifact, in name order. */
    Map<Long, List<String>> tags(List<Long> artifactIds) {
        Map<Long, List<String>> out = new HashMap<>();
        if (artifactIds.isEmpty()) {
            return out;
        }
        jdbc.sql("""
                        SELECT manifest_id, name FROM (
                            SELECT manifest_id, name, row_number() OVER (PARTITION BY manifest_id ORDER BY name) AS n
                            FROM tag WHERE manifest_id = ANY (?)) t
                        WHERE n <= 10 ORDER BY manifest_id, name
                        """)
                .param(artifactIds.stream().distinct().toArray(Long[]::new))
                .query(rs -> {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                });
        return out;
    }

    private record Where(String sql, List<Object> params) {}

    /**
     * Harbor's security hub keywords: exact matches of cve_id, severity, status, project_id,
     * repository_name, package, tag and digest, and a range of cvss_score_v3; anything else is a 400.
     */
    private static Where where(String registrationUuid, ListQuery query) {
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        params.add(registrationUuid);
        for (Term term : query.terms()) {
            String key = term.field();
            String column = switch (key) {
                case "cve_id" -> "v.cve_id";
                case "severity" -> "v.severity";
                case "status" -> "v.status";
                case "package" -> "v.package";
                case "repository_name" -> "rp.name";
                case "digest" -> "r.digest";
                case "project_id" -> "rp.project_id";
                case "tag" -> "tag";
                case "cvss_score_v3" -> "v.cvss_score_v3";
                default -> throw ApiException.badRequest("keyword: " + key + " is not allowed");
            };
            if (key.equals("cvss_score_v3")) {
                if (!(term instanceof Term.Range range)) {
                    throw ApiException.badRequest("keyword: " + key + ", the query type is not allowed");
                }
                if (range.min().isPresent()) {
                    sql.append(" AND v.cvss_score_v3 >= ?");
                    params.add(score(key, range.min().get()));
                }
                if (range.max().isPresent()) {
                    sql.append(" AND v.cvss_score_v3 <= ?");
                    params.add(score(key, range.max().get()));
                }
                continue;
            }
            if (!(term instanceof Term.Exact exact)) {
                throw ApiException.badRequest("keyword: " + key + ", the query type is not allowed");
            }
            if (key.equals("tag")) {
                sql.append(" AND EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = r.manifest_id AND t.name = ?)");
                params.add(exact.value());
            } else if (key.equals("project_id")) {
                sql.append(" AND rp.project_id = ?");
                try {
                    params.add(Long.parseLong(exact.value()));
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("keyword: project_id must be a number");
                }
            } else {
                sql.append(" AND ").append(column).append(" = ?");
                params.add(exact.value());
            }
        }
        return new Where(sql.toString(), params);
    }

    private static double score(String key, String raw) {
        try {
            return Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("keyword: " + key + " needs numbers, not " + raw);
        }
    }

    private static Item item(ResultSet rs) throws SQLException {
        double score = rs.getDouble(8);
        Optional<Double> cvss = rs.wasNull() ? Optional.empty() : Optional.of(score);
        String links = rs.getString(13);
        return new Item(
                rs.getLong(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                cvss,
                rs.getString(9),
                rs.getString(10),
                rs.getString(11),
                rs.getString(12),
                links.isEmpty() ? List.of() : Arrays.asList(links.split("\\|")));
    }
}
