package dev.berth.scan;

import static dev.berth.support.TestAccounts.patchJson;
import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.ScannerAdapter;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scanner registrations and scans through Harbor's pluggable scanner API, against a Berth whose
 * outbound rules admit 127.0.0.1 and a {@link ScannerAdapter} that speaks the spec and really
 * pulls from Berth with the credential it is given.
 */
class ScanningTest {
    /** Harbor keys the vulnerabilities addition by its native report type, version 1.0. */
    static final String NATIVE_1_0 = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";

    private static TestDatabase db;
    private static BerthServer server;
    private static RegistryClient admin;
    private static TestAccounts accounts;

    private ScannerAdapter adapter;

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
                        "berth.scan.default-refresh-after", "1s",
                        "berth.scan.report-timeout", "6s"));
        admin = server.adminClient();
        accounts = new TestAccounts(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    @BeforeEach
    void startAdapter() {
        adapter = ScannerAdapter.start();
        // Each test starts with no registrations.
        accounts.jdbc()
                .sql("DELETE FROM scanner_registration WHERE NOT immutable")
                .update();
    }

    @AfterEach
    void stopAdapter() {
        adapter.close();
    }

    static Map<String, Object> registration(String name, String url) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("description", "a test scanner");
        body.put("url", url);
        return body;
    }

    static String created(Response r) {
        RegistryClient.check(r, 201);
        String location = r.header("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    @Test
    void aConfiguredAdapterNotRegisteredAtStartIsRetriedWithBackoffAndShownInHealth() {
        // Another registration holds the adapter's URL, so the configured one fails as one whose
        // host does not resolve yet would, until that registration is deleted.
        String holder = created(postJson(admin, "/api/v2.0/scanners", registration("holder", adapter.url())));
        dev.berth.support.MutableClock clock = new dev.berth.support.MutableClock(java.time.Instant.now());
        ConfiguredScanners configured = new ConfiguredScanners(
                server.bean(Scanners.class),
                server.bean(ScannerRecords.class),
                new ConfiguredScanners.Adapters(List.of(new ConfiguredScanners.Adapter(
                        "Trivy", adapter.url(), "configured", "", "", false, false, true))),
                clock);
        assertThat(configured.attemptAll()).isTrue();
        assertThat(configured.health()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("trivy");
            assertThat(s.problem().orElseThrow()).startsWith("not registered yet: 1 attempts failed");
        });
        // 5 s after the first failure, then 10 s after the second
        clock.advance(Duration.ofSeconds(4));
        assertThat(configured.retryDue()).isTrue();
        assertThat(configured.health().getFirst().problem().orElseThrow()).contains("1 attempts failed");
        clock.advance(Duration.ofSeconds(1));
        assertThat(configured.retryDue()).isTrue();
        assertThat(configured.health().getFirst().problem().orElseThrow()).contains("2 attempts failed");
        assertThat(ConfiguredScanners.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(ConfiguredScanners.backoff(30)).isEqualTo(Duration.ofMinutes(5));

        RegistryClient.check(admin.delete("/api/v2.0/scanners/" + holder), 200);
        clock.advance(Duration.ofSeconds(9));
        assertThat(configured.retryDue()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(configured.retryDue()).isFalse();
        JsonNode listed = admin.get("/api/v2.0/scanners").json();
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).path("name").asString()).isEqualTo("Trivy");
        assertThat(listed.get(0).path("is_default").asBoolean()).isTrue();
        // registered and answering: healthy
        assertThat(configured.health().getFirst().problem()).isEmpty();
    }

    @Test
    void registrationsFromConfigurationAreCreatedOrUpdatedByNameAndMadeDefaultAsAsked() {
        String first = created(postJson(admin, "/api/v2.0/scanners", registration("first", adapter.url() + "/first")));
        Scanners scanners = server.bean(Scanners.class);
        ScannerRequest trivy = new ScannerRequest(
                "Trivy", "from configuration", adapter.url(), "Bearer", "token-1", false, false, false);
        String uuid = scanners.upsert(trivy, true);
        // every start: the same row, updated, still the only default
        ScannerRequest again =
                new ScannerRequest("Trivy", "changed", adapter.url(), "Bearer", "token-2", false, false, false);
        assertThat(scanners.upsert(again, true)).isEqualTo(uuid);
        JsonNode list = admin.get("/api/v2.0/scanners").json();
        assertThat(list.size()).isEqualTo(2);
        JsonNode configured = admin.get("/api/v2.0/scanners/" + uuid).json();
        assertThat(configured.path("description").asString()).isEqualTo("changed");
        assertThat(configured.path("is_default").asBoolean()).isTrue();
        assertThat(admin.get("/api/v2.0/scanners/" + first)
                        .json()
                        .path("is_default")
                        .asBoolean())
                .isFalse();
        assertThat(admin.get("/api/v2.0/scanners").text()).doesNotContain("token-");
        // unset: the default is left as it is; false: it is no longer the default
        scanners.upsert(again, null);
        assertThat(admin.get("/api/v2.0/scanners/" + uuid)
                        .json()
                        .path("is_default")
                        .asBoolean())
                .isTrue();
        scanners.upsert(again, false);
        assertThat(admin.get("/api/v2.0/scanners/" + uuid)
                        .json()
                        .path("is_default")
                        .asBoolean())
                .isFalse();
        // a URL the outbound rules refuse is refused here as over the API
        assertThatThrownBy(() -> scanners.upsert(
                        new ScannerRequest("Metadata", "", "http://169.254.169.254", "", "", false, false, false),
                        true))
                .isInstanceOf(dev.berth.api.ApiException.class);
        assertThat(admin.get("/api/v2.0/scanners").json().size()).isEqualTo(2);
        // the built-in scanner is read by its uuid only where it is enabled (not here)
        assertThat(admin.get("/api/v2.0/scanners/berth-builtin").status()).isEqualTo(404);
    }

    @Test
    void registrationsAreCreatedReadUpdatedAndDeletedInHarborsShapeWithWriteOnlyCredentials() {
        Map<String, Object> body = registration("fake", adapter.url());
        body.put("auth", "Bearer");
        body.put("access_credential", "s3cr3t-adapter-token");
        body.put("skip_certVerify", true);
        Response create = postJson(admin, "/api/v2.0/scanners", body);
        String uuid = created(create);
        assertThat(create.header("Location")).contains("/api/v2.0/scanners/" + uuid);

        JsonNode got = admin.get("/api/v2.0/scanners/" + uuid).json();
        assertThat(got.path("uuid").asString()).isEqualTo(uuid);
        assertThat(got.path("name").asString()).isEqualTo("fake");
        assertThat(got.path("description").asString()).isEqualTo("a test scanner");
        assertThat(got.path("url").asString()).isEqualTo(adapter.url());
        assertThat(got.path("auth").asString()).isEqualTo("Bearer");
        assertThat(got.path("skip_certVerify").asBoolean()).isTrue();
        assertThat(got.path("use_internal_addr").asBoolean()).isFalse();
        assertThat(got.path("disabled").asBoolean()).isFalse();
        assertThat(got.path("is_default").asBoolean())
                .as("the first registration is the default")
                .isTrue();
        assertThat(got.path("create_time").asString()).isNotEmpty();
        // Write-only: never returned, sealed at rest.
        assertThat(got.path("access_credential").asString()).isEmpty();
        assertThat(admin.get("/api/v2.0/scanners").text()).doesNotContain("s3cr3t-adapter-token");
        String stored = accounts.jdbc()
                .sql("SELECT access_credential FROM scanner_registration WHERE uuid = ?")
                .param(uuid)
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain("s3cr3t").startsWith("sealed:v1:");

        // An update without access_credential keeps it (Harbor 2.14's rule): the adapter still gets it.
        Map<String, Object> update = registration("fake-renamed", adapter.url());
        update.put("auth", "Bearer");
        RegistryClient.check(putJson(admin, "/api/v2.0/scanners/" + uuid, update), 200);
        RegistryClient.check(admin.get("/api/v2.0/scanners/" + uuid + "/metadata"), 200);
        assertThat(adapter.requestHeaders().getLast().get("Authorization"))
                .containsExactly("Bearer s3cr3t-adapter-token");
        assertThat(admin.get("/api/v2.0/scanners/" + uuid).json().path("name").asString())
                .isEqualTo("fake-renamed");

        Response list = admin.get("/api/v2.0/scanners?page=1&page_size=10");
        assertThat(list.header("X-Total-Count")).contains("1");
        assertThat(list.json().path(0).path("uuid").asString()).isEqualTo(uuid);
        assertThat(admin.get("/api/v2.0/scanners?q=name%3D~renamed").json().size())
                .isEqualTo(1);
        assertThat(admin.get("/api/v2.0/scanners?q=name%3Dnone").json().size()).isZero();

        // Same name or URL again: 409.
        assertThat(postJson(admin, "/api/v2.0/scanners", registration("fake-renamed", "http://127.0.0.1:1"))
                        .status())
                .isEqualTo(409);

        Response deleted = admin.delete("/api/v2.0/scanners/" + uuid);
        RegistryClient.check(deleted, 200);
        assertThat(deleted.json().path("uuid").asString()).isEqualTo(uuid);
        assertThat(admin.get("/api/v2.0/scanners/" + uuid).status()).isEqualTo(404);
        assertThat(admin.delete("/api/v2.0/scanners/" + uuid).status()).isEqualTo(404);
    }

    @Test
    void badRegistrationsAreRefusedWithHarborsErrors() {
        Map<String, Object> noName = registration("", adapter.url());
        assertThat(postJson(admin, "/api/v2.0/scanners", noName).errorCode()).isEqualTo("BAD_REQUEST");
        Map<String, Object> badAuth = registration("x", adapter.url());
        badAuth.put("auth", "Digest");
        Response r = postJson(admin, "/api/v2.0/scanners", badAuth);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).contains("auth type Digest is not supported");
        Map<String, Object> noCredential = registration("x", adapter.url());
        noCredential.put("auth", "Basic");
        assertThat(postJson(admin, "/api/v2.0/scanners", noCredential).text())
                .contains("access_credential is required for auth type Basic");
        assertThat(postJson(admin, "/api/v2.0/scanners", registration("x", "ftp://127.0.0.1/"))
                        .status())
                .isEqualTo(400);
        // SSRF rules as for every configured URL: metadata, other loopback addresses, unspecified.
        for (String url : List.of("http://169.254.169.254/latest", "http://127.0.0.2:8080", "http://0.0.0.0:80")) {
            Response refused = postJson(admin, "/api/v2.0/scanners", registration("ssrf", url));
            assertThat(refused.status()).as(url).isEqualTo(400);
            Response ping = postJson(admin, "/api/v2.0/scanners/ping", registration("ssrf", url));
            assertThat(ping.status()).as(url).isEqualTo(400);
        }
        assertThat(admin.get("/api/v2.0/scanners").json().size()).isZero();
    }

    @Test
    void pingMetadataAndDefaultFollowTheAdapterAndHarborsRules() {
        Map<String, Object> settings = registration("fake", adapter.url());
        settings.put("auth", "APIKey");
        settings.put("access_credential", "key-123");
        RegistryClient.check(postJson(admin, "/api/v2.0/scanners/ping", settings), 200);
        assertThat(adapter.requestHeaders().getLast().get("X-scanneradapter-api-key"))
                .containsExactly("key-123");
        assertThat(adapter.requestHeaders().getLast().get("Accept"))
                .containsExactly("application/vnd.scanner.adapter.metadata+json; version=1.0");
        // An adapter that is not there: 400 with a reason.
        Response down = postJson(admin, "/api/v2.0/scanners/ping", registration("gone", "http://127.0.0.1:1"));
        assertThat(down.status()).isEqualTo(400);

        Map<String, Object> basic = registration("basic", adapter.url());
        basic.put("auth", "Basic");
        basic.put("access_credential", "user:pass");
        String a = created(postJson(admin, "/api/v2.0/scanners", basic));
        JsonNode metadata = admin.get("/api/v2.0/scanners/" + a + "/metadata").json();
        assertThat(adapter.requestHeaders().getLast().get("Authorization"))
                .containsExactly("Basic " + Base64.getEncoder().encodeToString("user:pass".getBytes()));
        assertThat(metadata.path("scanner").path("name").asString()).isEqualTo("FakeScan");
        assertThat(metadata.path("scanner").path("vendor").asString()).isEqualTo("Berth tests");
        assertThat(metadata.path("capabilities")
                        .path(0)
                        .path("consumes_mime_types")
                        .toString())
                .contains(ScannerAdapter.OCI_MANIFEST);
        assertThat(metadata.path("properties")
                        .path("harbor.scanner-adapter/scanner-type")
                        .asString())
                .isEqualTo("os-package-vulnerability");

        ScannerAdapter second = ScannerAdapter.start();
        try {
            String b = created(postJson(admin, "/api/v2.0/scanners", registration("second", second.url())));
            assertThat(admin.get("/api/v2.0/scanners/" + b)
                            .json()
                            .path("is_default")
                            .asBoolean())
                    .isFalse();
            RegistryClient.check(patchJson(admin, "/api/v2.0/scanners/" + b, Map.of("is_default", true)), 200);
            assertThat(admin.get("/api/v2.0/scanners/" + b)
                            .json()
                            .path("is_default")
                            .asBoolean())
                    .isTrue();
            assertThat(admin.get("/api/v2.0/scanners/" + a)
                            .json()
                            .path("is_default")
                            .asBoolean())
                    .isFalse();
            // The default cannot be disabled.
            Map<String, Object> disable = registration("second", second.url());
            disable.put("disabled", true);
            assertThat(putJson(admin, "/api/v2.0/scanners/" + b, disable).status())
                    .isEqualTo(400);
        } finally {
            second.close();
        }
    }

    @Test
    void onlySystemAdminsManageRegistrationsAndProjectAdminsChooseTheProjectScanner() {
        String uuid = created(postJson(admin, "/api/v2.0/scanners", registration("fake", adapter.url())));
        String project = accounts.project("scanperm", false);
        TestAccounts.Account owner = accounts.user("owner");
        TestAccounts.Account maintainer = accounts.user("maint");
        TestAccounts.Account guest = accounts.user("guest");
        TestAccounts.Account stranger = accounts.user("stranger");
        accounts.member(project, owner, ProjectRole.PROJECT_ADMIN);
        accounts.member(project, maintainer, ProjectRole.MAINTAINER);
        accounts.member(project, guest, ProjectRole.GUEST);
        RegistryClient anonymous = server.anonymousClient();

        // System endpoints: 401 anonymous, 403 for any non-admin (a project admin included).
        for (RegistryClient c : List.of(owner.client(), stranger.client())) {
            assertThat(c.get("/api/v2.0/scanners").status()).isEqualTo(403);
            assertThat(c.get("/api/v2.0/scanners/" + uuid).status()).isEqualTo(403);
            assertThat(c.get("/api/v2.0/scanners/" + uuid + "/metadata").status())
                    .isEqualTo(403);
            assertThat(postJson(c, "/api/v2.0/scanners", registration("mine", "http://127.0.0.1:2"))
                            .status())
                    .isEqualTo(403);
            assertThat(postJson(c, "/api/v2.0/scanners/ping", registration("mine", adapter.url()))
                            .status())
                    .isEqualTo(403);
            assertThat(putJson(c, "/api/v2.0/scanners/" + uuid, registration("mine", adapter.url()))
                            .status())
                    .isEqualTo(403);
            assertThat(patchJson(c, "/api/v2.0/scanners/" + uuid, Map.of("is_default", true))
                            .status())
                    .isEqualTo(403);
            assertThat(c.delete("/api/v2.0/scanners/" + uuid).status()).isEqualTo(403);
        }
        assertThat(anonymous.get("/api/v2.0/scanners").status()).isEqualTo(401);
        assertThat(anonymous.delete("/api/v2.0/scanners/" + uuid).status()).isEqualTo(401);
        assertThat(postJson(anonymous, "/api/v2.0/scanners/ping", registration("x", adapter.url()))
                        .status())
                .isEqualTo(401);
        assertThat(admin.get("/api/v2.0/scanners/" + uuid).status()).isEqualTo(200);

        String path = "/api/v2.0/projects/" + project + "/scanner";
        // Members read the project's scanner (the default here), pinged for its health.
        for (RegistryClient c : List.of(owner.client(), maintainer.client(), guest.client())) {
            JsonNode s = c.get(path).json();
            assertThat(s.path("uuid").asString()).isEqualTo(uuid);
            assertThat(s.path("health").asString()).isEqualTo("healthy");
            assertThat(s.path("adapter").asString()).isEqualTo("FakeScan");
            assertThat(s.path("capabilities").path("support_vulnerability").asBoolean())
                    .isTrue();
        }
        // A private project is invisible to strangers and anonymous callers.
        assertThat(stranger.client().get(path).status()).isEqualTo(404);
        assertThat(anonymous.get(path).status()).isEqualTo(401);
        // Only project admins set it and list candidates.
        for (RegistryClient c : List.of(maintainer.client(), guest.client())) {
            assertThat(putJson(c, path, Map.of("uuid", uuid)).status()).isEqualTo(403);
            assertThat(c.get(path + "/candidates").status()).isEqualTo(403);
        }
        assertThat(putJson(stranger.client(), path, Map.of("uuid", uuid)).status())
                .isEqualTo(404);

        ScannerAdapter other = ScannerAdapter.start();
        try {
            String second = created(postJson(admin, "/api/v2.0/scanners", registration("other", other.url())));
            Response candidates = owner.client().get(path + "/candidates");
            assertThat(candidates.header("X-Total-Count")).contains("2");
            RegistryClient.check(putJson(owner.client(), path, Map.of("uuid", second)), 200);
            assertThat(owner.client().get(path).json().path("uuid").asString()).isEqualTo(second);
            assertThat(putJson(owner.client(), path, Map.of("uuid", "no-such")).status())
                    .isEqualTo(400);
            // With berth.scan.builtin-default off the built-in scanner is not installed: not listed,
            // not offered, not chosen.
            assertThat(candidates.text()).doesNotContain("berth-builtin");
            assertThat(admin.get("/api/v2.0/scanners/berth-builtin").status()).isEqualTo(404);
            assertThat(putJson(owner.client(), path, Map.of("uuid", "berth-builtin"))
                            .status())
                    .isEqualTo(400);
            // By id with the resource-name header off, as Harbor's clients address it.
            long id = accounts.projectId(project);
            assertThat(owner.client()
                            .get("/api/v2.0/projects/" + id + "/scanner")
                            .json()
                            .path("uuid")
                            .asString())
                    .isEqualTo(second);
            // Deleting the project's scanner falls back to the default.
            RegistryClient.check(admin.delete("/api/v2.0/scanners/" + second), 200);
            assertThat(owner.client().get(path).json().path("uuid").asString()).isEqualTo(uuid);
        } finally {
            other.close();
        }
    }

    @Test
    void aScanPullsWithAMintedSingleRepositoryCredentialPollsWithRefreshAfterAndStoresTheReport() throws Exception {
        String project = accounts.project("scan", false);
        String repository = project + "/app";
        String otherRepository = project + "/other";
        RegistryClient.Image image = admin.pushImage(repository, "v1", "layer one".getBytes(StandardCharsets.UTF_8));
        admin.pushImage(otherRepository, "latest", "another layer".getBytes(StandardCharsets.UTF_8));
        adapter.notReadyPolls(2).probe(otherRepository);
        String uuid = created(postJson(admin, "/api/v2.0/scanners", registration("fake", adapter.url())));
        String artifact = "/api/v2.0/projects/" + project + "/repositories/app/artifacts/v1";

        Response started = postJson(admin, artifact + "/scan", Map.of("scan_type", "vulnerability"));
        RegistryClient.check(started, 202);

        JsonNode reports = Eventually.await(
                Duration.ofSeconds(60),
                () -> admin.get(artifact + "/additions/vulnerabilities").json(),
                j -> j.has(NATIVE_1_0));
        JsonNode report = reports.path(NATIVE_1_0);
        assertThat(report.path("severity").asString()).isEqualTo("Critical");
        assertThat(report.path("vulnerabilities").size()).isEqualTo(2);
        assertThat(report.path("vulnerabilities").path(0).path("id").asString()).isEqualTo("CVE-2021-44228");
        // Only the generic report asked for: Berth has none, so nothing.
        assertThat(admin.get(
                                artifact + "/additions/vulnerabilities",
                                "X-Accept-Vulnerabilities",
                                "application/vnd.security.vulnerability.report; version=1.1")
                        .json()
                        .size())
                .isZero();
        // The overview on the artifact and in the list, in Harbor's NativeReportSummary shape.
        JsonNode listed = admin.get(
                        "/api/v2.0/projects/" + project + "/repositories/app/artifacts?with_scan_overview=true")
                .json();
        JsonNode overview = listed.path(0).path("scan_overview").path(NATIVE_1_0);
        assertThat(overview.path("scan_status").asString()).isEqualTo("Success");
        assertThat(overview.path("severity").asString()).isEqualTo("Critical");
        assertThat(overview.path("complete_percent").asInt()).isEqualTo(100);
        assertThat(overview.path("summary").path("total").asInt()).isEqualTo(2);
        assertThat(overview.path("summary").path("fixable").asInt()).isEqualTo(1);
        assertThat(overview.path("summary").path("summary").path("Critical").asInt())
                .isEqualTo(1);
        assertThat(overview.path("summary").path("summary").path("Low").asInt()).isEqualTo(1);
        assertThat(overview.path("scanner").path("name").asString()).isEqualTo("FakeScan");
        assertThat(overview.path("report_id").asString()).isNotEmpty();
        assertThat(overview.path("start_time").asString()).isNotEmpty();
        assertThat(overview.path("end_time").asString()).isNotEmpty();
        assertThat(admin.get(artifact + "?with_scan_overview=true")
                        .json()
                        .path("scan_overview")
                        .path(NATIVE_1_0)
                        .path("report_id")
                        .asString())
                .isEqualTo(overview.path("report_id").asString());
        assertThat(admin.get(artifact).json().has("scan_overview")).isFalse();
        assertThat(admin.get("/api/v2.0/projects/" + project + "/repositories/other/artifacts?with_scan_overview=true")
                        .json()
                        .path(0)
                        .has("scan_overview"))
                .as("never scanned")
                .isFalse();
        // Registrations list and get show the adapter's capabilities, as Harbor's do.
        assertThat(admin.get("/api/v2.0/scanners/" + uuid)
                        .json()
                        .path("capabilities")
                        .path("support_vulnerability")
                        .asBoolean())
                .isTrue();

        ScannerAdapter.Scan scan = adapter.scans().getFirst();
        assertThat(scan.contentType()).isEqualTo("application/vnd.scanner.adapter.scan.request+json; version=1.0");
        assertThat(scan.request().path("registry").path("url").asString()).startsWith("http://localhost:");
        assertThat(scan.request().path("artifact").path("repository").asString())
                .isEqualTo(repository);
        assertThat(scan.request().path("artifact").path("digest").asString())
                .isEqualTo(image.manifest().toString());
        assertThat(scan.request().path("artifact").path("tag").asString()).isEqualTo("v1");
        assertThat(scan.request().path("artifact").path("mime_type").asString()).isEqualTo(ScannerAdapter.OCI_MANIFEST);
        // The adapter pulled manifest, config and layer with the credential ...
        assertThat(scan.pullStatuses()).containsExactly(200, 200, 200);
        // ... which was refused on another repository of the same project,
        assertThat(scan.probeStatus()).isIn(401, 403);
        // and Refresh-After was honoured: two 302s, then the report.
        assertThat(adapter.polls(scan.id())).isEqualTo(3);

        // After the scan the credential is revoked.
        String manifestUrl = server.baseUri() + "/v2/" + repository + "/manifests/" + image.manifest();
        Eventually.await(
                Duration.ofSeconds(10), () -> pull(manifestUrl, scan.authorization()), status -> status == 401);
        // The hidden robot it was bound to is gone and was never listed.
        assertThat(hiddenRobots(project)).isZero();

        // The report's log, by its id; Harbor's report id is the overview's report_id.
        String reportId = accounts.jdbc()
                .sql("SELECT uuid FROM scan_report WHERE registration_uuid = ?")
                .param(uuid)
                .query(String.class)
                .single();
        Response log = admin.get(artifact + "/scan/" + reportId + "/log");
        RegistryClient.check(log, 200);
        assertThat(log.text())
                .contains("report not ready")
                .contains("report stored")
                .contains("revoked");
        assertThat(log.text()).doesNotContain(scan.authorization().substring(7));
        assertThat(admin.get(artifact + "/scan/not-a-report/log").status()).isEqualTo(404);
        // IDOR: the report id under another artifact is not found.
        String otherArtifact = "/api/v2.0/projects/" + project + "/repositories/other/artifacts/latest";
        assertThat(admin.get(otherArtifact + "/scan/" + reportId + "/log").status())
                .isEqualTo(404);

        // Nothing running now: stop is a 404.
        assertThat(postJson(admin, artifact + "/scan/stop", Map.of("scan_type", "vulnerability"))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void anAdapterErrorEndsTheReportAsErrorWithItsMessageInTheLog() {
        String project = accounts.project("scanerr", false);
        admin.pushImage(project + "/app", "v1", "layer".getBytes(StandardCharsets.UTF_8));
        adapter.scanStatus(500);
        created(postJson(admin, "/api/v2.0/scanners", registration("fake", adapter.url())));
        String artifact = "/api/v2.0/projects/" + project + "/repositories/app/artifacts/v1";
        RegistryClient.check(postJson(admin, artifact + "/scan", Map.of("scan_type", "vulnerability")), 202);
        String status = Eventually.await(
                Duration.ofSeconds(30),
                () -> accounts.jdbc()
                        .sql("SELECT status FROM scan_report r JOIN manifest m ON m.id = r.manifest_id"
                                + " JOIN repository p ON p.id = m.repository_id WHERE p.name = ?")
                        .param(project + "/app")
                        .query(String.class)
                        .optional()
                        .orElse(""),
                s -> s.equals("Error"));
        assertThat(status).isEqualTo("Error");
        String reportId = accounts.jdbc()
                .sql("SELECT r.uuid FROM scan_report r JOIN manifest m ON m.id = r.manifest_id"
                        + " JOIN repository p ON p.id = m.repository_id WHERE p.name = ?")
                .param(project + "/app")
                .query(String.class)
                .single();
        String log = Eventually.await(
                Duration.ofSeconds(10),
                () -> admin.get(artifact + "/scan/" + reportId + "/log").text(),
                t -> t.contains("revoked"));
        assertThat(log).contains("HTTP 500: scanner is out of order");
        assertThat(hiddenRobots(project)).isZero();
        // Scanning again is allowed once it ended.
        adapter.scanStatus(202);
        RegistryClient.check(postJson(admin, artifact + "/scan", Map.of()), 202);
    }

    @Test
    void scanPermissionsFollowHarborsMatrix() {
        created(postJson(admin, "/api/v2.0/scanners", registration("fake", adapter.url())));
        String project = accounts.project("scanmx", false);
        admin.pushImage(project + "/app", "v1", "layer".getBytes(StandardCharsets.UTF_8));
        TestAccounts.Account developer = accounts.user("dev");
        TestAccounts.Account guest = accounts.user("guest");
        TestAccounts.Account stranger = accounts.user("stranger");
        accounts.member(project, developer, ProjectRole.DEVELOPER);
        accounts.member(project, guest, ProjectRole.GUEST);
        String artifact = "/api/v2.0/projects/" + project + "/repositories/app/artifacts/v1";
        Map<String, Object> body = Map.of("scan_type", "vulnerability");
        // Developers and guests may not scan or stop (Harbor: project admins and maintainers).
        for (RegistryClient c : List.of(developer.client(), guest.client())) {
            assertThat(postJson(c, artifact + "/scan", body).status()).isEqualTo(403);
            assertThat(postJson(c, artifact + "/scan/stop", body).status()).isEqualTo(403);
            assertThat(c.get(artifact + "/additions/vulnerabilities").status()).isEqualTo(200);
        }
        assertThat(postJson(stranger.client(), artifact + "/scan", body).status())
                .isEqualTo(404);
        assertThat(stranger.client()
                        .get(artifact + "/additions/vulnerabilities")
                        .status())
                .isEqualTo(404);
        assertThat(postJson(server.anonymousClient(), artifact + "/scan", body).status())
                .isEqualTo(401);
        assertThat(admin.get(artifact + "/additions/vulnerabilities").json().size())
                .isZero();
        // An unknown artifact or scan type.
        assertThat(postJson(admin, "/api/v2.0/projects/" + project + "/repositories/app/artifacts/nope/scan", body)
                        .status())
                .isEqualTo(404);
        assertThat(postJson(admin, artifact + "/scan", Map.of("scan_type", "malware"))
                        .status())
                .isEqualTo(400);
    }

    /** The scan credentials' robots still alive for a project's repositories. */
    private static long hiddenRobots(String project) {
        return accounts.jdbc()
                .sql("SELECT count(*) FROM robot WHERE NOT visible AND description LIKE ?")
                .param("pull credential for " + project + "/%")
                .query(Long.class)
                .single();
    }

    private static String reportStatus(String repository) {
        return accounts.jdbc()
                .sql("SELECT r.status FROM scan_report r JOIN manifest m ON m.id = r.manifest_id"
                        + " JOIN repository p ON p.id = m.repository_id WHERE p.name = ?")
                .param(repository)
                .query(String.class)
                .optional()
                .orElse("");
    }

    @Test
    void aScanCanBeStoppedAndOneWhoseReportNeverComesTimesOutOrLosesItsScanner() {
        String uuid = created(postJson(admin, "/api/v2.0/scanners", registration("fake", adapter.url())));
        adapter.notReadyPolls(1_000_000);
        String project = accounts.project("scanstop", false);
        admin.pushImage(project + "/app", "v1", "layer".getBytes(StandardCharsets.UTF_8));
        String artifact = "/api/v2.0/projects/" + project + "/repositories/app/artifacts/v1";
        Map<String, Object> body = Map.of("scan_type", "vulnerability");

        RegistryClient.check(postJson(admin, artifact + "/scan", body), 202);
        Eventually.await(Duration.ofSeconds(30), () -> reportStatus(project + "/app"), s -> s.equals("Running"));
        // A second scan while one runs: 409.
        assertThat(postJson(admin, artifact + "/scan", body).status()).isEqualTo(409);
        RegistryClient.check(postJson(admin, artifact + "/scan/stop", body), 202);
        Eventually.await(Duration.ofSeconds(30), () -> reportStatus(project + "/app"), s -> s.equals("Stopped"));
        assertThat(admin.get(artifact + "?with_scan_overview=true")
                        .json()
                        .path("scan_overview")
                        .path(NATIVE_1_0)
                        .path("scan_status")
                        .asString())
                .isEqualTo("Stopped");
        Eventually.await(Duration.ofSeconds(10), () -> hiddenRobots(project), n -> n == 0);

        // The adapter keeps answering 302: after berth.scan.report-timeout (6 s here) the scan fails.
        RegistryClient.check(postJson(admin, artifact + "/scan", body), 202);
        Eventually.await(Duration.ofSeconds(60), () -> reportStatus(project + "/app"), s -> s.equals("Error"));
        String reportId = admin.get(artifact + "?with_scan_overview=true")
                .json()
                .path("scan_overview")
                .path(NATIVE_1_0)
                .path("report_id")
                .asString();
        String log = Eventually.await(
                Duration.ofSeconds(10),
                () -> admin.get(artifact + "/scan/" + reportId + "/log").text(),
                t -> t.contains("revoked"));
        assertThat(log).contains("no report within 6 s");

        // The scanner deleted while a scan polls: the scan ends as Error and its credential is revoked.
        RegistryClient.check(postJson(admin, artifact + "/scan", body), 202);
        Eventually.await(Duration.ofSeconds(30), () -> reportStatus(project + "/app"), s -> s.equals("Running"));
        String running = accounts.jdbc()
                .sql("SELECT uuid FROM scan_report WHERE status = 'Running' AND digest = ?")
                .param(admin.get(artifact).json().path("digest").asString())
                .query(String.class)
                .single();
        RegistryClient.check(admin.delete("/api/v2.0/scanners/" + uuid), 200);
        Eventually.await(Duration.ofSeconds(30), () -> reportStatus(project + "/app"), s -> s.equals("Error"));
        Eventually.await(Duration.ofSeconds(10), () -> hiddenRobots(project), n -> n == 0);
        assertThat(admin.get(artifact + "/scan/" + running + "/log").text())
                .contains("the scanner was deleted during the scan");
    }

    @Test
    void autoScanScansPushedImagesThroughTheEventStream() {
        created(postJson(admin, "/api/v2.0/scanners", registration("fake", adapter.url())));
        adapter.notReadyPolls(0);
        String auto = accounts.project("autoscan", false);
        String manual = accounts.project("noscan", false);
        RegistryClient.check(
                putJson(admin, "/api/v2.0/projects/" + auto, Map.of("metadata", Map.of("auto_scan", "true"))), 200);
        admin.pushImage(auto + "/app", "v1", "pushed".getBytes(StandardCharsets.UTF_8));
        admin.pushImage(manual + "/app", "v1", "pushed too".getBytes(StandardCharsets.UTF_8));
        String artifact = "/api/v2.0/projects/" + auto + "/repositories/app/artifacts/v1?with_scan_overview=true";
        JsonNode overview = Eventually.await(
                Duration.ofSeconds(60),
                () -> admin.get(artifact).json().path("scan_overview").path(NATIVE_1_0),
                o -> o.path("scan_status").asString("").equals("Success"));
        assertThat(overview.path("severity").asString()).isEqualTo("Critical");
        assertThat(adapter.scans()).hasSize(1);
        assertThat(adapter.scans()
                        .getFirst()
                        .request()
                        .path("artifact")
                        .path("repository")
                        .asString())
                .isEqualTo(auto + "/app");
        assertThat(admin.get("/api/v2.0/projects/" + manual + "/repositories/app/artifacts/v1?with_scan_overview=true")
                        .json()
                        .has("scan_overview"))
                .isFalse();
    }

    private static int pull(String url, String authorization) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Authorization", authorization)
                                    .header("Accept", ScannerAdapter.OCI_MANIFEST)
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
