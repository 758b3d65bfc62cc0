package dev.berth.scan.builtin;

import static dev.berth.scan.builtin.LayerFixture.fixtureJar;
import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The built-in scanner through Harbor's API on a Berth with no scanner registered: it is the
 * project's scanner, a vulnerability scan catalogues the image and stores the matcher's report,
 * and an SBOM scan stores an SPDX SBOM as a {@code sbom.harbor} accessory, shown in
 * {@code sbom_overview} and downloadable as the accessory's {@code sbom} addition.
 */
class BuiltinScannerTest {
    private static TestDatabase db;
    private static BerthServer server;
    private static RegistryClient admin;
    private static TestAccounts accounts;
    private static String project;
    private static String repository;
    private static String digest;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create();
        server = BerthServer.withDatabase(db, Map.of("berth.jobs.poll-interval", "200ms"));
        admin = server.adminClient();
        accounts = new TestAccounts(server);
        project = accounts.project("builtin", false);
        repository = project + "/shop";
        LayerFixture os = LayerFixture.gzip("os")
                .file("etc/os-release", LayerFixture.resource("alpine-3.14-os-release"))
                .file("lib/apk/db/installed", LayerFixture.resource("alpine-3.14-apk-installed"));
        LayerFixture app = LayerFixture.gzip("app")
                .file("app/lib/log4j-core-2.14.1.jar", Files.readAllBytes(fixtureJar("log4j-core-2.14.1.jar")));
        digest = admin.pushImage(repository, "1.0", os.bytes(), app.bytes())
                .manifest()
                .toString();
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    private static String artifact(String reference) {
        return "/api/v2.0/projects/" + project + "/repositories/shop/artifacts/" + reference;
    }

    @Test
    void theBuiltInScannerIsTheProjectsScannerWithoutARegistration() {
        JsonNode s = admin.get("/api/v2.0/projects/" + project + "/scanner").json();
        assertThat(s.path("uuid").asString()).isEqualTo("berth-builtin");
        assertThat(s.path("name").asString()).isEqualTo("Berth built-in");
        assertThat(s.path("health").asString()).isEqualTo("healthy");
        assertThat(s.path("capabilities").path("support_vulnerability").asBoolean())
                .isTrue();
        assertThat(s.path("capabilities").path("support_sbom").asBoolean()).isTrue();
    }

    @Test
    void vulnerabilityScanCataloguesTheImageAndStoresTheMatchersReport() {
        RegistryClient.check(postJson(admin, artifact(digest) + "/scan", Map.of("scan_type", "vulnerability")), 202);
        JsonNode overview = Eventually.await(
                () -> admin.get(artifact(digest) + "?with_scan_overview=true").json(),
                a -> a.path("scan_overview").toString().contains("\"Success\"")
                        || a.path("scan_overview").toString().contains("\"Error\""));
        JsonNode summary = overview.path("scan_overview").values().iterator().next();
        assertThat(summary.path("scan_status").asString()).isEqualTo("Success");
        assertThat(summary.path("scanner").path("name").asString()).isEqualTo("Berth built-in");

        JsonNode report = admin.get(artifact(digest) + "/additions/vulnerabilities")
                .json()
                .values()
                .iterator()
                .next();
        assertThat(report.path("vulnerabilities").isArray()).isTrue();
        String log = admin.get(
                        artifact(digest) + "/scan/" + summary.path("report_id").asString() + "/log")
                .text();
        // 26 apk packages and log4j-core
        assertThat(log).contains("catalogued 27 packages of " + repository + "@" + digest);

        // The SBOM is kept for matching again, with its packages indexed by Package URL.
        Long artifacts =
                accounts.jdbc().sql("""
                        SELECT count(*) FROM builtin_sbom_package p JOIN builtin_sbom s USING (manifest_id)
                        WHERE s.digest = ? AND p.purl_type = 'maven'
                          AND p.purl_name = 'org.apache.logging.log4j/log4j-core' AND p.version = '2.14.1'
                        """).param(digest).query(Long.class).single();
        assertThat(artifacts).isEqualTo(1L);
    }

    @Test
    void sbomScanStoresAnSpdxAccessoryShownInTheOverviewAndDownloadable() {
        RegistryClient.check(postJson(admin, artifact(digest) + "/scan", Map.of("scan_type", "sbom")), 202);
        JsonNode listed = Eventually.await(
                () -> admin.get("/api/v2.0/projects/" + project
                                + "/repositories/shop/artifacts?with_sbom_overview=true&with_accessory=true")
                        .json(),
                a -> a.toString().contains("\"sbom_digest\"") || a.toString().contains("\"Error\""));
        JsonNode subject = null;
        for (JsonNode a : listed) {
            if (a.path("digest").asString().equals(digest)) {
                subject = a;
            }
        }
        assertThat(subject).isNotNull();
        JsonNode overview = subject.path("sbom_overview");
        assertThat(overview.path("scan_status").asString()).isEqualTo("Success");
        assertThat(overview.path("scanner").path("name").asString()).isEqualTo("Berth built-in");
        String sbomDigest = overview.path("sbom_digest").asString();
        assertThat(subject.path("accessories").toString()).contains(sbomDigest).contains("\"type\":\"sbom.harbor\"");

        RegistryClient.Response download = admin.get(artifact(sbomDigest) + "/additions/sbom");
        assertThat(download.status()).isEqualTo(200);
        JsonNode spdx = download.json();
        assertThat(spdx.path("spdxVersion").asString()).isEqualTo("SPDX-2.3");
        assertThat(spdx.path("packages").toString())
                .contains("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
                .contains("pkg:apk/alpine/musl@1.2.2-r3?arch=armv7&distro=alpine-3.14.0");

        // A stranger sees nothing of a private project; the image itself has no sbom addition.
        RegistryClient stranger = accounts.user("stranger").client();
        assertThat(stranger.get(artifact(sbomDigest) + "/additions/sbom").status())
                .isEqualTo(404);
        assertThat(admin.get(artifact(digest) + "/additions/sbom").status()).isEqualTo(404);
        // Guests read the project but may not start scans.
        TestAccounts.Account guest = accounts.user("guest");
        accounts.member(project, guest, ProjectRole.GUEST);
        assertThat(guest.client().get(artifact(sbomDigest) + "/additions/sbom").status())
                .isEqualTo(200);
        assertThat(postJson(guest.client(), artifact(digest) + "/scan", Map.of("scan_type", "sbom"))
                        .status())
                .isEqualTo(403);
    }
}
