package dev.berth.scan.osv;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.berth.scan.builtin.VulnerabilityMatcher;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The built-in scanner's OSV database and matcher with real advisories (test resources osv/,
 * sources in SOURCES.md): archives imported through the API and fetched by the update job from a
 * server on 127.0.0.1, matched against CycloneDX SBOMs, the database's age in the API and in
 * reports, permissions and bad input.
 */
public class OsvDatabaseTest {
    private static TestDatabase db;
    private static BerthServer server;
    private static MutableClock clock;
    private static RegistryClient admin;
    private static HttpServer mirror;
    private static final AtomicInteger mirrorGets = new AtomicInteger();
    private static final AtomicInteger mirrorNotModified = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        mirror = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] npm = archive("npm");
        mirror.createContext("/npm/all.zip", exchange -> {
            mirrorGets.incrementAndGet();
            String etag = "\"npm-1\"";
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                mirrorNotModified.incrementAndGet();
                exchange.sendResponseHeaders(304, -1);
            } else {
                exchange.getResponseHeaders().add("ETag", etag);
                exchange.sendResponseHeaders(200, npm.length);
                exchange.getResponseBody().write(npm);
            }
            exchange.close();
        });
        mirror.start();
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.uploads.purge-schedule", "",
                        "berth.events.retention-schedule", "",
                        "berth.jobs.execution-sweep-schedule", "",
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        "berth.jobs.poll-interval", "200ms",
                        "berth.scan.osv.url",
                                "http://127.0.0.1:" + mirror.getAddress().getPort() + "/",
                        "berth.scan.osv.ecosystems", "npm",
                        "berth.scan.osv.schedule", "",
                        "berth.scan.osv.max-age", "72h"),
                MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
        admin = server.adminClient();
        importArchive("Maven", archive("Maven"));
        importArchive("Debian", archive("Debian"));
        importArchive("PyPI", archive("PyPI"));
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
        mirror.stop(0);
    }

    @Test
    void log4jCore2141IsCriticallyVulnerableToLog4Shell() {
        JsonNode report = match("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar");
        JsonNode v = only(report, "CVE-2021-44228");
        assertThat(v.path("package").asString()).isEqualTo("org.apache.logging.log4j:log4j-core");
        assertThat(v.path("version").asString()).isEqualTo("2.14.1");
        assertThat(v.path("severity").asString()).isEqualTo("Critical");
        assertThat(v.path("fix_version").asString()).isEqualTo("2.15.0");
        assertThat(v.path("preferred_cvss").path("score_v3").asDouble()).isEqualTo(10.0);
        assertThat(v.path("preferred_cvss").path("vector_v3").asString())
                .isEqualTo("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
        assertThat(v.path("cwe_ids").toString()).contains("CWE-502", "CWE-917");
        assertThat(v.path("links").toString())
                .contains(
                        "https://osv.dev/vulnerability/GHSA-jfh8-c2jp-5v3q",
                        "https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
        assertThat(v.path("vendor_attributes").path("osv_ids").toString()).contains("GHSA-jfh8-c2jp-5v3q");
        assertThat(report.path("severity").asString()).isEqualTo("Critical");

        // the backport lines: 2.12.1 is fixed by 2.12.2, 2.3 by 2.3.1; fixed versions are clean
        assertThat(only(match("pkg:maven/org.apache.logging.log4j/log4j-core@2.12.1"), "CVE-2021-44228")
                        .path("fix_version")
                        .asString())
                .isEqualTo("2.12.2");
        assertThat(only(match("pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta9"), "CVE-2021-44228")
                        .path("fix_version")
                        .asString())
                .isEqualTo("2.3.1");
        for (String clean : List.of("2.15.0", "2.17.1", "2.12.2", "2.3.1")) {
            assertThat(match("pkg:maven/org.apache.logging.log4j/log4j-core@" + clean)
                            .path("vulnerabilities")
                            .size())
                    .as(clean)
                    .isZero();
        }
        // another artifact of the same group is not the package
        assertThat(match("pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1")
                        .path("vulnerabilities")
                        .size())
                .isZero();
    }

    @Test
    void pypiNamesAreMatchedNormalisedWithPep440Versions() {
        JsonNode v = only(match("pkg:pypi/Jinja2@3.1.2"), "CVE-2024-22195");
        assertThat(v.path("severity").asString()).isEqualTo("Medium");
        assertThat(v.path("fix_version").asString()).isEqualTo("3.1.3");
        assertThat(v.path("package").asString()).isEqualTo("jinja2"); // purl names of type pypi are lower case
        assertThat(match("pkg:pypi/jinja2@3.1.3").path("vulnerabilities").size())
                .isZero();
        assertThat(match("pkg:pypi/jinja2@3.1.3rc1").path("vulnerabilities").size())
                .as("a pre-release of the fix is before it")
                .isEqualTo(1);
    }

    @Test
    void debianAdvisoriesAreMatchedPerReleaseBySourcePackage() throws Exception {
        // the tar installed on this machine: CVE-2005-2541 is unfixed in every Debian release
        String tar = installedVersion("tar");
        JsonNode tarReport = match("pkg:deb/debian/tar@" + tar + "?arch=amd64&distro=debian-12");
        JsonNode unfixed = only(tarReport, "CVE-2005-2541");
        assertThat(unfixed.path("version").asString()).isEqualTo(tar);
        assertThat(unfixed.path("fix_version").asString()).isEmpty();
        assertThat(unfixed.path("status").asString()).isEqualTo("affected");
        assertThat(unfixed.path("severity").asString()).isEqualTo("Low"); // urgency unimportant

        // libssl3 from source openssl: the bookworm version before DSA-5532-1 is affected, this machine's is not
        JsonNode old = only(
                match("pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&upstream=openssl&distro=debian-12.2"),
                "CVE-2023-5363");
        assertThat(old.path("package").asString()).isEqualTo("libssl3");
        assertThat(old.path("fix_version").asString()).isEqualTo("3.0.11-1~deb12u2");
        assertThat(old.path("vendor_attributes").path("osv_ids").toString()).contains("DSA-5532-1");
        String openssl = installedVersion("openssl");
        assertThat(match("pkg:deb/debian/libssl3@" + openssl + "?upstream=openssl&distro=bookworm")
                        .path("vulnerabilities")
                        .size())
                .isZero();
        // another release's advisories do not apply; without a release nothing is guessed
        assertThat(match("pkg:deb/debian/libssl3@3.0.11-1~deb12u1?upstream=openssl&distro=debian-11")
                        .path("vulnerabilities")
                        .size())
                .isZero();
        assertThat(match("pkg:deb/debian/libssl3@3.0.11-1~deb12u1?upstream=openssl")
                        .path("vulnerabilities")
                        .size())
                .isZero();
    }

    @Test
    void theUpdateJobFetchesThroughTheOutboundClientAndHonoursTheEtag() {
        int before = mirrorGets.get();
        RegistryClient.Response r = admin.send("POST", "/api/v2.0/vulnerability-database/update", new byte[0]);
        assertThat(r.status()).isEqualTo(202);
        Eventually.await(Duration.ofSeconds(60), () -> archiveLoaded("npm"), loaded -> loaded);
        JsonNode v = only(match("pkg:npm/lodash@4.17.20"), "CVE-2021-23337");
        assertThat(v.path("severity").asString()).isEqualTo("High");
        assertThat(v.path("fix_version").asString()).isEqualTo("4.17.21");
        assertThat(v.path("preferred_cvss").path("score_v3").asDouble()).isEqualTo(7.2);
        assertThat(match("pkg:npm/lodash-es@4.17.15").path("vulnerabilities").size())
                .isEqualTo(1);
        assertThat(match("pkg:npm/lodash@4.17.21").path("vulnerabilities").size())
                .isZero();
        assertThat(mirrorGets.get()).isGreaterThan(before);

        // a second update sends the ETag back and keeps the archive
        int notModified = mirrorNotModified.get();
        admin.send("POST", "/api/v2.0/vulnerability-database/update", new byte[0]);
        Eventually.await(Duration.ofSeconds(60), mirrorNotModified::get, n -> n > notModified);
        assertThat(match("pkg:npm/lodash@4.17.20").path("vulnerabilities").size())
                .isEqualTo(1);
    }

    @Test
    void theDatabaseAgeIsShownAndAStaleDatabaseIsNamedInReports() {
        JsonNode status = admin.get("/api/v2.0/vulnerability-database").json();
        assertThat(status.path("stale").asBoolean()).isFalse();
        assertThat(status.path("max_age_seconds").asLong()).isEqualTo(72 * 3600);
        assertThat(status.path("archives").toString()).contains("\"Maven\"", "\"Debian\"", "\"PyPI\"");
        JsonNode fresh = match("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        assertThat(fresh.path("database").path("stale").asBoolean()).isFalse();

        clock.advance(Duration.ofDays(4));
        try {
            JsonNode stale = match("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
            assertThat(stale.path("database").path("stale").asBoolean()).isTrue();
            assertThat(stale.path("database").path("note").asString()).contains("max-age");
            assertThat(stale.path("vulnerabilities").size()).isEqualTo(1);
            JsonNode later = admin.get("/api/v2.0/vulnerability-database").json();
            assertThat(later.path("stale").asBoolean()).isTrue();
            assertThat(later.path("age_seconds").asLong()).isGreaterThanOrEqualTo(4 * 86400);
        } finally {
            // re-importing makes it current again for the other tests
            importArchive("Maven", archive("Maven"));
            importArchive("Debian", archive("Debian"));
            importArchive("PyPI", archive("PyPI"));
        }
    }

    @Test
    void onlySystemScannerManagersSeeOrChangeTheDatabase() {
        TestUsers.TestUser user = TestUsers.create(server, "osv");
        assertThat(user.client().get("/api/v2.0/vulnerability-database").status())
                .isEqualTo(403);
        assertThat(user.client()
                        .send(
                                "PUT",
                                "/api/v2.0/vulnerability-database/archives/Maven",
                                archive("Maven"),
                                "Content-Type",
                                "application/zip")
                        .status())
                .isEqualTo(403);
        assertThat(user.client()
                        .send("POST", "/api/v2.0/vulnerability-database/update", new byte[0])
                        .status())
                .isEqualTo(403);
        assertThat(server.anonymousClient()
                        .get("/api/v2.0/vulnerability-database")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void aBrokenArchiveIsRefusedAndChangesNothing() {
        RegistryClient.Response notZip = admin.send(
                "PUT",
                "/api/v2.0/vulnerability-database/archives/Maven",
                "not a zip".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/zip");
        assertThat(notZip.status()).isEqualTo(400);
        assertThat(notZip.json().path("errors").get(0).path("code").asString()).isEqualTo("BAD_REQUEST");
        RegistryClient.Response badName = admin.send(
                "PUT",
                "/api/v2.0/vulnerability-database/archives/..%2F..",
                archive("Maven"),
                "Content-Type",
                "application/zip");
        assertThat(badName.status()).isIn(400, 404);
        assertThat(match("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
                        .path("vulnerabilities")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void anArchiveThatNoLongerHasAnAdvisoryRemovesIt() {
        importArchive("Scratch", archive("PyPI"));
        // a PyPI advisory now in two archives is still one item
        assertThat(match("pkg:pypi/jinja2@3.1.2").path("vulnerabilities").size())
                .isEqualTo(1);
        JsonNode result = importArchive("Scratch", archive("npm"));
        assertThat(result.path("removed").asInt()).isEqualTo(1);
        assertThat(result.path("added").asInt()).isEqualTo(1);
        JsonNode again = importArchive("Scratch", archive("npm"));
        assertThat(again.path("unchanged").asInt()).isEqualTo(1);
        assertThat(again.path("added").asInt()).isZero();
    }

    // --- helpers

    private static JsonNode match(String... purls) {
        StringBuilder bom = new StringBuilder(
                "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":[");
        for (int i = 0; i < purls.length; i++) {
            bom.append(i > 0 ? "," : "")
                    .append("{\"type\":\"library\",\"name\":\"c")
                    .append(i)
                    .append("\",\"purl\":\"")
                    .append(purls[i])
                    .append("\"}");
        }
        bom.append("]}");
        String report = server.bean(VulnerabilityMatcher.class).match(bom.toString());
        return RegistryClient.JSON.readTree(report);
    }

    private static JsonNode only(JsonNode report, String id) {
        List<JsonNode> items = new ArrayList<>();
        report.path("vulnerabilities").forEach(items::add);
        assertThat(items).extracting(v -> v.path("id").asString()).containsExactly(id);
        return items.getFirst();
    }

    private static boolean archiveLoaded(String name) {
        for (JsonNode a : admin.get("/api/v2.0/vulnerability-database").json().path("archives")) {
            if (a.path("name").asString().equals(name)
                    && !a.path("loaded_at").isNull()
                    && !a.path("loaded_at").isMissingNode()) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode importArchive(String name, byte[] zip) {
        RegistryClient.Response r = admin.send(
                "PUT", "/api/v2.0/vulnerability-database/archives/" + name, zip, "Content-Type", "application/zip");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private static final Map<String, List<String>> RECORDS = Map.of(
            "Maven", List.of("GHSA-jfh8-c2jp-5v3q.json"),
            "npm", List.of("GHSA-35jh-r3h4-6jhm.json"),
            "PyPI", List.of("GHSA-h5c8-rqwp-cp95.json"),
            "Debian", List.of("DSA-5532-1.json", "DEBIAN-CVE-2005-2541.json"),
            "AlmaLinux", List.of("ALSA-2023:0946.json"));

    /** The records of test resources osv/records/<folder>, zipped as OSV's <Ecosystem>/all.zip is. */
    public static byte[] archive(String folder) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (String file : RECORDS.get(folder)) {
                    try (InputStream in =
                            OsvDatabaseTest.class.getResourceAsStream("/osv/records/" + folder + "/" + file)) {
                        zip.putNextEntry(new ZipEntry(file));
                        in.transferTo(zip);
                        zip.closeEntry();
                    }
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String installedVersion(String pkg) throws Exception {
        Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", pkg).start();
        String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).isZero();
        return v;
    }
}
