package dev.berth.preheat;

import static dev.berth.support.TestAccounts.patchJson;
import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.ScannerAdapter;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's P2P preheat against provider stand-ins on 127.0.0.1 (opened with {@code
 * berth.outbound.allowed-networks}): instances and their secrets, SSRF refusals, a manual preheat
 * through Dragonfly's job API where the stand-in really pulls from Berth with the credential it was
 * given (and is refused another repository), a push preheated through Kraken, a scheduled policy
 * fired by the test clock, and the project permission matrix with other projects' names.
 */
class PreheatTest {
    private static final String INSTANCES = "/api/v2.0/p2p/preheat/instances";

    private static TestDatabase db;
    private static BerthServer server;
    private static RegistryClient admin;
    private static TestAccounts accounts;
    private static MutableClock clock;
    private static ListAppender<ILoggingEvent> logs;

    private ProviderStandIn provider;

    @BeforeAll
    static void start() {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        "berth.jobs.poll-interval", "200ms",
                        "berth.preheat.poll-interval", "100ms",
                        "berth.events.poll-interval", "100ms",
                        "berth.uploads.purge-schedule", "",
                        "berth.events.retention-schedule", "",
                        "berth.jobs.execution-sweep-schedule", ""),
                MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
        admin = server.adminClient();
        accounts = new TestAccounts(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    @BeforeEach
    void standIn() {
        provider = ProviderStandIn.start();
    }

    @AfterEach
    void closeStandIn() {
        provider.close();
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private String instance(String vendor, String authMode, Map<String, String> authInfo) {
        String name = TestAccounts.unique(vendor);
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("vendor", vendor);
        body.put("endpoint", provider.url());
        body.put("auth_mode", authMode);
        body.put("auth_info", authInfo);
        body.put("enabled", true);
        RegistryClient.Response r = postJson(admin, INSTANCES, body);
        RegistryClient.check(r, 201);
        assertThat(r.header("Location").orElseThrow()).isEqualTo(INSTANCES + "/" + name);
        return name;
    }

    private static long instanceId(String name) {
        return admin.get(INSTANCES + "/" + name).json().path("id").asLong();
    }

    private static Map<String, Object> policy(String name, long providerId, String filters, String trigger) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        p.put("provider_id", providerId);
        p.put("filters", filters);
        p.put("trigger", trigger);
        p.put("enabled", true);
        return p;
    }

    private static String policies(String project) {
        return "/api/v2.0/projects/" + project + "/preheat/policies";
    }

    private static JsonNode awaitExecution(String project, String policy, java.util.function.Predicate<JsonNode> done) {
        return Eventually.await(
                () -> admin.get(policies(project) + "/" + policy + "/executions")
                        .json(),
                list -> list.size() > 0 && done.test(list));
    }

    @Test
    void providersAndInstancesAreForSystemAdministratorsAndNeverShowTheirSecrets() {
        JsonNode drivers = admin.get("/api/v2.0/p2p/preheat/providers").json();
        assertThat(drivers.findValuesAsString("id")).containsExactly("dragonfly", "kraken");
        assertThat(drivers.path(0).path("name").asString()).isEqualTo("Dragonfly");
        assertThat(drivers.path(0).path("maintainers").isArray()).isTrue();
        assertThat(drivers.path(1).path("source").asString()).isEqualTo("https://github.com/uber/kraken");

        String password = "basic-" + TestAccounts.unique("secret");
        String name = instance("dragonfly", "BASIC", Map.of("username", "harbor", "password", password));
        JsonNode got = admin.get(INSTANCES + "/" + name).json();
        assertThat(got.path("vendor").asString()).isEqualTo("dragonfly");
        assertThat(got.path("auth_mode").asString()).isEqualTo("BASIC");
        assertThat(got.path("endpoint").asString()).isEqualTo(provider.url());
        assertThat(got.path("enabled").asBoolean()).isTrue();
        assertThat(got.has("auth_info")).isFalse();
        assertThat(got.path("setup_timestamp").asLong()).isPositive();
        RegistryClient.Response list = admin.get(INSTANCES + "?q=name%3D" + name);
        assertThat(list.header("X-Total-Count")).contains("1");
        assertThat(list.text()).doesNotContain(password).doesNotContain("auth_info");

        // Ping by id uses the stored credentials, as Basic auth.
        RegistryClient.check(
                postJson(admin, INSTANCES + "/ping", Map.of("id", got.path("id").asLong())), 200);
        ProviderStandIn.Call health = provider.calls("GET", "/healthy").getLast();
        assertThat(health.header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString(("harbor:" + password).getBytes()));

        // An update without auth_info keeps them (Harbor's merge); a new vendor is refused.
        RegistryClient.check(
                putJson(admin, INSTANCES + "/" + name, Map.of("description", "seed peers", "auth_mode", "BASIC")), 200);
        RegistryClient.check(
                postJson(admin, INSTANCES + "/ping", Map.of("id", got.path("id").asLong())), 200);
        assertThat(provider.calls("GET", "/healthy").getLast().header("Authorization"))
                .isEqualTo(health.header("Authorization"));
        assertThat(putJson(admin, INSTANCES + "/" + name, Map.of("vendor", "kraken"))
                        .status())
                .isEqualTo(400);

        // Ping by endpoint with an OAuth token, and an unhealthy provider.
        RegistryClient.check(
                postJson(
                        admin,
                        INSTANCES + "/ping",
                        Map.of(
                                "vendor",
                                "kraken",
                                "endpoint",
                                provider.url(),
                                "auth_mode",
                                "OAUTH",
                                "auth_info",
                                Map.of("token", "tok-123"))),
                200);
        assertThat(provider.calls("GET", "/health").getLast().header("Authorization"))
                .isEqualTo("Bearer tok-123");
        provider.healthy(false);
        RegistryClient.Response sick =
                postJson(admin, INSTANCES + "/ping", Map.of("id", got.path("id").asLong()));
        assertThat(sick.status()).isEqualTo(400);
        assertThat(sick.text()).contains("HTTP 503").doesNotContain(password);
        provider.healthy(true);
        assertThat(postJson(admin, INSTANCES + "/ping", Map.of("id", 987654)).status())
                .isEqualTo(404);

        // Harbor's checks: names, vendors, duplicates.
        assertThat(postJson(
                                admin,
                                INSTANCES,
                                Map.of("name", "bad name", "vendor", "dragonfly", "endpoint", provider.url()))
                        .status())
                .isEqualTo(400);
        assertThat(postJson(admin, INSTANCES, Map.of("name", "okname", "vendor", "quark", "endpoint", provider.url()))
                        .status())
                .isEqualTo(400);
        assertThat(postJson(
                                admin,
                                INSTANCES,
                                Map.of("name", name, "vendor", "dragonfly", "endpoint", "http://127.0.0.1:9"))
                        .status())
                .isEqualTo(409);

        // Sealed at rest; never in the audit log or the server's log.
        String stored = accounts.jdbc()
                .sql("SELECT auth_info FROM p2p_preheat_instance WHERE name = ?")
                .param(name)
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain(password).doesNotContain("harbor");
        assertThat(admin.get("/api/v2.0/audit-logs?page_size=100").text())
                .contains(name)
                .doesNotContain(password);
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(password));

        // System administrators only: a project admin is refused, an anonymous caller must log in.
        TestAccounts.Account user = accounts.user("pa");
        String project = accounts.project("pp", false);
        accounts.member(project, user, ProjectRole.PROJECT_ADMIN);
        assertThat(user.client().get(INSTANCES).status()).isEqualTo(403);
        assertThat(user.client().get("/api/v2.0/p2p/preheat/providers").status())
                .isEqualTo(403);
        assertThat(postJson(
                                user.client(),
                                INSTANCES + "/ping",
                                Map.of("id", got.path("id").asLong()))
                        .status())
                .isEqualTo(403);
        assertThat(user.client().delete(INSTANCES + "/" + name).status()).isEqualTo(403);
        assertThat(server.anonymousClient().get(INSTANCES).status()).isEqualTo(401);

        RegistryClient.check(admin.delete(INSTANCES + "/" + name), 200);
        assertThat(admin.get(INSTANCES + "/" + name).status()).isEqualTo(404);
    }

