package dev.berth.scan.builtin;

import static dev.berth.scan.builtin.LayerFixture.fixtureJar;
import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.ScannerAdapter;
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
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db, Map.of("berth.jobs.poll-interval", "200ms", "berth.outbound.allowed-networks", "127.0.0.1/32"));
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

        // The SBOM is kept for matching again, its packages in the one package index (as the
        // built-in scanner's kept SBOM: no report of its own), so the package search finds it.
        Long indexed = accounts.jdbc().sql("""
                        SELECT count(*) FROM sbom_package p JOIN manifest m ON m.id = p.manifest_id
                        WHERE m.digest = ? AND p.report_uuid IS NULL AND p.purl_type = 'maven'
                          AND p.name = 'org.apache.logging.log4j:log4j-core' AND p.version = '2.14.1'
                          AND p.ecosystem = 'Maven'
                        """).param(digest).query(Long.class).single();
        assertThat(indexed).isEqualTo(1L);
        JsonNode found = admin.get("/api/v2.0/packages/artifacts?type=maven&name=org.apache.logging.log4j:log4j-core"
                        + "&version_range=%3C2.15.0&page_size=100")
                .json();
        assertThat(found.toString()).contains(digest);
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

    private static JsonNode listed(JsonNode list, String uuid) {
        for (JsonNode s : list) {
            if (s.path("uuid").asString().equals(uuid)) {
                return s;
            }
        }
        return null;
    }

    @Test
    void theBuiltInScannerIsARegistrationThatCannotBeEditedOrDeletedAndIsChosenPerProject() {
        JsonNode builtin = listed(admin.get("/api/v2.0/scanners").json(), "berth-builtin");
        assertThat(builtin).isNotNull();
        assertThat(builtin.path("name").asString()).isEqualTo("Berth built-in");
        assertThat(builtin.path("vendor").asString()).isEqualTo("Berth");
        assertThat(builtin.path("health").asString()).isEqualTo("healthy");
        assertThat(builtin.path("is_default").asBoolean()).isTrue();
        assertThat(builtin.path("disabled").asBoolean()).isFalse();
        assertThat(builtin.path("capabilities").path("support_sbom").asBoolean())
                .isTrue();
        assertThat(listed(admin.get("/api/v2.0/scanners?q=is_default%3Dtrue").json(), "berth-builtin"))
                .isNotNull();
        assertThat(admin.get("/api/v2.0/scanners/berth-builtin")
                        .json()
                        .path("url")
                        .asString())
                .isEqualTo("builtin://berth");

        JsonNode metadata =
                admin.get("/api/v2.0/scanners/berth-builtin/metadata").json();
        assertThat(metadata.path("scanner").path("vendor").asString()).isEqualTo("Berth");
        assertThat(metadata.path("capabilities").toString())
                .contains("\"type\":\"vulnerability\"")
                .contains("\"type\":\"sbom\"")
                .contains("application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.1")
                .contains("application/vnd.security.sbom.report+json; version=1.0")
                .contains("application/vnd.oci.image.manifest.v1+json");

        // Harbor's answers for its installed, immutable Trivy; the name is reserved.
        RegistryClient.Response edit = TestAccounts.putJson(
                admin, "/api/v2.0/scanners/berth-builtin", Map.of("name", "mine", "url", "http://127.0.0.1:9"));
        assertThat(edit.status()).isEqualTo(403);
        assertThat(edit.text())
                .contains(
                        "registration Berth built-in is not allowed to update as it is immutable: scanner API: update");
        RegistryClient.Response delete = admin.delete("/api/v2.0/scanners/berth-builtin");
        assertThat(delete.status()).isEqualTo(403);
        assertThat(delete.text()).contains("is not allowed to delete as it is immutable");
        RegistryClient.Response reserved =
                postJson(admin, "/api/v2.0/scanners", Map.of("name", "Berth built-in", "url", "http://127.0.0.1:9"));
        assertThat(reserved.status()).isEqualTo(400);
        assertThat(reserved.text()).contains("is reserved, please try a different name");

        // Only system administrators read registrations, the built-in one included.
        TestAccounts.Account owner = accounts.user("owner");
        TestAccounts.Account developer = accounts.user("developer");
        TestAccounts.Account stranger = accounts.user("stranger");
        assertThat(owner.client().get("/api/v2.0/scanners").status()).isEqualTo(403);
        assertThat(owner.client()
                        .get("/api/v2.0/scanners/berth-builtin/metadata")
                        .status())
                .isEqualTo(403);
        assertThat(owner.client().delete("/api/v2.0/scanners/berth-builtin").status())
                .isEqualTo(403);

        String chosen = accounts.project("chosen", false);
        String other = accounts.project("other", false);
        accounts.member(chosen, owner, ProjectRole.PROJECT_ADMIN);
        accounts.member(chosen, developer, ProjectRole.DEVELOPER);
        accounts.member(other, stranger, ProjectRole.PROJECT_ADMIN);
        String path = "/api/v2.0/projects/" + chosen + "/scanner";
        try (ScannerAdapter adapter = ScannerAdapter.start()) {
            // The first adapter registered becomes the default, as in Harbor; the built-in one stays listed.
            RegistryClient.Response created = postJson(
                    admin, "/api/v2.0/scanners", Map.of("name", TestAccounts.unique("fake"), "url", adapter.url()));
            RegistryClient.check(created, 201);
            String location = created.header("Location").orElseThrow();
            String uuid = location.substring(location.lastIndexOf('/') + 1);
            try {
                JsonNode list = admin.get("/api/v2.0/scanners").json();
                assertThat(listed(list, uuid).path("is_default").asBoolean()).isTrue();
                assertThat(listed(list, "berth-builtin").path("is_default").asBoolean())
                        .isFalse();
                assertThat(owner.client().get(path).json().path("uuid").asString())
                        .isEqualTo(uuid);

                JsonNode candidates = owner.client().get(path + "/candidates").json();
                assertThat(listed(candidates, "berth-builtin")).isNotNull();
                assertThat(listed(candidates, uuid)).isNotNull();
                // Developers neither list candidates nor choose; strangers do not see the project.
                assertThat(developer.client().get(path + "/candidates").status())
                        .isEqualTo(403);
                assertThat(TestAccounts.putJson(developer.client(), path, Map.of("uuid", "berth-builtin"))
                                .status())
                        .isEqualTo(403);
                assertThat(stranger.client().get(path + "/candidates").status()).isEqualTo(404);
                assertThat(TestAccounts.putJson(stranger.client(), path, Map.of("uuid", "berth-builtin"))
                                .status())
                        .isEqualTo(404);
                // The project admin chooses the built-in scanner for this project only.
                RegistryClient.check(TestAccounts.putJson(owner.client(), path, Map.of("uuid", "berth-builtin")), 200);
                JsonNode mine = developer.client().get(path).json();
                assertThat(mine.path("uuid").asString()).isEqualTo("berth-builtin");
                assertThat(mine.path("health").asString()).isEqualTo("healthy");
                assertThat(mine.path("is_default").asBoolean()).isFalse();
                assertThat(stranger.client()
                                .get("/api/v2.0/projects/" + other + "/scanner")
                                .json()
                                .path("uuid")
                                .asString())
                        .isEqualTo(uuid);
                // And its scans run on the built-in scanner while the adapter is the default.
                String repo = chosen + "/app";
                LayerFixture os = LayerFixture.gzip("os")
                        .file("etc/os-release", LayerFixture.resource("alpine-3.14-os-release"))
                        .file("lib/apk/db/installed", LayerFixture.resource("alpine-3.14-apk-installed"));
                String d = admin.pushImage(repo, "1", os.bytes()).manifest().toString();
                String art = "/api/v2.0/projects/" + chosen + "/repositories/app/artifacts/" + d;
                RegistryClient.check(
                        postJson(owner.client(), art + "/scan", Map.of("scan_type", "vulnerability")), 202);
                JsonNode done = Eventually.await(
                        () -> owner.client()
                                .get(art + "?with_scan_overview=true")
                                .json(),
                        a -> a.path("scan_overview").toString().contains("\"Success\"")
                                || a.path("scan_overview").toString().contains("\"Error\""));
                JsonNode summary =
                        done.path("scan_overview").values().iterator().next();
                assertThat(summary.path("scan_status").asString()).isEqualTo("Success");
                assertThat(summary.path("scanner").path("name").asString()).isEqualTo("Berth built-in");
                assertThat(adapter.scans()).isEmpty();

                // Any registration can be made the default again, the built-in one too (system
                // administrators only); projects without a scanner of their own follow it.
                String builtinPath = "/api/v2.0/scanners/berth-builtin";
                assertThat(TestAccounts.patchJson(owner.client(), builtinPath, Map.of("is_default", true))
                                .status())
                        .isEqualTo(403);
                RegistryClient.check(TestAccounts.patchJson(admin, builtinPath, Map.of("is_default", true)), 200);
                JsonNode switched = admin.get("/api/v2.0/scanners").json();
                assertThat(listed(switched, "berth-builtin").path("is_default").asBoolean())
                        .isTrue();
                assertThat(listed(switched, uuid).path("is_default").asBoolean())
                        .isFalse();
                assertThat(stranger.client()
                                .get("/api/v2.0/projects/" + other + "/scanner")
                                .json()
                                .path("uuid")
                                .asString())
                        .isEqualTo("berth-builtin");
                // and back (other tests expect the adapter they register first to become the default)
                RegistryClient.check(
                        TestAccounts.patchJson(admin, "/api/v2.0/scanners/" + uuid, Map.of("is_default", true)), 200);
                assertThat(listed(admin.get("/api/v2.0/scanners").json(), "berth-builtin")
                                .path("is_default")
                                .asBoolean())
                        .isFalse();
            } finally {
                RegistryClient.check(admin.delete("/api/v2.0/scanners/" + uuid), 200);
            }
        }
        // With no adapter, the built-in scanner is the default again.
        assertThat(listed(admin.get("/api/v2.0/scanners").json(), "berth-builtin")
                        .path("is_default")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void generatingAnSbomAgainReplacesThePreviousAccessory() {
        String repo = project + "/again";
        LayerFixture os = LayerFixture.gzip("os")
                .file("etc/os-release", LayerFixture.resource("alpine-3.14-os-release"))
                .file("lib/apk/db/installed", LayerFixture.resource("alpine-3.14-apk-installed"));
        String d = admin.pushImage(repo, "1", os.bytes()).manifest().toString();
        String art = "/api/v2.0/projects/" + project + "/repositories/again/artifacts/";
        String first = generateSbom(art, d, "");
        String second = generateSbom(art, d, first);
        assertThat(second).isNotEqualTo(first);

        // One sbom.harbor accessory, the new one; the old one is gone as an artifact too.
        JsonNode accessories = admin.get(art + d + "/accessories").json();
        assertThat(accessories.size()).isEqualTo(1);
        assertThat(accessories.get(0).path("digest").asString()).isEqualTo(second);
        assertThat(accessories.get(0).path("type").asString()).isEqualTo("sbom.harbor");
        assertThat(admin.get(art + first).status()).isEqualTo(404);
        assertThat(admin.get(art + second + "/additions/sbom").status()).isEqualTo(200);
        String log = admin.get(art + d + "?with_sbom_overview=true")
                .json()
                .path("sbom_overview")
                .path("report_id")
                .asString();
        assertThat(admin.get(art + d + "/scan/" + log + "/log").text())
                .contains("previous SBOM accessory " + first + " deleted");
    }

    private static String generateSbom(String art, String d, String previous) {
        RegistryClient.check(postJson(admin, art + d + "/scan", Map.of("scan_type", "sbom")), 202);
        JsonNode done = Eventually.await(
                () -> admin.get(art + d + "?with_sbom_overview=true").json(), a -> {
                    String digest = a.path("sbom_overview").path("sbom_digest").asString("");
                    return (!digest.isEmpty() && !digest.equals(previous))
                            || a.path("sbom_overview").toString().contains("\"Error\"");
                });
        assertThat(done.path("sbom_overview").path("scan_status").asString()).isEqualTo("Success");
        return done.path("sbom_overview").path("sbom_digest").asString();
    }

    @Test
    void aDatabaseImportReMatchesBuiltInReportsInAJobWithoutReadingLayers() {
        String repo = project + "/rematch";
        LayerFixture app = LayerFixture.gzip("app").file("app/lib/log4j-core-2.14.1.jar", fixtureJarBytes());
        String d = admin.pushImage(repo, "1", app.bytes()).manifest().toString();
        String art = "/api/v2.0/projects/" + project + "/repositories/rematch/artifacts/" + d;
        RegistryClient.check(postJson(admin, art + "/scan", Map.of("scan_type", "vulnerability")), 202);
        Eventually.await(
                () -> admin.get(art + "?with_scan_overview=true").json(),
                a -> a.path("scan_overview").toString().contains("\"Success\""));
        // No database yet: nothing found.
        assertThat(admin.get(art + "/additions/vulnerabilities").text()).doesNotContain("CVE-2021-44228");

        RegistryClient.Response imported = admin.send(
                "PUT",
                "/api/v2.0/vulnerability-database/archives/Maven",
                dev.berth.scan.osv.OsvDatabaseTest.archive("Maven"),
                "Content-Type",
                "application/zip");
        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        // The import answers once the database is loaded; the re-matching is a job, shown with the database.
        JsonNode rematch = Eventually.await(
                        () -> admin.get("/api/v2.0/vulnerability-database").json(),
                        s -> s.path("rematch").path("status").asString("").equals("Success"))
                .path("rematch");
        assertThat(rematch.path("progress").asInt()).isEqualTo(100);
        assertThat(rematch.path("extra_attrs").path("artifacts").asInt()).isGreaterThanOrEqualTo(1);
        String log = admin.get("/api/v2.0/jobservice/jobs/"
                        + taskOf(rematch.path("execution_id").asLong()) + "/log")
                .text();
        assertThat(log).contains("built-in reports replaced");

        String report = admin.get(art + "/additions/vulnerabilities").text();
        assertThat(report).contains("CVE-2021-44228");
        JsonNode overview = admin.get(art + "?with_scan_overview=true")
                .json()
                .path("scan_overview")
                .values()
                .iterator()
                .next();
        assertThat(overview.path("severity").asString()).isEqualTo("Critical");
        // A non-administrator sees neither the database state nor the job.
        assertThat(accounts.user("nosys")
                        .client()
                        .get("/api/v2.0/vulnerability-database")
                        .status())
                .isEqualTo(403);
    }

    private static byte[] fixtureJarBytes() {
        try {
            return Files.readAllBytes(fixtureJar("log4j-core-2.14.1.jar"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long taskOf(long executionId) {
        return accounts.jdbc()
                .sql("SELECT id FROM job_task WHERE execution_id = ?")
                .param(executionId)
                .query(Long.class)
                .single();
    }

    /**
     * An AlmaLinux 9 image whose rpm database rpm itself wrote (a package built with rpmbuild and
     * installed with rpm --root): the SBOM lists it with its Trivy-style purl and a vulnerability
     * scan matches AlmaLinux's real advisory ALSA-2023:0946 by rpm's version order, epoch included.
     */
    @Test
    void rpmDatabaseOfAnAlmaLinuxImageIsCataloguedAndMatchedAgainstAlmaLinuxAdvisories() throws Exception {
        RegistryClient.Response imported = admin.send(
                "PUT",
                "/api/v2.0/vulnerability-database/archives/AlmaLinux",
                dev.berth.scan.osv.OsvDatabaseTest.archive("AlmaLinux"),
                "Content-Type",
                "application/zip");
        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        java.nio.file.Path root = RpmFixture.installedRoot(0);
        LayerFixture os = LayerFixture.gzip("alma")
                .file("etc/os-release", "NAME=\"AlmaLinux\"\nID=\"almalinux\"\nVERSION_ID=\"9.1\"\n".getBytes())
                .file("var/lib/rpm/rpmdb.sqlite", Files.readAllBytes(root.resolve("var/lib/rpm/rpmdb.sqlite")));
        String alma =
                admin.pushImage(project + "/alma", "9.1", os.bytes()).manifest().toString();
        String artifact = "/api/v2.0/projects/" + project + "/repositories/alma/artifacts/" + alma;

        RegistryClient.check(postJson(admin, artifact + "/scan", Map.of("scan_type", "vulnerability")), 202);
        JsonNode overview = Eventually.await(
                () -> admin.get(artifact + "?with_scan_overview=true").json(),
                a -> a.path("scan_overview").toString().contains("\"Success\"")
                        || a.path("scan_overview").toString().contains("\"Error\""));
        assertThat(overview.path("scan_overview").toString()).contains("\"Success\"");
        JsonNode report = admin.get(artifact + "/additions/vulnerabilities")
                .json()
                .values()
                .iterator()
                .next();
        JsonNode hit = null;
        for (JsonNode v : report.path("vulnerabilities")) {
            if (v.path("vendor_attributes").path("osv_ids").toString().contains("ALSA-2023:0946")) {
                hit = v;
            }
        }
        assertThat(hit).as(report.toString()).isNotNull();
        // Named by the advisory's first CVE alias, as the matcher names every advisory with aliases
        assertThat(hit.path("id").asString()).isEqualTo("CVE-2022-4203");
        assertThat(hit.path("vendor_attributes").path("ecosystem").asString()).isEqualTo("AlmaLinux:9");
        assertThat(hit.path("package").asString()).isEqualTo("openssl-devel");
        assertThat(hit.path("version").asString()).isEqualTo("1:3.0.1-43.el9_0");
        assertThat(hit.path("fix_version").asString()).isEqualTo("1:3.0.1-47.el9_1");
        // the record has no severity field; its summary starts "Moderate:", Red Hat's word for Medium
        assertThat(hit.path("severity").asString()).isEqualTo("Medium");

        RegistryClient.check(postJson(admin, artifact + "/scan", Map.of("scan_type", "sbom")), 202);
        JsonNode sbomOverview = Eventually.await(
                () -> admin.get(artifact + "?with_sbom_overview=true").json(),
                a -> a.path("sbom_overview").toString().contains("\"sbom_digest\"")
                        || a.path("sbom_overview").toString().contains("\"Error\""));
        String sbomDigest =
                sbomOverview.path("sbom_overview").path("sbom_digest").asString();
        String spdx = admin.get("/api/v2.0/projects/" + project + "/repositories/alma/artifacts/" + sbomDigest
                        + "/additions/sbom")
                .text();
        assertThat(spdx)
                .contains("pkg:rpm/alma/openssl-devel@3.0.1-43.el9_0?arch=noarch&distro=alma-9.1&epoch=1"
                        + "&modularitylabel=openssl%3A3%3A9000%3Aberth&upstream=openssl")
                .contains("ASL 2.0");
    }
}
