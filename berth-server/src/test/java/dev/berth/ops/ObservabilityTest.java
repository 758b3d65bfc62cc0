package dev.berth.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthProcess;
import dev.berth.support.BerthServer;
import dev.berth.support.Closing;
import dev.berth.support.FreePort;
import dev.berth.support.RegistryClient;
import dev.berth.support.TcpProxy;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * One Berth process set up as an operator would run it in a cluster: metrics on their own port,
 * JSON logs, traces sent to an OTLP receiver, and its PostgreSQL behind a relay the test can cut.
 * Real pushes, pulls and API calls, then the scrape, the log lines, the spans and the probes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    static Path work;

    private static TestDatabase db;
    private static TcpProxy dbRelay;
    private static OtlpReceiver otlp;
    private static BerthProcess berth;
    private static int metricsPort;
    private static Path log;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        dbRelay = TcpProxy.start(TestDatabase.host(), Integer.parseInt(TestDatabase.port()));
        otlp = new OtlpReceiver();
        metricsPort = FreePort.pick();
        log = work.resolve("berth.log");
        berth = BerthProcess.start(
                work.resolve("data"),
                work.resolve("tmp"),
                log,
                List.of(
                        "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + dbRelay.port() + "/" + db.name(),
                        "--spring.datasource.username=" + db.user(),
                        // a vanished database must fail a connection attempt quickly, not after 30 s
                        "--spring.datasource.hikari.connection-timeout=2000",
                        "--berth.metrics.enabled=true",
                        "--berth.metrics.port=" + metricsPort,
                        "--berth.metrics.refresh-interval=500ms",
                        "--berth.log.format=json",
                        "--berth.tracing.otlp-endpoint=" + otlp.endpoint(),
                        "--management.opentelemetry.tracing.export.schedule-delay=200ms",
                        "--berth.gc.review-delay=0s",
                        "--berth.gc.upload-grace=0s"));
    }

    @AfterAll
    static void stop() {
        Closing.all(berth, otlp, dbRelay, db);
    }

    @Test
    @Order(1)
    void metricsCountRequestsByRouteTemplateAndReportWhatIsStored() {
        RegistryClient admin = berth.adminClient();
        create(admin, "metrics-a", false);
        create(admin, "metrics-b", true);
        RegistryClient.Image one = admin.pushImage("metrics-a/app", "v1", bytes(3000));
        admin.pushImage("metrics-a/tool/nested", "v1", bytes(5000));
        admin.pushImage("metrics-b/web", "latest", bytes(700));
        RegistryClient.check(admin.get("/v2/metrics-a/app/manifests/v1"), 200);
        RegistryClient.check(admin.get("/v2/metrics-a/app/blobs/" + one.layers().getFirst()), 200);
        RegistryClient.check(admin.get("/v2/metrics-a/app/manifests/nope"), 404);
        RegistryClient.check(admin.get("/api/v2.0/projects/metrics-a"), 200);
        RegistryClient.check(admin.get("/api/v2.0/projects/metrics-a/repositories"), 200);
        RegistryClient.check(new RegistryClient(berth.baseUri()).get("/api/v2.0/projects/metrics-a/repositories"), 401);

        Scrape scrape = await(
                () -> scrape(metricsPort),
                s -> s.sum("harbor_project_repo_total", Map.of("project_name", "metrics-a")) == 2
                        && s.sum("harbor_artifact_pulled", Map.of("project_name", "metrics-a")) >= 1);

        // HTTP: by route template, never by raw path; the status codes as they went out
        assertThat(scrape.sum(
                        "harbor_core_http_request_total",
                        Map.of("method", "PUT", "code", "201", "operation", "/v2/{name}/manifests/{reference}")))
                .isEqualTo(3);
        assertThat(scrape.sum(
                        "harbor_core_http_request_total",
                        Map.of("method", "GET", "code", "404", "operation", "/v2/{name}/manifests/{reference}")))
                .isEqualTo(1);
        assertThat(scrape.sum(
                        "harbor_core_http_request_total",
                        Map.of("method", "GET", "operation", "/v2/{name}/blobs/{digest}", "code", "200")))
                .isEqualTo(1);
        assertThat(scrape.sum(
                        "harbor_core_http_request_total",
                        Map.of("method", "GET", "code", "200", "operation", "/api/v2.0/projects/{projectNameOrId}")))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.sum(
                        "harbor_core_http_request_total",
                        Map.of("code", "401", "operation", "/api/v2.0/projects/{projectName}/repositories")))
                .isEqualTo(1);
        assertThat(scrape.series().stream()
                        .filter(s -> s.name().startsWith("harbor_core_http_request"))
                        .map(s -> s.labels().getOrDefault("operation", ""))
                        .filter(op -> op.contains("metrics-a") || op.contains("sha256")))
                .as("no raw repository names or digests as label values")
                .isEmpty();
        assertThat(scrape.sum(
                        "harbor_core_http_request_duration_seconds_count",
                        Map.of("method", "PUT", "operation", "/v2/{name}/manifests/{reference}")))
                .isEqualTo(3);
        assertThat(scrape.find(
                        "harbor_core_http_request_duration_seconds_bucket",
                        Map.of("method", "PUT", "operation", "/v2/{name}/manifests/{reference}", "le", "+Inf")))
                .singleElement()
                .extracting(Scrape.Series::value)
                .isEqualTo(3.0);
        assertThat(scrape.has("harbor_core_http_inflight_requests")).isTrue();

        // What is stored, per project, under Harbor's exporter names
        assertThat(scrape.sum("harbor_project_total", Map.of("public", "false")))
                .isEqualTo(1);
        assertThat(scrape.sum("harbor_project_total", Map.of("public", "true"))).isEqualTo(2); // + library
        assertThat(scrape.sum("harbor_project_repo_total", Map.of("project_name", "metrics-b", "public", "true")))
                .isEqualTo(1);
        assertThat(scrape.sum(
                        "harbor_project_artifact_total", Map.of("project_name", "metrics-a", "artifact_type", "IMAGE")))
                .isEqualTo(2);
        double usageA = scrape.sum("harbor_project_quota_usage_byte", Map.of("project_name", "metrics-a"));
        assertThat(usageA).isGreaterThan(8000);
        assertThat(scrape.sum("harbor_project_quota_byte", Map.of("project_name", "metrics-a")))
                .isEqualTo(-1);
        assertThat(scrape.sum("harbor_project_member_total", Map.of("project_name", "metrics-a")))
                .isEqualTo(1);
        double stored = scrape.sum("berth_storage_bytes", Map.of());
        assertThat(stored).isGreaterThan(8700);
        assertThat(scrape.sum("harbor_statistics_total_storage_consumption", Map.of()))
                .isEqualTo(stored);
        assertThat(scrape.sum("berth_storage_blobs", Map.of())).isEqualTo(6); // 3 configs + 3 layers
        assertThat(scrape.has("harbor_task_scheduled_total")).isTrue();
        assertThat(scrape.sum("harbor_health", Map.of())).isEqualTo(1);
        assertThat(scrape.sum("harbor_up", Map.of("component", "database"))).isEqualTo(1);
        assertThat(scrape.sum("harbor_up", Map.of("component", "storage"))).isEqualTo(1);
        // The JVM and pool meters come along
        assertThat(scrape.has("jvm_memory_used_bytes")).isTrue();
        assertThat(scrape.has("hikaricp_connections_active")).isTrue();
    }

    @Test
    @Order(2)
    void garbageCollectionResultsAppearOnceARunFinished() {
        RegistryClient admin = berth.adminClient();
        admin.pushImage("metrics-a/doomed", "x", bytes(4321));
        admin.pushImage("metrics-a/doomed", "x", bytes(10)); // the first one is untagged now
        RegistryClient.Response started = admin.send(
                "POST",
                "/api/v2.0/system/gc/schedule",
                "{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"delete_untagged\":true}}"
                        .getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        RegistryClient.check(started, 201);

        Scrape scrape = await(
                () -> scrape(metricsPort),
                s -> s.sum("berth_gc_last_freed_bytes", Map.of()) > 0
                        && s.sum("harbor_jobservice_task_total", Map.of("type", "GARBAGE_COLLECTION")) > 0);
        assertThat(scrape.sum("berth_gc_last_freed_bytes", Map.of())).isGreaterThanOrEqualTo(4321);
        assertThat(scrape.sum("berth_gc_last_deleted_blobs", Map.of())).isGreaterThanOrEqualTo(2);
        assertThat(scrape.sum("berth_gc_last_deleted_manifests", Map.of())).isGreaterThanOrEqualTo(1);
        assertThat(scrape.sum("berth_gc_runs_total", Map.of())).isGreaterThanOrEqualTo(1);
        assertThat(scrape.sum("berth_gc_last_success_timestamp_seconds", Map.of()))
                .isGreaterThan(Instant.now().minus(Duration.ofHours(1)).getEpochSecond());
        assertThat(scrape.sum(
                        "harbor_jobservice_task_total", Map.of("type", "GARBAGE_COLLECTION", "status", "Success")))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.sum(
                        "harbor_jobservice_task_process_time_seconds_count",
                        Map.of("type", "GARBAGE_COLLECTION", "status", "Success")))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(2)
    void seriesOfADeletedProjectDisappear() {
        RegistryClient admin = berth.adminClient();
        create(admin, "metrics-short", false);
        await(
                () -> scrape(metricsPort),
                s -> !s.find("harbor_project_member_total", Map.of("project_name", "metrics-short"))
                        .isEmpty());
        RegistryClient.check(admin.delete("/api/v2.0/projects/metrics-short"), 200);
        Scrape after = await(
                () -> scrape(metricsPort),
                s -> s.find("harbor_project_member_total", Map.of("project_name", "metrics-short"))
                        .isEmpty());
        assertThat(after.series().stream()
                        .filter(x -> "metrics-short".equals(x.labels().get("project_name"))))
                .isEmpty();
        assertThat(after.sum("harbor_project_total", Map.of("public", "false"))).isEqualTo(1);
    }

    @Test
    @Order(3)
    void theTwoPortsServeOnlyTheirOwnThings() {
        RegistryClient management = new RegistryClient(URI.create("http://127.0.0.1:" + metricsPort));
        RegistryClient.Response v2 = management.get("/v2/");
        assertThat(v2.status()).isEqualTo(404);
        assertThat(management.get("/api/v2.0/projects").status()).isEqualTo(404);
        assertThat(management.get("/api/v2.0/health").status()).isEqualTo(404);
        assertThat(management.get("/health/readiness").status()).isEqualTo(200);

        RegistryClient app = berth.adminClient();
        assertThat(app.get("/metrics").text()).doesNotContain("harbor_core_http_request_total");
        assertThat(app.get("/actuator/prometheus").text()).doesNotContain("harbor_core_http_request_total");
        assertThat(app.get("/metrics").status()).isNotEqualTo(200);
        assertThat(app.get("/livez").status()).isEqualTo(200);
        assertThat(app.get("/readyz").status()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void jsonLogLinesParseAndCarryTheRequestIdButNoSecrets() throws IOException {
        RegistryClient admin = berth.adminClient();
        String rid = "ops-test-" + System.nanoTime();
        RegistryClient.Response r = admin.get("/api/v2.0/projects/metrics-a", "X-Request-Id", rid);
        assertThat(r.header("X-Request-Id")).contains(rid);
        RegistryClient.check(
                new RegistryClient(berth.baseUri())
                        .withHeaders(Map.of(
                                "Authorization",
                                BerthServer.basic("admin", "Wrong-Password-1"),
                                "X-Request-Id",
                                rid + "-bad"))
                        .get("/v2/"),
                401);

        JsonNode access = await(() -> accessLine(rid), n -> n != null);
        assertThat(access.path("message").asString())
                .contains("method=GET")
                .contains("route=\"/api/v2.0/projects/{projectNameOrId}\"")
                .contains("status=200")
                .contains("user=\"admin\"")
                .contains("duration_ms=");
        assertThat(access.path("log").path("logger").asString()).isEqualTo("dev.berth.access");
        JsonNode refused = await(() -> accessLine(rid + "-bad"), n -> n != null);
        assertThat(refused.path("message").asString()).contains("status=401").contains("user=\"anonymous\"");
        // Not only the access line: whatever is logged while serving the request carries its id
        JsonNode failedLogin = await(() -> line(rid + "-bad", "event=login_failed"), n -> n != null);
        assertThat(failedLogin.path("log").path("logger").asString())
                .isEqualTo("dev.berth.iam.CredentialAuthenticator");

        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(text)
                .doesNotContain(BerthServer.ADMIN_PASSWORD)
                .doesNotContain("Wrong-Password-1")
                .doesNotContain(
                        BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD).substring(6))
                .doesNotContainIgnoringCase("authorization:");
        long jsonLines = text.lines()
                .filter(l -> l.startsWith("{"))
                .peek(l -> RegistryClient.JSON.readTree(l)) // every structured line parses
                .count();
        assertThat(jsonLines).isGreaterThan(10);
    }

    @Test
    @Order(5)
    void spansReachTheConfiguredOtlpEndpoint() {
        RegistryClient.check(berth.adminClient().get("/api/v2.0/projects/metrics-b"), 200);
        List<byte[]> exports = await(otlp::exports, e -> e.stream().anyMatch(b -> contains(b, "/api/v2.0/projects")));
        assertThat(exports).isNotEmpty();
        assertThat(exports.stream().anyMatch(b -> contains(b, "berth"))).isTrue(); // service.name
    }

    @Test
    @Order(6)
    void readinessFollowsTheDatabaseWhileLivenessStays() {
        RegistryClient app = new RegistryClient(berth.baseUri());
        dbRelay.cut();
        try {
            await(() -> app.get("/readyz").status(), s -> s == 503);
            assertThat(app.get("/livez").status()).isEqualTo(200);
            JsonNode health = app.get("/api/v2.0/health").json();
            assertThat(health.path("status").asString()).isEqualTo("unhealthy");
            assertThat(component(health, "database").path("status").asString()).isEqualTo("unhealthy");
            assertThat(component(health, "database").path("error").asString()).doesNotContain("127.0.0.1");
            assertThat(component(health, "storage").path("status").asString()).isEqualTo("healthy");
            Scrape scrape =
                    await(() -> scrape(metricsPort), x -> x.sum("harbor_up", Map.of("component", "database")) == 0);
            assertThat(scrape.sum("harbor_health", Map.of())).isZero();
        } finally {
            dbRelay.restore();
        }
        await(() -> app.get("/readyz").status(), s -> s == 200);
        JsonNode health = app.get("/api/v2.0/health").json();
        assertThat(health.path("status").asString()).isEqualTo("healthy");
        assertThat(berth.adminClient().get("/api/v2.0/projects/metrics-a").status())
                .isEqualTo(200);
    }

    private static JsonNode component(JsonNode health, String name) {
        for (JsonNode c : health.path("components")) {
            if (c.path("name").asString().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + health);
    }

    private static JsonNode accessLine(String rid) {
        return line(rid, "event=http_request");
    }

    /** The first JSON log line of request {@code rid} whose message starts with {@code event}. */
    private static JsonNode line(String rid, String event) {
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith("{") && line.contains(rid)) {
                    JsonNode node = RegistryClient.JSON.readTree(line);
                    if (node.path("requestId").asString().equals(rid)
                            && node.path("message").asString().startsWith(event)) {
                        return node;
                    }
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void create(RegistryClient admin, String name, boolean isPublic) {
        RegistryClient.check(admin.createProject(name, isPublic), 201);
    }

    static Scrape scrape(int port) {
        RegistryClient.Response r = new RegistryClient(URI.create("http://127.0.0.1:" + port)).get("/metrics");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return Scrape.parse(r.text());
    }

    /** Polls until the condition holds (refreshes, flushes and exports are asynchronous). */
    static <T> T await(Supplier<T> probe, Predicate<T> condition) {
        Instant deadline = Instant.now().plus(PATIENCE);
        T last = null;
        while (Instant.now().isBefore(deadline)) {
            last = probe.get();
            if (condition.test(last)) {
                return last;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("condition not met within " + PATIENCE + "; last: " + describe(last));
    }

    private static String describe(Object last) {
        if (last instanceof Scrape s) {
            return s.text();
        }
        return String.valueOf(last);
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n ^ System.nanoTime()).nextBytes(b);
        return b;
    }
}
