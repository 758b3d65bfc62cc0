package dev.berth.scan;

import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.ScannerAdapter;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's security hub over reports stored from a {@link ScannerAdapter}: three artifacts in two
 * projects with known vulnerabilities, the summary's counts and top fives, and the vulnerability
 * list with each of Harbor's keywords, paging, tags and tune_count.
 */
class SecurityHubTest {
    private static final String LOG4SHELL = """
            {"id":"CVE-2021-44228","package":"log4j-core","version":"2.14.1","fix_version":"2.15.0",
             "severity":"Critical","description":"Log4Shell","links":["https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
             "https://logging.apache.org/log4j/2.x/security.html"],"preferred_cvss":{"score_v3":10.0}}""";

    private static TestDatabase db;
    private static BerthServer server;
    private static RegistryClient admin;
    private static TestAccounts accounts;
    private static ScannerAdapter adapter;
    private static String projectA;
    private static String projectB;
    private static RegistryClient.Image a;
    private static RegistryClient.Image b;
    private static RegistryClient.Image c;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        // Harbor with no scanner installed: the built-in one is not the default here
                        "berth.scan.builtin-default", "false",
                        "berth.jobs.poll-interval", "200ms",
                        "berth.scan.default-refresh-after", "1s"));
        admin = server.adminClient();
        accounts = new TestAccounts(server);
        adapter = ScannerAdapter.start().notReadyPolls(0);
        projectA = accounts.project("hub-a", false);
        projectB = accounts.project("hub-b", false);
        a = admin.pushImage(projectA + "/app", "v1", "a".getBytes(StandardCharsets.UTF_8));
        admin.pushManifest(projectA + "/app", "v2", ScannerAdapter.OCI_MANIFEST, a.manifestBytes());
        b = admin.pushImage(projectB + "/web", "latest", "b".getBytes(StandardCharsets.UTF_8));
        c = admin.pushImage(projectB + "/clean", "latest", "c".getBytes(StandardCharsets.UTF_8));
        adapter.vulnerabilities(a.manifest().toString(), "[" + LOG4SHELL + """
                ,{"id":"CVE-2023-0001","package":"zlib","version":"1.2.11","fix_version":"","severity":"Low",
                  "description":"a low one","links":[],"preferred_cvss":{"score_v3":3.1}}]""");
        adapter.vulnerabilities(b.manifest().toString(), "[" + LOG4SHELL + """
                ,{"id":"CVE-2022-1111","package":"openssl","version":"3.0.1","fix_version":"3.0.2","severity":"High",
                  "description":"a high one","links":["https://example.org/1111"],"preferred_cvss":{"score_v3":7.5}},
                 {"id":"CVE-2022-2222","package":"busybox","version":"1.35","fix_version":"1.36","severity":"Medium",
                  "description":"no score"}]""");
        adapter.vulnerabilities(c.manifest().toString(), "[]");
    }

    @AfterAll
    static void stop() {
        adapter.close();
        server.close();
        db.close();
    }

    private static void scan(String repository, String reference) {
        String[] parts = repository.split("/", 2);
        RegistryClient.check(
                postJson(
                        admin,
                        "/api/v2.0/projects/" + parts[0] + "/repositories/" + parts[1] + "/artifacts/" + reference
                                + "/scan",
                        Map.of("scan_type", "vulnerability")),
                202);
    }

    private static void scanAllThree() {
        scan(projectA + "/app", "v1");
        scan(projectB + "/web", "latest");
        scan(projectB + "/clean", "latest");
        Eventually.await(SecurityHubTest::successes, n -> n == 3);
        Eventually.await(
                () -> accounts.jdbc()
                        .sql("SELECT count(*) FROM scan_report WHERE status IN ('Pending', 'Running')")
                        .query(Long.class)
                        .single(),
                n -> n == 0);
    }

    private static long successes() {
        return accounts.jdbc()
                .sql("SELECT count(*) FROM scan_report WHERE status = 'Success'")
                .query(Long.class)
                .single();
    }

    private static Response vul(String query) {
        Response r = admin.get("/api/v2.0/security/vul" + query);
        RegistryClient.check(r, 200);
        return r;
    }

    private static String q(String term) {
        return "?q=" + URLEncoder.encode(term, StandardCharsets.UTF_8);
    }

    private static List<String> field(JsonNode items, String name) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path(name).asString()));
        return out;
    }

    private static boolean scanned;

    /** Registers the scanner and scans the three artifacts, once for the class. */
    private static synchronized void ensureScanned() {
        if (scanned) {
            return;
        }
        Map<String, Object> registration = new HashMap<>();
        registration.put("name", "fake");
        registration.put("url", adapter.url());
        RegistryClient.check(postJson(admin, "/api/v2.0/scanners", registration), 201);
        scanAllThree();
        scanned = true;
    }

    @Test
    void theSummaryAndTheListFollowTheStoredReportsWithHarborsKeywords() {
        ensureScanned();
        // No default scanner: zeros and an empty list, whatever reports exist.
        accounts.jdbc()
                .sql("UPDATE scanner_registration SET is_default = false WHERE NOT immutable")
                .update();
        try {
            JsonNode empty = admin.get("/api/v2.0/security/summary?with_dangerous_cve=true")
                    .json();
            assertThat(empty.path("total_vuls").asInt()).isZero();
            assertThat(empty.path("total_artifact").asInt()).isZero();
            Response none = vul("");
            assertThat(none.json().size()).isZero();
            assertThat(none.header("X-Total-Count")).contains("0");
        } finally {
            accounts.jdbc()
                    .sql("UPDATE scanner_registration SET is_default = true WHERE NOT immutable")
                    .update();
        }

        JsonNode summary = admin.get("/api/v2.0/security/summary").json();
        assertThat(summary.path("critical_cnt").asInt()).isEqualTo(2);
        assertThat(summary.path("high_cnt").asInt()).isEqualTo(1);
        assertThat(summary.path("medium_cnt").asInt()).isEqualTo(1);
        assertThat(summary.path("low_cnt").asInt()).isEqualTo(1);
        assertThat(summary.path("none_cnt").asInt()).isZero();
        assertThat(summary.path("unknown_cnt").asInt()).isZero();
        assertThat(summary.path("total_vuls").asInt()).isEqualTo(5);
        assertThat(summary.path("fixable_cnt").asInt()).isEqualTo(4);
        assertThat(summary.path("scanned_cnt").asInt()).isEqualTo(3);
        assertThat(summary.path("total_artifact").asInt()).isEqualTo(3);
        assertThat(summary.has("dangerous_cves")).isFalse();
        assertThat(summary.has("dangerous_artifacts")).isFalse();

        // The project-wide artifact list carries the overviews too when asked (Harbor's with_scan_overview).
        JsonNode projectWide = admin.get("/api/v2.0/projects/" + projectB + "/artifacts?with_scan_overview=true")
                .json();
        assertThat(projectWide.size()).isEqualTo(2);
        for (JsonNode artifact : projectWide) {
            JsonNode overview = artifact.path("scan_overview").path(ScanningTest.NATIVE_1_0);
            assertThat(overview.path("scan_status").asString()).isEqualTo("Success");
            String expected =
                    artifact.path("digest").asString().equals(b.manifest().toString()) ? "Critical" : "None";
            assertThat(overview.path("severity").asString()).isEqualTo(expected);
        }
        assertThat(admin.get("/api/v2.0/projects/" + projectB + "/artifacts")
                        .json()
                        .path(0)
                        .has("scan_overview"))
                .isFalse();

        JsonNode full = admin.get("/api/v2.0/security/summary?with_dangerous_cve=true&with_dangerous_artifact=true")
                .json();
        JsonNode cves = full.path("dangerous_cves");
        assertThat(field(cves, "cve_id"))
                .as("one per CVE and package version, by CVSS; unscored ones left out")
                .containsExactly("CVE-2021-44228", "CVE-2022-1111", "CVE-2023-0001");
        assertThat(cves.path(0).path("package").asString()).isEqualTo("log4j-core");
        assertThat(cves.path(0).path("version").asString()).isEqualTo("2.14.1");
        assertThat(cves.path(0).path("severity").asString()).isEqualTo("Critical");
        assertThat(cves.path(0).path("cvss_score_v3").asDouble()).isEqualTo(10.0);
        JsonNode artifacts = full.path("dangerous_artifacts");
        assertThat(field(artifacts, "digest"))
                .containsExactly(b.manifest().toString(), a.manifest().toString());
        assertThat(artifacts.path(0).path("repository_name").asString()).isEqualTo(projectB + "/web");
        assertThat(artifacts.path(0).path("project_id").asLong()).isEqualTo(accounts.projectId(projectB));
        assertThat(artifacts.path(0).path("critical_cnt").asInt()).isEqualTo(1);
        assertThat(artifacts.path(0).path("high_cnt").asInt()).isEqualTo(1);
        assertThat(artifacts.path(0).path("medium_cnt").asInt()).isEqualTo(1);

        Response all = vul("");
        assertThat(all.header("X-Total-Count")).contains("5");
        JsonNode items = all.json();
        assertThat(items.size()).isEqualTo(5);
        assertThat(field(items, "cve_id").subList(0, 2)).containsOnly("CVE-2021-44228");
        assertThat(items.path(4).path("cve_id").asString())
                .as("no score sorts last")
                .isEqualTo("CVE-2022-2222");
        assertThat(items.path(4).path("cvss_v3_score").asDouble()).isZero();
        JsonNode log4shell = items.path(0);
        assertThat(log4shell.path("package").asString()).isEqualTo("log4j-core");
        assertThat(log4shell.path("version").asString()).isEqualTo("2.14.1");
        assertThat(log4shell.path("fixed_version").asString()).isEqualTo("2.15.0");
        assertThat(log4shell.path("desc").asString()).isEqualTo("Log4Shell");
        assertThat(log4shell.path("severity").asString()).isEqualTo("Critical");
        assertThat(log4shell.path("cvss_v3_score").asDouble()).isEqualTo(10.0);
        assertThat(log4shell.path("links").size()).isEqualTo(2);
        assertThat(log4shell.has("tags")).isFalse();

        assertThat(field(vul(q("cve_id=CVE-2021-44228")).json(), "repository_name"))
                .containsExactlyInAnyOrder(projectA + "/app", projectB + "/web");
        assertThat(field(vul(q("severity=High")).json(), "package")).containsExactly("openssl");
        assertThat(field(vul(q("cvss_score_v3=[7~10]")).json(), "cve_id"))
                .containsExactlyInAnyOrder("CVE-2021-44228", "CVE-2021-44228", "CVE-2022-1111");
        assertThat(vul(q("project_id=" + accounts.projectId(projectB))).json().size())
                .isEqualTo(3);
        assertThat(vul(q("repository_name=" + projectA + "/app")).json().size()).isEqualTo(2);
        assertThat(field(vul(q("package=zlib")).json(), "cve_id")).containsExactly("CVE-2023-0001");
        assertThat(field(vul(q("tag=v2")).json(), "digest"))
                .containsOnly(a.manifest().toString());
        assertThat(vul(q("digest=" + c.manifest())).json().size()).isZero();
        assertThat(vul(q("digest=" + b.manifest())).json().size()).isEqualTo(3);
        JsonNode tagged = vul(q("repository_name=" + projectA + "/app") + "&with_tag=true")
                .json();
        assertThat(tagged.path(0).path("tags").size()).isEqualTo(2);
        assertThat(tagged.path(0).path("tags").path(0).asString()).isEqualTo("v1");
        assertThat(tagged.path(0).path("tags").path(1).asString()).isEqualTo("v2");
        Response page = vul("?page=3&page_size=2&tune_count=true");
        assertThat(page.header("X-Total-Count")).contains("5");
        assertThat(page.json().size()).isEqualTo(1);

        // Harbor's 400s: a fuzzy or unknown keyword, a range on text.
        assertThat(admin.get("/api/v2.0/security/vul" + q("cve_id=~CVE")).status())
                .isEqualTo(400);
        assertThat(admin.get("/api/v2.0/security/vul" + q("label=x")).status()).isEqualTo(400);
        assertThat(admin.get("/api/v2.0/security/vul" + q("cvss_score_v3=9")).status())
                .isEqualTo(400);

        // A new scan replaces the report's rows: the artifact's vulnerabilities are gone.
        adapter.vulnerabilities(a.manifest().toString(), "[]");
        scan(projectA + "/app", "v1");
        Eventually.await(
                () -> admin.get("/api/v2.0/security/summary")
                        .json()
                        .path("critical_cnt")
                        .asInt(),
                n -> n == 1);
        assertThat(vul(q("repository_name=" + projectA + "/app")).json().size()).isZero();
        assertThat(admin.get("/api/v2.0/security/summary")
                        .json()
                        .path("total_vuls")
                        .asInt())
                .isEqualTo(3);
    }

    @Test
    void onlySystemAdministratorsSeeTheSecurityHub() {
        RegistryClient user = accounts.user("hub").client();
        assertThat(user.get("/api/v2.0/security/summary").status()).isEqualTo(403);
        assertThat(user.get("/api/v2.0/security/vul").status()).isEqualTo(403);
        RegistryClient anonymous = server.anonymousClient();
        assertThat(anonymous.get("/api/v2.0/security/summary").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v2.0/security/vul").status()).isEqualTo(401);
    }

    private static final String GENERIC = "application/vnd.security.vulnerability.report; version=1.1";

    private static Response export(RegistryClient client, Map<String, Object> criteria) {
        return client.send(
                "POST",
                "/api/v2.0/export/cve",
                TestAccounts.json(criteria),
                "Content-Type",
                "application/json",
                "X-Scan-Data-Type",
                GENERIC);
    }

    private static long started(Response r) {
        RegistryClient.check(r, 200);
        return r.json().path("id").asLong();
    }

    private static JsonNode finished(RegistryClient client, long id) {
        return Eventually.await(
                () -> client.get("/api/v2.0/export/cve/execution/" + id).json(),
                e -> e.path("status").asString().equals("Success"));
    }

    private static List<String> csvLines(RegistryClient client, long id) {
        Response r = client.get("/api/v2.0/export/cve/download/" + id);
        RegistryClient.check(r, 200);
        assertThat(r.header("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(r.header("Content-Disposition")).contains("attachment; filename=\"scandata_export_" + id + ".csv\"");
        return List.of(r.text().split("\n"));
    }

    @Test
    void scanDataIsExportedAsHarborsCsvToItsCreatorOnly() {
        ensureScanned();
        long projectId = accounts.projectId(projectB);
        TestAccounts.Account developer = accounts.user("exporter");
        accounts.member(projectB, developer, dev.berth.iam.ProjectRole.DEVELOPER);
        TestAccounts.Account guest = accounts.user("exportguest");
        accounts.member(projectB, guest, dev.berth.iam.ProjectRole.GUEST);
        Map<String, Object> all = Map.of("job_name", "everything", "projects", List.of(projectId));

        // Refusals change nothing.
        long before = accounts.jdbc()
                .sql("SELECT count(*) FROM job_execution WHERE vendor_type = 'SCAN_DATA_EXPORT'")
                .query(Long.class)
                .single();
        assertThat(postJson(admin, "/api/v2.0/export/cve", all).status())
                .as("no data type")
                .isEqualTo(400);
        assertThat(export(admin, Map.of("projects", List.of(projectId, accounts.projectId(projectA))))
                        .status())
                .isEqualTo(400);
        assertThat(export(admin, Map.of("projects", List.of(987654321))).status())
                .isEqualTo(404);
        assertThat(export(admin, Map.of("projects", List.of(projectId), "repositories", "web, clean"))
                        .status())
                .isEqualTo(400);
        assertThat(export(guest.client(), all).status()).isEqualTo(403);
        assertThat(export(accounts.user("stranger").client(), all).status()).isEqualTo(403);
        assertThat(export(server.anonymousClient(), all).status()).isEqualTo(401);
        assertThat(accounts.jdbc()
                        .sql("SELECT count(*) FROM job_execution WHERE vendor_type = 'SCAN_DATA_EXPORT'")
                        .query(Long.class)
                        .single())
                .isEqualTo(before);

        long mine = started(export(admin, all));
        JsonNode execution = finished(admin, mine);
        assertThat(execution.path("id").asLong()).isEqualTo(mine);
        assertThat(execution.path("user_name").asString()).isEqualTo("admin");
        assertThat(execution.path("trigger").asString()).isEqualTo("MANUAL");
        assertThat(execution.path("file_present").asBoolean()).isTrue();
        assertThat(execution.path("end_time").asString()).isNotEmpty();

        long theirs = started(export(
                developer.client(),
                Map.of(
                        "projects",
                        List.of(projectId),
                        "repositories",
                        "web",
                        "cveIds",
                        "{CVE-2021-44228,CVE-2022-1111}")));
        finished(developer.client(), theirs);
        // Only the creator sees and downloads an export, a system administrator included.
        assertThat(admin.get("/api/v2.0/export/cve/execution/" + theirs).status())
                .isEqualTo(403);
        assertThat(admin.get("/api/v2.0/export/cve/download/" + theirs).status())
                .isEqualTo(403);
        assertThat(developer
                        .client()
                        .get("/api/v2.0/export/cve/execution/" + mine)
                        .status())
                .isEqualTo(403);
        assertThat(field(admin.get("/api/v2.0/export/cve/executions").json().path("items"), "id"))
                .contains(String.valueOf(mine))
                .doesNotContain(String.valueOf(theirs));
        assertThat(field(
                        developer
                                .client()
                                .get("/api/v2.0/export/cve/executions")
                                .json()
                                .path("items"),
                        "id"))
                .containsExactly(String.valueOf(theirs));
        assertThat(server.anonymousClient()
                        .get("/api/v2.0/export/cve/executions")
                        .status())
                .isEqualTo(401);
        assertThat(admin.get("/api/v2.0/export/cve/execution/987654321").status())
                .isEqualTo(404);

        List<String> lines = csvLines(admin, mine);
        assertThat(lines.getFirst())
                .isEqualTo("Repository,Artifact Digest,CVE,Package,Current Version,Fixed in version,Severity,"
                        + "CWE Ids,Additional Data,Scanner");
        assertThat(lines.subList(1, lines.size()))
                .containsExactly(
                        projectB + "/web," + b.manifest() + ",CVE-2021-44228,log4j-core,2.14.1,2.15.0,Critical,,,fake",
                        projectB + "/web," + b.manifest() + ",CVE-2022-1111,openssl,3.0.1,3.0.2,High,,,fake",
                        projectB + "/web," + b.manifest() + ",CVE-2022-2222,busybox,1.35,1.36,Medium,,,fake");
        // Harbor deletes a downloaded export.
        assertThat(admin.get("/api/v2.0/export/cve/download/" + mine).status()).isEqualTo(404);
        assertThat(admin.get("/api/v2.0/export/cve/execution/" + mine).status()).isEqualTo(404);

        assertThat(csvLines(developer.client(), theirs).subList(1, 3))
                .extracting(l -> l.split(",")[2])
                .containsExactly("CVE-2021-44228", "CVE-2022-1111");

        // Tag and label filters.
        long noTag = started(export(admin, Map.of("projects", List.of(projectId), "tags", "v9*")));
        finished(admin, noTag);
        assertThat(csvLines(admin, noTag)).hasSize(1);
        Response label =
                postJson(admin, "/api/v2.0/labels", Map.of("name", "hot", "scope", "p", "project_id", projectId));
        RegistryClient.check(label, 201);
        String location = label.header("Location").orElseThrow();
        long labelId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        RegistryClient.check(
                postJson(
                        admin,
                        "/api/v2.0/projects/" + projectB + "/repositories/web/artifacts/latest/labels",
                        Map.of("id", labelId)),
                200);
        long labelled = started(export(admin, Map.of("projects", List.of(projectId), "labels", List.of(labelId))));
        finished(admin, labelled);
        assertThat(csvLines(admin, labelled)).hasSize(4);
        long unlabelled =
                started(export(admin, Map.of("projects", List.of(projectId), "labels", List.of(labelId + 1000))));
        finished(admin, unlabelled);
        assertThat(csvLines(admin, unlabelled)).hasSize(1);
    }
}
