package dev.berth.scan.osv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.scan.ScanReportStored;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stored SBOM reports (of any scanner) are indexed: "which artifacts contain package X" answers
 * from them, only with artifacts the caller may read, and a change of the OSV database re-matches
 * the SBOMs it concerns into the built-in scanner's reports, with no layer read.
 */
class SbomIndexTest {
    private static BerthServer server;
    private static TestAccounts accounts;
    private static RegistryClient admin;
    private static String project;
    private static String builtinReport;
    private static String otherBuiltinReport;

    @BeforeAll
    static void start() {
        server = BerthServer.shared();
        accounts = new TestAccounts(server);
        admin = server.adminClient();
        project = accounts.project("sbomidx", false);
        String repository = project + "/app";
        admin.pushImage(repository, "v1", "layer".getBytes(StandardCharsets.UTF_8));
        long manifestId =
                accounts.jdbc().sql("""
                        SELECT m.id FROM manifest m JOIN repository r ON r.id = m.repository_id
                        WHERE r.name = ? LIMIT 1
                        """).param(repository).query(Long.class).single();
        String sbom = UUID.randomUUID().toString();
        builtinReport = UUID.randomUUID().toString();
        String sbomReport = """
                {"generated_at":"2026-12-07T00:00:00Z","media_type":"application/vnd.cyclonedx+json",
                 "sbom":{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
                   {"type":"library","name":"log4j-core","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
                   {"type":"library","name":"lodash","purl":"pkg:npm/lodash@4.17.20"},
                   {"type":"operating-system","name":"debian","components":[
                     {"type":"library","name":"tar","purl":"pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?distro=debian-12"}]}]}}
                """;
        insertReport(
                sbom,
                manifestId,
                "sbom-scanner",
                "application/vnd.security.sbom.report+json; version=1.0",
                "Trivy",
                sbomReport);
        insertReport(
                builtinReport,
                manifestId,
                "builtin",
                "application/vnd.security.vulnerability.report; version=1.1",
                "Berth",
                "{\"vulnerabilities\":[]}");
        // what ScanReports publishes when a report is stored as Success
        server.bean(SbomIndex.class).onStored(new ScanReportStored(sbom));

        // a second artifact whose SBOM lists only a log4j-core that is not vulnerable
        admin.pushImage(repository, "v2", "other layer".getBytes(StandardCharsets.UTF_8));
        long otherId = accounts.jdbc()
                .sql("""
                        SELECT m.id FROM manifest m JOIN repository r ON r.id = m.repository_id
                        WHERE r.name = ? AND m.id <> ? LIMIT 1
                        """)
                .params(repository, manifestId)
                .query(Long.class)
                .single();
        String otherSbom = UUID.randomUUID().toString();
        otherBuiltinReport = UUID.randomUUID().toString();
        insertReport(
                otherSbom,
                otherId,
                "sbom-scanner",
                "application/vnd.security.sbom.report+json; version=1.0",
                "Trivy",
                """
                {"generated_at":"2026-12-07T00:00:00Z","media_type":"application/vnd.cyclonedx+json",
                 "sbom":{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
                   {"type":"library","name":"log4j-core","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1"}]}}
                """);
        insertReport(
                otherBuiltinReport,
                otherId,
                "builtin",
                "application/vnd.security.vulnerability.report; version=1.1",
                "Berth",
                "{\"vulnerabilities\":[{\"id\":\"STALE-1\",\"package\":\"x\",\"version\":\"1\",\"severity\":\"High\"}]}");
        accounts.jdbc()
                .sql("SELECT scan_report_index(?)")
                .param(otherBuiltinReport)
                .query()
                .listOfRows();
        server.bean(SbomIndex.class).onStored(new ScanReportStored(otherSbom));
    }

    @AfterAll
    static void clean() {
        accounts.jdbc()
                .sql("DELETE FROM scan_report WHERE uuid IN (?, ?)")
                .params(builtinReport, otherBuiltinReport)
                .update();
    }

    @Test
    void artifactsContainingAPackageInAVersionRangeAreFound() {
        JsonNode hits = search("type=maven&name=org.apache.logging.log4j:log4j-core&version_range=%3E%3D2.0,%3C2.15.0");
        assertThat(hits.size()).isEqualTo(1);
        assertThat(hits.get(0).path("repository_name").asString()).isEqualTo(project + "/app");
        assertThat(hits.get(0).path("project_name").asString()).isEqualTo(project);
        assertThat(hits.get(0).path("tag").asString()).isEqualTo("v1");
        assertThat(hits.get(0).path("package").path("version").asString()).isEqualTo("2.14.1");
        // only the second artifact's log4j-core (2.17.1) is at or above 2.15.0
        JsonNode newer = search("type=maven&name=org.apache.logging.log4j:log4j-core&version_range=%3E%3D2.15.0");
        assertThat(newer.size()).isEqualTo(1);
        assertThat(newer.get(0).path("tag").asString()).isEqualTo("v2");
        // nested CycloneDX components are indexed, with the distribution's version order
        assertThat(search("type=deb&name=tar&version_range=%3C1.34%2Bdfsg-1.2%2Bdeb12u2")
                        .size())
                .isEqualTo(1);
        assertThat(search("type=npm&name=lodash").size()).isEqualTo(1);
    }

