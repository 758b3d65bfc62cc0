package dev.berth.auditpurge;

import static dev.berth.support.TestAccounts.permission;
import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static dev.berth.support.TestAccounts.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The audit-log purge over HTTP, {@code /api/v2.0/system/purgeaudit}: what a dry run and a real run
 * remove (counted on back-dated rows of unique resource types or users, so the shared server's
 * other entries do not matter), the schedule, stop, log, history and the refusals.
 */
class PurgeAuditApiTest {
    static final String BASE = "/api/v2.0/system/purgeaudit";

    private static BerthServer server;
    private static RegistryClient admin;
    private static RegistryClient user;
    private static RegistryClient anonymous;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        server = BerthServer.shared();
        admin = server.adminClient();
        user = new TestAccounts(server).user("purgeuser").client();
        anonymous = server.anonymousClient();
        jdbc = server.bean(JdbcClient.class);
    }

    @Test
    void aDryRunCountsAndDeletesNothing() {
        String type = unique("purgedry");
        insert(3, "create", type, "someone", Duration.ofDays(10));
        insert(2, "create", type, "someone", Duration.ofHours(1));

        JsonNode run =
                runNow(Map.of("audit_retention_hour", 48, "include_event_types", "create_" + type, "dry_run", true));

        assertThat(run.path("job_status").asString()).isEqualTo("Success");
        JsonNode attrs = RegistryClient.JSON.readTree(run.path("job_parameters").asString());
        assertThat(attrs.path("would_purge_rows").asLong()).isEqualTo(3);
        assertThat(attrs.path("dry_run").asBoolean()).isTrue();
        assertThat(attrs.has("purged_rows")).isFalse();
        assertThat(count("create", type, null)).isEqualTo(5);
        assertThat(admin.get(BASE + "/" + run.path("id").asLong() + "/log").text())
                .contains("dry run: 3 entries would be purged");
    }

    @Test
    void aRealRunDeletesExactlyTheOldRowsOfTheIncludedTypesInBatches() {
        String type = unique("purgereal");
        // More than two batches of one type, to see the batches add up.
        insert(AuditLogPurge.BATCH * 2 + 3, "create", type, "someone", Duration.ofDays(3));
        insert(2, "delete", type, "someone", Duration.ofDays(3));
        insert(2, "pull", type, "someone", Duration.ofDays(3));
        insert(1, "create", type, "someone", Duration.ofHours(23));

        JsonNode run = runNow(
                Map.of("audit_retention_hour", "24", "include_event_types", "create_" + type + ", DELETE_" + type));

        assertThat(run.path("job_status").asString()).isEqualTo("Success");
        assertThat(run.path("job_kind").asString()).isEqualTo("MANUAL");
        JsonNode attrs = RegistryClient.JSON.readTree(run.path("job_parameters").asString());
        assertThat(attrs.path("purged_rows").asLong()).isEqualTo(AuditLogPurge.BATCH * 2 + 5);
        assertThat(attrs.path("dry_run").asBoolean()).isFalse();
        assertThat(count("create", type, null)).isEqualTo(1);
        assertThat(count("delete", type, null)).isZero();
        assertThat(count("pull", type, null)).isEqualTo(2);
        assertThat(admin.get(BASE + "/" + run.path("id").asLong() + "/log").text())
                .contains("purged " + (AuditLogPurge.BATCH * 2 + 5) + " entries");
    }

    @Test
    void anOperationAloneMatchesEveryResourceTypeUnderHarborsOlderParameterName() {
        String who = unique("purgeop");
        insert(2, "login", "user", who, Duration.ofDays(2));
        insert(1, "logout", "user", who, Duration.ofDays(2));
        insert(1, "login", "user", who, Duration.ofMinutes(5));

        JsonNode run = runNow(Map.of("audit_retention_hour", 1, "include_operations", "login"));

        assertThat(run.path("job_status").asString()).isEqualTo("Success");
        assertThat(count("login", "user", who)).isEqualTo(1);
        assertThat(count("logout", "user", who)).isEqualTo(1);
    }

    @Test
    void noEventTypesPurgesNothing() {
        String type = unique("purgenone");
        insert(2, "create", type, "someone", Duration.ofDays(2));
        JsonNode run = runNow(Map.of("audit_retention_hour", 1, "include_event_types", ""));
        assertThat(run.path("job_status").asString()).isEqualTo("Success");
        assertThat(count("create", type, null)).isEqualTo(2);
    }

    @Test
    void aRunThatIsAskedToStopStopsBetweenBatches() {
        String type = unique("purgestop");
        insert(AuditLogPurge.BATCH * 2 + 1, "create", type, "someone", Duration.ofDays(2));
        PurgePolicy policy = new PurgePolicy(1, List.of("create_" + type), false);
        StoppingContext context = new StoppingContext(1);

        AuditLogPurge kind = server.bean(AuditLogPurge.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> kind.run(context, policy, Instant.now().minus(Duration.ofHours(1))))
                .isInstanceOf(dev.berth.job.JobStoppedException.class);

        assertThat(count("create", type, null)).isEqualTo(AuditLogPurge.BATCH + 1);
        assertThat(context.lines()).anyMatch(l -> l.contains("stopped after purging " + AuditLogPurge.BATCH));
    }

    @Test
    void aQueuedRunIsStoppedThroughTheApiAndOnlyByThoseAllowed() {
        String queue = "/api/v2.0/jobservice/queues/" + AuditLogPurge.NAME;
        assertThat(putJson(admin, queue, Map.of("action", "pause")).status()).isEqualTo(200);
        try {
            Response started = postJson(admin, BASE + "/schedule", manual(Map.of("audit_retention_hour", 1)));
            assertThat(started.status()).isEqualTo(201);
            String location = started.header("Location").orElseThrow();
            assertThat(admin.get(location).json().path("job_status").asString()).isEqualTo("Pending");

            assertThat(putJson(anonymous, location, Map.of()).status()).isEqualTo(401);
            assertThat(putJson(user, location, Map.of()).status()).isEqualTo(403);
            assertThat(admin.get(location).json().path("job_status").asString()).isEqualTo("Pending");

            assertThat(putJson(admin, location, Map.of()).status()).isEqualTo(200);
            assertThat(admin.get(location).json().path("job_status").asString()).isEqualTo("Stopped");
            assertThat(admin.get("/api/v2.0/audit-logs?q=resource_type=purge_audit,username=admin&page_size=100")
                            .json()
                            .toString())
                    .contains("stop " + location.substring(location.lastIndexOf('/') + 1));
        } finally {
            assertThat(putJson(admin, queue, Map.of("action", "resume")).status())
                    .isEqualTo(200);
        }
        assertThat(putJson(admin, BASE + "/999999999", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void theScheduleRoundTrips() {
        Map<String, Object> parameters =
                Map.of("audit_retention_hour", 168, "include_event_types", "create,delete,pull", "dry_run", true);
        try {
            Response created = postJson(admin, BASE + "/schedule", schedule("Daily", null, parameters));
            assertThat(created.status()).isEqualTo(201);
            JsonNode daily = admin.get(BASE + "/schedule").json();
            assertThat(daily.path("schedule").path("type").asString()).isEqualTo("Daily");
            assertThat(daily.path("schedule").path("cron").asString()).isEqualTo("0 0 0 * * *");
            assertThat(Instant.parse(
                            daily.path("schedule").path("next_scheduled_time").asString()))
                    .isAfter(Instant.now());
            JsonNode stored =
                    RegistryClient.JSON.readTree(daily.path("job_parameters").asString());
            assertThat(stored.path("audit_retention_hour").asInt()).isEqualTo(168);
            assertThat(stored.path("include_event_types").asString()).isEqualTo("create,delete,pull");
            assertThat(stored.path("dry_run").asBoolean()).isTrue();

            Map<String, Object> weekly = Map.of("audit_retention_hour", 24, "include_event_types", "pull");
            assertThat(putJson(admin, BASE + "/schedule", schedule("Custom", "0 30 2 * * *", weekly))
                            .status())
                    .isEqualTo(200);
            JsonNode custom = admin.get(BASE + "/schedule").json();
            assertThat(custom.path("schedule").path("type").asString()).isEqualTo("Custom");
            assertThat(custom.path("schedule").path("cron").asString()).isEqualTo("0 30 2 * * *");
            assertThat(custom.path("job_parameters").asString()).contains("\"pull\"");

            // Refused: nothing changes.
            assertThat(putJson(admin, BASE + "/schedule", schedule("Manual", null, weekly))
                            .status())
                    .isEqualTo(400);
            assertThat(putJson(admin, BASE + "/schedule", schedule("Custom", "0 30 2 * *", weekly))
                            .status())
                    .isEqualTo(400);
            assertThat(putJson(admin, BASE + "/schedule", schedule("Sometimes", null, weekly))
                            .status())
                    .isEqualTo(400);
            for (Object hours : List.of(0, 240001, -5, 1.5, "many", true)) {
                Response r = putJson(
                        admin, BASE + "/schedule", schedule("Daily", null, Map.of("audit_retention_hour", hours)));
                assertThat(r.status()).as("%s", hours).isEqualTo(400);
                assertThat(r.errorCode()).isEqualTo("BAD_REQUEST");
            }
            assertThat(putJson(
                                    admin,
                                    BASE + "/schedule",
                                    schedule("Daily", null, Map.of("audit_retention_hour", 240000, "dry_run", "yes")))
                            .status())
                    .isEqualTo(400);
            assertThat(putJson(admin, BASE + "/schedule", Map.of("parameters", weekly))
                            .status())
                    .isEqualTo(400);
            assertThat(putJson(anonymous, BASE + "/schedule", schedule("Daily", null, weekly))
                            .status())
                    .isEqualTo(401);
            assertThat(putJson(user, BASE + "/schedule", schedule("Daily", null, weekly))
                            .status())
                    .isEqualTo(403);
            assertThat(postJson(user, BASE + "/schedule", schedule("Daily", null, weekly))
                            .status())
                    .isEqualTo(403);
            assertThat(admin.get(BASE + "/schedule")
                            .json()
                            .path("schedule")
                            .path("cron")
                            .asString())
                    .isEqualTo("0 30 2 * * *");
        } finally {
            assertThat(putJson(admin, BASE + "/schedule", schedule("None", null, Map.of()))
                            .status())
                    .isEqualTo(200);
        }
        Response none = admin.get(BASE + "/schedule");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().isEmpty()).isTrue();
        assertThat(anonymous.get(BASE + "/schedule").status()).isEqualTo(401);
        assertThat(user.get(BASE + "/schedule").status()).isEqualTo(403);
    }

    @Test
    void aScheduledRunReadsItsStoredParameters() {
        String type = unique("purgesched");
        insert(4, "delete", type, "someone", Duration.ofDays(2));
        Map<String, Object> parameters = Map.of("audit_retention_hour", 1, "include_event_types", "delete_" + type);
        JsonNode scheduled;
        try {
            // Every second, so the next period comes at once.
            assertThat(putJson(admin, BASE + "/schedule", schedule("Custom", "* * * * * *", parameters))
                            .status())
                    .isEqualTo(200);
            Instant until = Instant.now().plusSeconds(30);
            do {
                JsonNode runs =
                        admin.get(BASE + "?q=trigger=SCHEDULE&page_size=1").json();
                scheduled = runs.isEmpty() ? null : runs.get(0);
                if (Instant.now().isAfter(until)) {
                    throw new AssertionError("the schedule did not fire");
                }
                pause();
            } while (scheduled == null);
        } finally {
            assertThat(putJson(admin, BASE + "/schedule", schedule("None", null, Map.of()))
                            .status())
                    .isEqualTo(200);
        }
        JsonNode done = await(admin, BASE + "/" + scheduled.path("id").asLong());
        assertThat(done.path("job_status").asString()).isEqualTo("Success");
        assertThat(done.path("job_kind").asString()).isEqualTo("SCHEDULE");
        assertThat(done.path("job_parameters").asString()).contains("delete_" + type);
        assertThat(count("delete", type, null)).isZero();
    }

    @Test
    void historyIsPagedFilteredAndSortedAndRunsAndLogsAreGuarded() {
        long first = runNow(Map.of("audit_retention_hour", 1, "dry_run", true))
                .path("id")
                .asLong();
        long second = runNow(Map.of("audit_retention_hour", 1, "dry_run", true))
                .path("id")
                .asLong();

        Response page = admin.get(BASE + "?page=1&page_size=1");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json()).hasSize(1);
        assertThat(Long.parseLong(page.header("X-Total-Count").orElseThrow())).isGreaterThanOrEqualTo(2);
        assertThat(page.header("Link").orElseThrow()).contains("rel=\"next\"").contains("page=2");
        // Newest first by default.
        assertThat(page.json().get(0).path("id").asLong()).isGreaterThanOrEqualTo(second);
        JsonNode item = page.json().get(0);
        assertThat(item.path("job_name").asString()).isEqualTo(AuditLogPurge.NAME);
        // Title-cased as Harbor does in a history entry; job_kind stays MANUAL.
        assertThat(item.path("schedule").path("type").asString()).isEqualTo("Manual");
        assertThat(item.has("creation_time")).isTrue();
        assertThat(item.path("deleted").asBoolean()).isFalse();

        Response filtered = admin.get(BASE + "?q=id=" + first + "&sort=creation_time");
        assertThat(filtered.json()).hasSize(1);
        assertThat(filtered.json().get(0).path("id").asLong()).isEqualTo(first);
        assertThat(filtered.header("X-Total-Count")).contains("1");
        Response ascending = admin.get(BASE + "?q=status=Success&sort=id&page_size=100");
        assertThat(ascending.json().toString()).contains("\"id\":" + first);
        assertThat(admin.get(BASE + "?q=extra_attrs=~dry").status()).isEqualTo(400);
        assertThat(admin.get(BASE + "?page_size=101").status()).isEqualTo(400);

        assertThat(anonymous.get(BASE).status()).isEqualTo(401);
        assertThat(user.get(BASE).status()).isEqualTo(403);
        assertThat(anonymous.get(BASE + "/" + first).status()).isEqualTo(401);
        assertThat(user.get(BASE + "/" + first).status()).isEqualTo(403);
        assertThat(user.get(BASE + "/" + first + "/log").status()).isEqualTo(403);
        assertThat(anonymous.get(BASE + "/" + first + "/log").status()).isEqualTo(401);
        Response log = admin.get(BASE + "/" + first + "/log");
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.header("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(admin.get(BASE + "/999999999").status()).isEqualTo(404);
        assertThat(admin.get(BASE + "/999999999/log").status()).isEqualTo(404);

        // Another job's execution is not reachable through the purge's endpoints.
        long other = server.bean(Executions.class).run("PURGE_UPLOAD_SESSIONS", -1, Trigger.MANUAL, Map.of(), Map.of());
        assertThat(admin.get(BASE + "/" + other).status()).isEqualTo(404);
        assertThat(admin.get(BASE + "/" + other + "/log").status()).isEqualTo(404);
        assertThat(putJson(admin, BASE + "/" + other, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void systemRobotsActWithinTheirPurgePermissions() {
        JsonNode reader = robot("purge-audit:list", "purge-audit:read");
        RegistryClient readerClient = server.client(
                reader.get("name").asString(), reader.get("secret").asString());
        assertThat(readerClient.get(BASE).status()).isEqualTo(200);
        assertThat(readerClient.get(BASE + "/schedule").status()).isEqualTo(200);
        assertThat(postJson(readerClient, BASE + "/schedule", manual(Map.of("audit_retention_hour", 1)))
                        .status())
                .isEqualTo(403);

        JsonNode runner = robot("purge-audit:create", "purge-audit:read");
        RegistryClient runnerClient = server.client(
                runner.get("name").asString(), runner.get("secret").asString());
        assertThat(runnerClient.get(BASE).status()).isEqualTo(403);
        Response started =
                postJson(runnerClient, BASE + "/schedule", manual(Map.of("audit_retention_hour", 1, "dry_run", true)));
        assertThat(started.status()).isEqualTo(201);
        await(runnerClient, started.header("Location").orElseThrow());
        // The purge is audited under the robot's name, without its secret.
        String entries = admin.get("/api/v2.0/audit-logs?q=resource_type=purge_audit&page_size=100")
                .text();
        assertThat(entries).contains(runner.get("name").asString());
        assertThat(entries).doesNotContain(runner.get("secret").asString());
    }

    // ---- helpers

    private static JsonNode robot(String... access) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("purgebot"));
        body.put("level", "system");
        body.put("duration", -1);
        body.put("permissions", List.of(permission("system", "/", access)));
        return TestAccounts.createRobot(admin, body);
    }

    private static Map<String, Object> schedule(String type, String cron, Map<String, Object> parameters) {
        Map<String, Object> schedule = new HashMap<>();
        schedule.put("type", type);
        if (cron != null) {
            schedule.put("cron", cron);
        }
        return Map.of("schedule", schedule, "parameters", parameters);
    }

    private static Map<String, Object> manual(Map<String, Object> parameters) {
        return schedule("Manual", null, parameters);
    }

    /** Starts a run as admin and waits for it to end; the run as GET returns it. */
    private static JsonNode runNow(Map<String, Object> parameters) {
        Response r = postJson(admin, BASE + "/schedule", manual(parameters));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return await(admin, r.header("Location").orElseThrow());
    }

    private static JsonNode await(RegistryClient client, String location) {
        Instant until = Instant.now().plusSeconds(60);
        while (true) {
            Response r = client.get(location);
            assertThat(r.status()).isEqualTo(200);
            String status = r.json().path("job_status").asString();
            if (List.of("Success", "Error", "Stopped").contains(status)) {
                return r.json();
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("purge did not finish: " + r.text());
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void insert(int rows, String operation, String resourceType, String username, Duration age) {
        jdbc.sql("""
                        INSERT INTO audit_log (operation, resource_type, resource, username, op_time)
                        SELECT ?, ?, 'test/' || g, ?, now() - ? * interval '1 second'
                        FROM generate_series(1, ?) g""")
                .params(operation, resourceType, username, age.toSeconds(), rows)
                .update();
    }

    private static long count(String operation, String resourceType, String username) {
        return jdbc.sql("""
                        SELECT count(*) FROM audit_log
                        WHERE operation = ? AND resource_type = ? AND (?::text IS NULL OR username = ?)""")
                .params(operation, resourceType, username, username)
                .query(Long.class)
                .single();
    }
}