    @Test
    void endpointsOutsideTheAllowedNetworksAreRefused() {
        for (String endpoint : List.of(
                "http://169.254.169.254",
                "http://127.0.0.2:8080",
                "http://[::1]:8080",
                "ftp://127.0.0.1",
                "file:///etc")) {
            RegistryClient.Response r = postJson(
                    admin,
                    INSTANCES,
                    Map.of("name", TestAccounts.unique("s"), "vendor", "dragonfly", "endpoint", endpoint));
            assertThat(r.status()).as(endpoint).isEqualTo(400);
            assertThat(postJson(admin, INSTANCES + "/ping", Map.of("vendor", "kraken", "endpoint", endpoint))
                            .status())
                    .as(endpoint)
                    .isEqualTo(400);
        }
        String name = instance("kraken", "NONE", Map.of());
        assertThat(putJson(admin, INSTANCES + "/" + name, Map.of("endpoint", "http://169.254.169.254"))
                        .status())
                .isEqualTo(400);
        assertThat(provider.calls()).isEmpty();
    }

    @Test
    void manualPreheatTellsDragonflyToPullWithACredentialForThatRepositoryOnly() {
        String project = accounts.project("ph", false);
        RegistryClient.Image app = admin.pushImage(project + "/app", "v1", random(64));
        admin.pushImage(project + "/app", "dev", random(64));
        admin.pushImage(project + "/other", "v1", random(64));
        admin.pushImage(project + "/secret", "latest", random(64));
        clock.advance(Duration.ofSeconds(1));
        provider.alsoTry(project + "/secret");
        String token = "df-" + TestAccounts.unique("t");
        long id = instanceId(instance("dragonfly", "OAUTH", Map.of("token", token)));
        Map<String, Object> body = policy(
                "warm-app",
                id,
                "[{\"type\":\"repository\",\"value\":\"app*\"},{\"type\":\"tag\",\"value\":\"v*\"}]",
                "{\"type\":\"manual\"}");
        body.put("extra_attrs", "{\"scope\":\"all_peers\",\"cluster_ids\":[1,2]}");
        RegistryClient.Response created = postJson(admin, policies(project), body);
        RegistryClient.check(created, 201);
        assertThat(created.header("Location").orElseThrow()).isEqualTo(policies(project) + "/warm-app");
        JsonNode stored = admin.get(policies(project) + "/warm-app").json();
        assertThat(stored.path("provider_name").asString()).isNotEmpty();
        assertThat(stored.path("trigger").asString()).isEqualTo("{\"type\":\"manual\"}");

        RegistryClient.Response run = postJson(admin, policies(project) + "/warm-app", stored);
        RegistryClient.check(run, 201);
        String location = run.header("Location").orElseThrow();
        JsonNode executions = awaitExecution(
                project, "warm-app", l -> l.path(0).path("status").asString().equals("Success"));
        JsonNode execution = executions.path(0);
        assertThat(location).endsWith("/executions/" + execution.path("id").asLong());
        assertThat(execution.path("vendor_type").asString()).isEqualTo("P2P_PREHEAT");
        assertThat(execution.path("trigger").asString()).isEqualTo("MANUAL");
        assertThat(execution.path("extra_attrs").path("totalCount").asInt()).isEqualTo(1);
        assertThat(execution.path("metrics").path("success_task_count").asInt()).isEqualTo(1);
        assertThat(admin.get(location).json().path("status").asString()).isEqualTo("Success");

        // What Dragonfly's manager got: Harbor's job shape, with our token for the provider's API.
        ProviderStandIn.Call job = provider.calls("POST", "/oapi/v1/jobs").getFirst();
        assertThat(job.header("Authorization")).isEqualTo("Bearer " + token);
        JsonNode args = job.json().path("args");
        assertThat(job.json().path("type").asString()).isEqualTo("preheat");
        assertThat(job.json().path("scheduler_cluster_ids").toString()).isEqualTo("[1,2]");
        assertThat(args.path("type").asString()).isEqualTo("image");
        assertThat(args.path("scope").asString()).isEqualTo("all_peers");
        assertThat(args.path("url").asString()).endsWith("/v2/" + project + "/app/manifests/v1");
        assertThat(args.path("headers").path("Authorization").asString()).startsWith("Bearer ");
        assertThat(provider.calls("GET", "/oapi/v1/jobs/101")).hasSizeGreaterThanOrEqualTo(2);

        // The stand-in pulled the manifest with the credential, and the same credential was refused elsewhere.
        ProviderStandIn.Fetch fetch = provider.fetches().getFirst();
        assertThat(fetch.status()).isEqualTo(200);
        assertThat(fetch.digest()).isEqualTo(app.manifest().toString());
        assertThat(fetch.otherRepositoryStatus()).isIn(401, 403, 404);

        JsonNode tasks = admin.get(location + "/tasks").json();
        assertThat(tasks.size()).isEqualTo(1);
        assertThat(tasks.path(0).path("status").asString()).isEqualTo("Success");
        assertThat(tasks.path(0).path("extra_attrs").path("artifact").asString())
                .isEqualTo(project + "/app:v1");
        assertThat(tasks.path(0).path("extra_attrs").path("digest").asString())
                .isEqualTo(app.manifest().toString());
        String log = admin.get(location + "/tasks/" + tasks.path(0).path("id").asLong() + "/logs")
                .text();
        assertThat(log)
                .contains("Preheating image '" + project + "/app:v1@" + app.manifest())
                .contains("Check preheat progress: RUNNING")
                .contains("seed-peer-1")
                .contains("Preheating is completed")
                .doesNotContain(token)
                .doesNotContain(args.path("headers").path("Authorization").asString());
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(token));

