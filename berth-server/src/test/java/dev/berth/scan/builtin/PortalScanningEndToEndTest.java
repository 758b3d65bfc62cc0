package dev.berth.scan.builtin;

import static dev.berth.scan.builtin.LayerFixture.fixtureJar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.PortalScript;
import dev.berth.support.RegistryClient;
import dev.berth.support.ScannerAdapter;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The scanning pages in real headless Chromium ({@code portal/e2e/scanning.mjs}) on a Berth with no
 * scanner registered: the built-in scanner scans an image holding log4j-core 2.14.1 from Maven
 * Central against the real OSV record of Log4Shell, the report shows CVE-2021-44228 as Critical, the
 * SBOM lists the jar, package search finds the image, and a guest sees no scan buttons. In this
 * package for {@link LayerFixture}; one server, one short script.
 */
class PortalScanningEndToEndTest {
    private static TestDatabase db;
    private static BerthServer server;
    private static ScannerAdapter trivy;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        // an adapter registered from configuration at start, as the chart's trivy.enabled does it
        trivy = ScannerAdapter.start();
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.jobs.poll-interval", "200ms",
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        "berth.scan.adapters[0].name", "Trivy",
                        "berth.scan.adapters[0].url", trivy.url(),
                        "berth.scan.adapters[0].description", "from configuration",
                        "berth.scan.adapters[0].is-default", "false"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            db.close();
        }
        if (trivy != null) {
            trivy.close();
        }
    }

    @Test
    void anAdministratorScansInThePortalAndAGuestOnlyReads() throws IOException {
        RegistryClient admin = server.adminClient();
        RegistryClient.Response imported = admin.send(
                "PUT",
                "/api/v2.0/vulnerability-database/archives/Maven",
                LayerFixture.zip("GHSA-jfh8-c2jp-5v3q.json", osvRecord("Maven/GHSA-jfh8-c2jp-5v3q.json")),
                "Content-Type",
                "application/zip");
        assertThat(imported.status()).as(imported.text()).isEqualTo(200);

        TestAccounts accounts = new TestAccounts(server);
        String project = accounts.project("e2escan", false);
        LayerFixture app = LayerFixture.gzip("app")
                .file("app/lib/log4j-core-2.14.1.jar", Files.readAllBytes(fixtureJar("log4j-core-2.14.1.jar")));
        String digest = admin.pushImage(project + "/shop", "1.0", app.bytes())
                .manifest()
                .toString();
        TestAccounts.Account guest = accounts.user("e2eguest");
        accounts.member(project, guest, ProjectRole.GUEST);

        PortalScript.named("scanning.mjs")
                .with("PROJECT", project)
                .with("PROJECT_ID", String.valueOf(accounts.projectId(project)))
                .with("REPO", "shop")
                .with("DIGEST", digest)
                .with("GUEST", guest.name())
                .with("GUEST_PASSWORD", guest.password())
                .within(Duration.ofMinutes(6))
                .passes(server, 5);

        // What the pages did is what the API holds: a built-in report with the critical CVE, and an SBOM.
        JsonNode artifact = admin.get("/api/v2.0/projects/" + project + "/repositories/shop/artifacts/" + digest
                        + "?with_scan_overview=true&with_sbom_overview=true")
                .json();
        JsonNode overview = artifact.path("scan_overview").values().iterator().next();
        assertThat(overview.path("severity").asString()).isEqualTo("Critical");
        assertThat(overview.path("scanner").path("name").asString()).isEqualTo("Berth built-in");
        assertThat(artifact.path("sbom_overview").path("scan_status").asString())
                .isEqualTo("Success");
        // the configured adapter is registered once, not default, and the built-in scanner stays default
        JsonNode adapters = admin.get("/api/v2.0/scanners?q=name%3DTrivy").json();
        assertThat(adapters.size()).isEqualTo(1);
        assertThat(adapters.path(0).path("url").asString()).isEqualTo(trivy.url());
        assertThat(adapters.path(0).path("is_default").asBoolean()).isFalse();
        // the built-in scanner is listed beside it (two registrations in all)
        assertThat(admin.get("/api/v2.0/scanners").json().size()).isEqualTo(2);
        assertThat(admin.get("/api/v2.0/scanners/berth-builtin")
                        .json()
                        .path("is_default")
                        .asBoolean())
                .isTrue();
    }

    private static byte[] osvRecord(String path) throws IOException {
        try (InputStream in = PortalScanningEndToEndTest.class.getResourceAsStream("/osv/records/" + path)) {
            return in.readAllBytes();
        }
    }
}