    @Test
    void onlyArtifactsTheCallerMayReadAreAnswered() {
        TestAccounts.Account outsider = accounts.user("sbomout");
        RegistryClient.Response r = outsider.client().get("/api/v2.0/packages/artifacts?type=npm&name=lodash");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().toString()).doesNotContain(project);
        assertThat(server.anonymousClient()
                        .get("/api/v2.0/packages/artifacts?type=npm&name=lodash")
                        .json()
                        .toString())
                .doesNotContain(project);

        TestAccounts.Account member = accounts.user("sbomin");
        accounts.member(project, member, ProjectRole.GUEST);
        assertThat(member.client()
                        .get("/api/v2.0/packages/artifacts?type=npm&name=lodash")
                        .json()
                        .toString())
                .contains(project);
    }

    @Test
    void badRangesAreRefused() {
        assertThat(admin.get("/api/v2.0/packages/artifacts?type=maven&name=x&version_range=%3E%3D")
                        .status())
                .isEqualTo(400);
        assertThat(admin.get("/api/v2.0/packages/artifacts?type=unknown&name=x&version_range=%3E1")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void aDatabaseChangeRematchesTheBuiltinReportFromTheSbom() {
        RegistryClient.Response imported = admin.send(
                "PUT",
                "/api/v2.0/vulnerability-database/archives/Maven",
                OsvDatabaseTest.archive("Maven"),
                "Content-Type",
                "application/zip");
        assertThat(imported.status()).isEqualTo(200);
        // the shared server may have loaded the same archive before: force the change
        int replaced = server.bean(SbomIndex.class)
                .rematchConcerned(Set.of(new OsvRecords.PackageKey("Maven", "org.apache.logging.log4j:log4j-core")));
        assertThat(replaced).isGreaterThanOrEqualTo(2);
        Map<String, Object> row = accounts.jdbc()
                .sql("SELECT severity, report::text AS report, critical_cnt FROM scan_report WHERE uuid = ?")
                .param(builtinReport)
                .query()
                .singleRow();
        assertThat(row.get("severity")).isEqualTo("Critical");
        assertThat((String) row.get("report")).contains("CVE-2021-44228");
        assertThat(((Number) row.get("critical_cnt")).longValue()).isEqualTo(1);
        // both artifacts were re-matched in one batch, each from its own packages only
        Map<String, Object> other = accounts.jdbc()
                .sql("SELECT severity, report::text AS report, critical_cnt, high_cnt FROM scan_report WHERE uuid = ?")
                .param(otherBuiltinReport)
                .query()
                .singleRow();
        assertThat((String) other.get("report"))
                .doesNotContain("CVE-2021-44228")
                .doesNotContain("STALE-1");
        assertThat(((Number) other.get("critical_cnt")).longValue()).isZero();
        assertThat(((Number) other.get("high_cnt")).longValue()).isZero();
        assertThat(accounts.jdbc()
                        .sql("SELECT count(*) FROM scan_vulnerability WHERE report_uuid = ?")
                        .param(otherBuiltinReport)
                        .query(Long.class)
                        .single())
                .isZero();
        // and the batch gives an artifact the report its packages alone give
        JsonMapper json = server.bean(JsonMapper.class);
        JsonNode alone = json.valueToTree(server.bean(OsvMatcher.class)
                .matchPurls(List.of(
                        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                        "pkg:npm/lodash@4.17.20",
                        "pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?distro=debian-12")));
        assertThat(json.readTree((String) row.get("report")).path("vulnerabilities"))
                .isEqualTo(alone.path("vulnerabilities"));
    }

    private static JsonNode search(String query) {
        RegistryClient.Response r = admin.get("/api/v2.0/packages/artifacts?" + query);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private static void insertReport(
            String uuid, long manifestId, String registration, String mimeType, String vendor, String report) {
        Timestamp now = Timestamp.from(Instant.now());
        accounts.jdbc()
                .sql("""
                        INSERT INTO scan_report (uuid, manifest_id, digest, registration_uuid, mime_type, status,
                                                 scanner_name, scanner_vendor, scanner_version, report, start_time, end_time)
                        VALUES (?, ?, '', ?, ?, 'Success', ?, ?, '1', CAST(? AS jsonb), ?, ?)
                        """)
                .params(uuid, manifestId, registration, mimeType, vendor, vendor, report, now, now)
                .update();
    }
}