        // Nothing selected: an execution that ends at once, as Harbor's "no artifacts to preheat".
        body.put("filters", "[{\"type\":\"repository\",\"value\":\"nothing-here\"}]");
        RegistryClient.check(putJson(admin, policies(project) + "/warm-app", body), 200);
        RegistryClient.check(postJson(admin, policies(project) + "/warm-app", Map.of()), 201);
        JsonNode empty = awaitExecution(project, "warm-app", l -> l.size() == 2).path(0);
        assertThat(empty.path("status").asString()).isEqualTo("Success");
        assertThat(empty.path("status_message").asString()).isEqualTo("no artifacts to preheat");

        // Stop takes only "Stopped"; a disabled policy does not run; an instance in use stays.
        assertThat(patchJson(admin, location, Map.of("status", "Running")).status())
                .isEqualTo(400);
        RegistryClient.check(patchJson(admin, location, Map.of("status", "Stopped")), 200);
        body.put("enabled", false);
        RegistryClient.check(putJson(admin, policies(project) + "/warm-app", body), 200);
        assertThat(postJson(admin, policies(project) + "/warm-app", Map.of()).status())
                .isEqualTo(400);
        String instanceName = admin.get(policies(project) + "/warm-app")
                .json()
                .path("provider_name")
                .asString();
        assertThat(admin.delete(INSTANCES + "/" + instanceName).status()).isEqualTo(412);
        assertThat(putJson(admin, INSTANCES + "/" + instanceName, Map.of("enabled", false))
                        .status())
                .isEqualTo(412);
        RegistryClient.check(admin.delete(policies(project) + "/warm-app"), 200);
        RegistryClient.check(admin.delete(INSTANCES + "/" + instanceName), 200);
    }

    @Test
    void aPushIsPreheatedThroughKrakenOnceByAnEventBasedPolicy() {
        String project = accounts.project("pk", false);
        long id = instanceId(instance("kraken", "NONE", Map.of()));
        RegistryClient.check(
                postJson(
                        admin,
                        policies(project),
                        policy(
                                "on-push",
                                id,
                                "[{\"type\":\"repository\",\"value\":\"**\"},{\"type\":\"tag\",\"value\":\"release-*\"}]",
                                "{\"type\":\"event_based\"}")),
                201);
        admin.pushImage(project + "/svc", "dev", random(64)); // not selected by the tag filter
        RegistryClient.Image pushed = admin.pushImage(project + "/svc", "release-1", random(64));

        List<ProviderStandIn.Call> notes = provider.await(c -> !c.stream()
                .filter(x -> x.path().equals("/registry/notifications"))
                .toList()
                .isEmpty());
        JsonNode event = notes.stream()
                .filter(c -> c.path().equals("/registry/notifications"))
                .findFirst()
                .orElseThrow()
                .json()
                .path("events")
                .path(0);
        assertThat(event.path("action").asString()).isEqualTo("push");
        assertThat(event.path("target").path("repository").asString()).isEqualTo(project + "/svc");
        assertThat(event.path("target").path("tag").asString()).isEqualTo("release-1");
        assertThat(event.path("target").path("digest").asString())
                .isEqualTo(pushed.manifest().toString());
        assertThat(event.path("target").path("url").asString()).endsWith("/v2/" + project + "/svc/manifests/release-1");
        JsonNode execution = awaitExecution(
                        project,
                        "on-push",
                        l -> l.path(0).path("status").asString().equals("Success"))
                .path(0);
        assertThat(execution.path("trigger").asString()).isEqualTo("EVENT");
        assertThat(execution.path("extra_attrs").path("trigger").asString()).isEqualTo("event_based");

        // Once: the dispatcher's later batches do not hand the same push over again.
        clock.advance(Duration.ofSeconds(5));
        admin.pushImage(project + "/svc2", "release-2", random(64));
        provider.await(c -> c.stream()
                        .filter(x -> x.path().equals("/registry/notifications"))
                        .count()
                >= 2);
        assertThat(provider.calls("POST", "/registry/notifications")).hasSize(2);
        assertThat(admin.get(policies(project) + "/on-push/executions").json().size())
                .isEqualTo(2);
    }

    @Test
    void aScheduledPolicyRunsWhenTheClockReachesItsCron() {
        String project = accounts.project("psc", false);
        admin.pushImage(project + "/nightly", "latest", random(64));
        clock.advance(Duration.ofSeconds(1));
        long id = instanceId(instance("kraken", "NONE", Map.of()));
        assertThat(postJson(
                                admin,
                                policies(project),
                                policy(
                                        "bad-cron",
                                        id,
                                        "[{\"type\":\"repository\",\"value\":\"**\"}]",
                                        "{\"type\":\"scheduled\",\"trigger_setting\":{\"cron\":\"every day\"}}"))
                        .status())
                .isEqualTo(400);
        RegistryClient.check(
                postJson(
                        admin,
                        policies(project),
                        policy(
                                "hourly",
                                id,
                                "[{\"type\":\"repository\",\"value\":\"**\"}]",
                                "{\"type\":\"scheduled\",\"trigger_setting\":{\"cron\":\"0 0 * * * *\"}}")),
                201);
        assertThat(admin.get(policies(project) + "/hourly/executions").json().size())
                .isZero();
        clock.advance(Duration.ofMinutes(61));
        JsonNode execution = awaitExecution(
                        project,
                        "hourly",
                        l -> l.path(0).path("status").asString().equals("Success"))
                .path(0);
        assertThat(execution.path("trigger").asString()).isEqualTo("SCHEDULE");
        assertThat(execution.path("extra_attrs").path("triggerSetting").asString())
                .isEqualTo("0 0 * * * *");
        assertThat(provider.calls("POST", "/registry/notifications")).hasSize(1);

        // A manual trigger removes the schedule.
        RegistryClient.check(
                putJson(
                        admin,
                        policies(project) + "/hourly",
                        policy("hourly", id, "[{\"type\":\"repository\",\"value\":\"**\"}]", "{\"type\":\"manual\"}")),
                200);
        assertThat(accounts.jdbc()
                        .sql("SELECT count(*) FROM job_schedule WHERE vendor_type = 'P2P_PREHEAT_SCHEDULE'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void theVulnerabilityFilterReadsStoredScanReportsWithTheAllowlistInForce() {
        try (ScannerAdapter adapter = ScannerAdapter.start().notReadyPolls(0)) {
            RegistryClient.check(
                    postJson(
                            admin,
                            "/api/v2.0/scanners",
                            Map.of("name", TestAccounts.unique("scanner"), "url", adapter.url())),
                    201);
            String project = accounts.project("pv", false);
            String repo = project + "/app";
            admin.pushImage(repo, "critical", random(64)); // the adapter's default: one Critical, one Low
            RegistryClient.Image low = admin.pushImage(repo, "low", random(64));
            RegistryClient.Image exempt = admin.pushImage(repo, "exempt", random(64));
            RegistryClient.Image clean = admin.pushImage(repo, "clean", random(64));
            admin.pushImage(repo, "unscanned", random(64));
            adapter.vulnerabilities(low.manifest().toString(), """
                    [{"id":"CVE-2023-0001","package":"zlib","version":"1.2.11","fix_version":"","severity":"Low"}]""");
            adapter.vulnerabilities(exempt.manifest().toString(), """
                    [{"id":"CVE-2099-0001","package":"openssl","version":"3.0.0","fix_version":"3.0.1","severity":"Critical"},
                     {"id":"CVE-2023-0001","package":"zlib","version":"1.2.11","fix_version":"","severity":"Low"}]""");
            adapter.vulnerabilities(clean.manifest().toString(), "[]");
            for (String tag : List.of("critical", "low", "exempt", "clean")) {
                scan(project, "app", tag);
            }
            Map<String, Object> allowlist = new HashMap<>();
            allowlist.put("items", List.of(Map.of("cve_id", "CVE-2099-0001")));
            RegistryClient.check(
                    putJson(
                            admin,
                            "/api/v2.0/projects/" + project,
                            Map.of(
                                    "metadata",
                                    Map.of("prevent_vul", "true", "severity", "high"),
                                    "cve_allowlist",
                                    allowlist)),
                    200);
            clock.advance(Duration.ofSeconds(1));
            long id = instanceId(instance("kraken", "NONE", Map.of()));
            // The policy's own value gives way to the project's severity (High), as in Harbor.
            RegistryClient.check(
                    postJson(
                            admin,
                            policies(project),
                            policy(
                                    "safe-only",
                                    id,
                                    "[{\"type\":\"repository\",\"value\":\"**\"},{\"type\":\"vulnerability\",\"value\":5}]",
                                    "{\"type\":\"manual\"}")),
                    201);

            // Below High only: Low, Critical exempted by the allowlist, no vulnerabilities; never an unscanned one.
            assertThat(preheatedTags(project, "safe-only", 1)).containsExactlyInAnyOrder("low", "exempt", "clean");

            // An expired allowlist exempts nothing.
            allowlist.put("expires_at", clock.instant().minusSeconds(60).getEpochSecond());
            RegistryClient.check(
                    putJson(admin, "/api/v2.0/projects/" + project, Map.of("cve_allowlist", allowlist)), 200);
            clock.advance(Duration.ofSeconds(1));
            assertThat(preheatedTags(project, "safe-only", 2)).containsExactlyInAnyOrder("low", "clean");
        }
    }

    /** Runs the policy by hand as its {@code run}-th execution; the tags the provider was told of by that run. */
    private Set<String> preheatedTags(String project, String policy, int run) {
        int before = provider.calls("POST", "/registry/notifications").size();
        JsonNode stored = admin.get(policies(project) + "/" + policy).json();
        RegistryClient.check(postJson(admin, policies(project) + "/" + policy, stored), 201);
        awaitExecution(
                project,
                policy,
                l -> l.size() == run && l.path(0).path("status").asString().equals("Success"));
        List<ProviderStandIn.Call> calls = provider.calls("POST", "/registry/notifications");
        return calls.subList(before, calls.size()).stream()
                .map(c -> c.json()
                        .path("events")
                        .path(0)
                        .path("target")
                        .path("tag")
                        .asString())
                .collect(Collectors.toSet());
    }

    private static void scan(String project, String repo, String reference) {
        String artifact = "/api/v2.0/projects/" + project + "/repositories/" + repo + "/artifacts/" + reference;
        RegistryClient.check(postJson(admin, artifact + "/scan", Map.of("scan_type", "vulnerability")), 202);
        Eventually.await(
                () -> admin.get(artifact + "?with_scan_overview=true")
                        .json()
                        .path("scan_overview")
                        .path("application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0")
                        .path("scan_status")
                        .asString(""),
                s -> s.equals("Success"));
    }

    @Test
    void onlyProjectAdminsManagePoliciesAndOtherProjectsNamesAreNotFound() {
        String project = accounts.project("pm", false);
        String elsewhere = accounts.project("pe", false);
        long id = instanceId(instance("kraken", "NONE", Map.of()));
        Map<String, Object> body =
                policy("p1", id, "[{\"type\":\"repository\",\"value\":\"**\"}]", "{\"type\":\"manual\"}");
        RegistryClient.check(postJson(admin, policies(project), body), 201);
        RegistryClient.check(postJson(admin, policies(project), Map.of("name", "x")), 400);
        assertThat(postJson(admin, policies(project), body).status()).isEqualTo(409);
        assertThat(postJson(
                                admin,
                                policies(project),
                                policy("p2", 987654, "[{\"type\":\"tag\",\"value\":\"*\"}]", "{\"type\":\"manual\"}"))
                        .status())
                .isEqualTo(400);
        assertThat(postJson(
                                admin,
                                policies(project),
                                policy("p3", id, "[{\"type\":\"colour\",\"value\":\"red\"}]", "{\"type\":\"manual\"}"))
                        .status())
                .isEqualTo(400);

        TestAccounts.Account owner = accounts.user("po");
        accounts.member(project, owner, ProjectRole.PROJECT_ADMIN);
        RegistryClient.check(owner.client().get(policies(project) + "/p1"), 200);
        assertThat(owner.client()
                        .get("/api/v2.0/projects/" + project + "/preheat/providers")
                        .json()
                        .path(0)
                        .has("provider"))
                .isTrue();
        for (ProjectRole role : List.of(ProjectRole.MAINTAINER, ProjectRole.DEVELOPER, ProjectRole.GUEST)) {
            TestAccounts.Account member = accounts.user("pr");
            accounts.member(project, member, role);
            assertThat(member.client().get(policies(project)).status())
                    .as(role.name())
                    .isEqualTo(403);
            assertThat(member.client().get(policies(project) + "/p1").status())
                    .as(role.name())
                    .isEqualTo(403);
            assertThat(postJson(member.client(), policies(project), body).status())
                    .as(role.name())
                    .isEqualTo(403);
            assertThat(postJson(member.client(), policies(project) + "/p1", Map.of())
                            .status())
                    .as(role.name())
                    .isEqualTo(403);
            assertThat(member.client().delete(policies(project) + "/p1").status())
                    .as(role.name())
                    .isEqualTo(403);
            assertThat(member.client()
                            .get("/api/v2.0/projects/" + project + "/preheat/providers")
                            .status())
                    .as(role.name())
                    .isEqualTo(403);
        }
        TestAccounts.Account stranger = accounts.user("ps");
        assertThat(stranger.client().get(policies(project)).status()).isEqualTo(404);
        assertThat(server.anonymousClient().get(policies(project)).status()).isEqualTo(401);

        // The owner of another project cannot reach this one's policy through their own project.
        accounts.member(elsewhere, owner, ProjectRole.PROJECT_ADMIN);
        RegistryClient.check(postJson(admin, policies(project) + "/p1", Map.of()), 201);
        long execution =
                awaitExecution(project, "p1", l -> true).path(0).path("id").asLong();
        RegistryClient.check(
                postJson(
                        owner.client(),
                        policies(elsewhere),
                        policy("mine", id, "[{\"type\":\"tag\",\"value\":\"*\"}]", "{\"type\":\"manual\"}")),
                201);
        assertThat(owner.client().get(policies(elsewhere) + "/p1").status()).isEqualTo(404);
        assertThat(owner.client().delete(policies(elsewhere) + "/p1").status()).isEqualTo(404);
        assertThat(owner.client()
                        .get(policies(elsewhere) + "/mine/executions/" + execution)
                        .status())
                .isEqualTo(404);
        assertThat(owner.client()
                        .get(policies(elsewhere) + "/mine/executions/" + execution + "/tasks")
                        .status())
                .isEqualTo(404);
        assertThat(patchJson(
                                owner.client(),
                                policies(elsewhere) + "/mine/executions/" + execution,
                                Map.of("status", "Stopped"))
                        .status())
                .isEqualTo(404);
        RegistryClient.check(admin.get(policies(project) + "/p1"), 200);
    }
}
