package dev.berth.scan;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.ScannerAdapter;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * Harbor's scan all through HTTP against a started Berth and a {@link ScannerAdapter}: manual runs
 * whose scans are tasks of one execution (queued a few at a time: the window is 3 here), the
 * metrics, stop, the schedule and a scheduled run fired by moving the injected clock.
 */
class ScanAllTest {
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private static TestDatabase db;
    private static BerthServer server;
    private static MutableClock clock;
    private static RegistryClient admin;
    private static TestAccounts accounts;
    private static int images;

    private ScannerAdapter adapter;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.uploads.purge-schedule", "",
                        "berth.events.retention-schedule", "",
                        "berth.jobs.execution-sweep-schedule", "",
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        // Harbor with no scanner installed: the built-in one is not the default here
                        "berth.scan.builtin-default", "false",
                        "berth.jobs.poll-interval", "200ms",
                        "berth.scan.default-refresh-after", "1s",
                        "berth.scan.scan-all-window", "3"),
                MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
        admin = server.adminClient();
        accounts = new TestAccounts(server);
        images = pushArtifacts();
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    @BeforeEach
    void startAdapter() {
        adapter = ScannerAdapter.start();
        accounts.jdbc()
                .sql("DELETE FROM scanner_registration WHERE NOT immutable")
                .update();
        accounts.jdbc()
                .sql("DELETE FROM job_schedule WHERE vendor_type = 'SCAN_ALL'")
                .update();
    }

    @AfterEach
    void stopAdapter() {
        adapter.close();
    }

    private void register() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "fake");
        body.put("url", adapter.url());
        RegistryClient.check(postJson(admin, "/api/v2.0/scanners", body), 201);
    }

    private static Map<String, Object> schedule(String type, String cron) {
        Map<String, Object> s = new HashMap<>();
        s.put("type", type);
        if (cron != null) {
            s.put("cron", cron);
        }
        return Map.of("schedule", s);
    }

    private static JsonNode metrics(String path) {
        Response r = admin.get(path);
        RegistryClient.check(r, 200);
        return r.json();
    }

    private static JsonNode awaitFinished(String path) {
        return Eventually.await(
                Duration.ofSeconds(90),
                () -> metrics(path),
                m -> m.path("total").asInt() > 0 && !m.path("ongoing").asBoolean());
    }

    /** Images in two projects, and an index (a type the adapter does not scan). Returns the image count. */
    private static int pushArtifacts() {
        int images = 0;
        for (String prefix : List.of("all-a", "all-b")) {
            String project = accounts.project(prefix, false);
            for (int i = 0; i < 3; i++) {
                admin.pushImage(project + "/app" + i, "v1", (prefix + i).getBytes(StandardCharsets.UTF_8));
                images++;
            }
        }
        String project = accounts.project("all-idx", false);
        RegistryClient.Image child = admin.pushImage(project + "/multi", "child", "c".getBytes(StandardCharsets.UTF_8));
        images++;
        byte[] index = RegistryClient.index(
                OCI_INDEX,
                List.of(RegistryClient.descriptor(
                        ScannerAdapter.OCI_MANIFEST, child.manifest(), child.manifestBytes().length)));
        admin.pushManifest(project + "/multi", "v1", OCI_INDEX, index);
        return images;
    }

    @Test
    void everyEndpointAnswers412WithoutADefaultScannerAndOnlySystemAdminsMayUseThem() {
        long runs = scanAllRuns();
        assertThat(admin.get("/api/v2.0/scans/all/metrics").status()).isEqualTo(412);
        assertThat(admin.get("/api/v2.0/system/scanAll/schedule").errorCode()).isEqualTo("PRECONDITION");
        assertThat(postJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Manual", null))
                        .status())
                .isEqualTo(412);
        register();
        RegistryClient user = accounts.user("scanall").client();
        assertThat(user.get("/api/v2.0/scans/all/metrics").status()).isEqualTo(403);
        assertThat(user.get("/api/v2.0/scans/schedule/metrics").status()).isEqualTo(403);
        assertThat(user.get("/api/v2.0/system/scanAll/schedule").status()).isEqualTo(403);
        assertThat(postJson(user, "/api/v2.0/system/scanAll/schedule", schedule("Manual", null))
                        .status())
                .isEqualTo(403);
        assertThat(putJson(user, "/api/v2.0/system/scanAll/schedule", schedule("Daily", null))
                        .status())
                .isEqualTo(403);
        assertThat(postJson(user, "/api/v2.0/system/scanAll/stop", Map.of()).status())
                .isEqualTo(403);
        RegistryClient anonymous = server.anonymousClient();
        assertThat(anonymous.get("/api/v2.0/scans/all/metrics").status()).isEqualTo(401);
        assertThat(postJson(anonymous, "/api/v2.0/system/scanAll/schedule", schedule("Manual", null))
                        .status())
                .isEqualTo(401);
        assertThat(admin.get("/api/v2.0/system/scanAll/schedule").json().has("schedule"))
                .as("none was set")
                .isFalse();
        assertThat(scanAllRuns()).as("denied requests started nothing").isEqualTo(runs);
    }

    private static long scanAllRuns() {
        return accounts.jdbc()
                .sql("SELECT count(*) FROM job_execution WHERE vendor_type = 'SCAN_ALL'")
                .query(Long.class)
                .single();
    }

    @Test
    void aManualScanAllScansEverySupportedArtifactAsTasksOfOneExecutionThenStopsMidWay() {
        accounts.jdbc()
                .sql("DELETE FROM job_execution WHERE vendor_type = 'SCAN_ALL'")
                .update();
        register();
        adapter.notReadyPolls(0);
        int before = (int) (long) accounts.jdbc()
                .sql("SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                        + " WHERE m.media_type <> ? AND r.project_id IS NOT NULL")
                .param(OCI_INDEX)
                .query(Long.class)
                .single();
        assertThat(before).as("only this test's images exist besides the index").isEqualTo(images);

        JsonNode none = metrics("/api/v2.0/scans/all/metrics");
        assertThat(none.path("total").asInt()).isZero();
        assertThat(none.path("ongoing").asBoolean()).isFalse();

        Response started = postJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Manual", null));
        RegistryClient.check(started, 201);
        JsonNode done = awaitFinished("/api/v2.0/scans/all/metrics");
        assertThat(done.path("total").asInt()).isEqualTo(images);
        assertThat(done.path("completed").asInt()).isEqualTo(images);
        assertThat(done.path("metrics").path("Success").asInt()).isEqualTo(images);
        assertThat(done.path("metrics").path("Error").asInt()).isZero();
        assertThat(done.path("metrics").path("Pending").asInt()).isZero();
        assertThat(done.path("trigger").asString()).isEqualTo("Manual");
        assertThat(adapter.scans()).hasSize(images);
        assertThat(accounts.jdbc()
                        .sql("SELECT count(*) FROM scan_report WHERE status = 'Success'")
                        .query(Long.class)
                        .single())
                .isEqualTo(images);
        // One execution holds every scan (and the walk that queued them), its status Success.
        JsonNode execution = accounts.jdbc()
                .sql("SELECT json_build_object('id', id, 'status', status)::text FROM job_execution"
                        + " WHERE vendor_type = 'SCAN_ALL'")
                .query((rs, i) -> RegistryClient.JSON.readTree(rs.getString(1)))
                .single();
        assertThat(execution.path("status").asString()).isEqualTo("Success");
        assertThat(accounts.jdbc()
                        .sql("SELECT count(*) FROM job_task WHERE execution_id = ? AND job_type = 'IMAGE_SCAN'")
                        .param(execution.path("id").asLong())
                        .query(Long.class)
                        .single())
                .isEqualTo(images);
        // The scheduled metrics know no scheduled run.
        assertThat(metrics("/api/v2.0/scans/schedule/metrics").path("total").asInt())
                .isZero();

        // Now with an adapter whose reports never come: at most the window (3) is queued; stop it.
        adapter.notReadyPolls(1_000_000);
        RegistryClient.check(postJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Manual", null)), 201);
        Eventually.await(
                () -> metrics("/api/v2.0/scans/all/metrics"),
                m -> m.path("metrics").path("Running").asInt() >= 1
                        && m.path("total").asInt() == 3);
        assertThat(postJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Manual", null))
                        .status())
                .as("one manual run at a time")
                .isEqualTo(409);
        Response stopped = postJson(admin, "/api/v2.0/system/scanAll/stop", Map.of());
        RegistryClient.check(stopped, 202);
        JsonNode halted = Eventually.await(
                () -> metrics("/api/v2.0/scans/all/metrics"),
                m -> !m.path("ongoing").asBoolean());
        assertThat(halted.path("total").asInt())
                .as("nothing queued after the stop")
                .isEqualTo(3);
        assertThat(halted.path("metrics").path("Stopped").asInt()).isEqualTo(3);
        assertThat(halted.path("completed").asInt()).isEqualTo(3);
        assertThat(accounts.jdbc()
                        .sql("SELECT count(*) FROM scan_report WHERE status IN ('Pending', 'Running')")
                        .query(Long.class)
                        .single())
                .as("no report is left in progress")
                .isZero();
        assertThat(accounts.jdbc()
                        .sql("SELECT count(*) FROM scan_report WHERE status = 'Stopped'")
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
    }

    @Test
    void theScheduleIsSetReadChangedRemovedAndFiresAScheduledRun() {
        register();
        adapter.notReadyPolls(0);
        assertThat(putJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Manual", null))
                        .status())
                .isEqualTo(400);
        assertThat(postJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Custom", "not a cron"))
                        .status())
                .isEqualTo(400);
        assertThat(postJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Sometimes", null))
                        .status())
                .isEqualTo(400);
        assertThat(admin.get("/api/v2.0/system/scanAll/schedule").json().has("schedule"))
                .isFalse();

        RegistryClient.check(postJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Daily", null)), 201);
        JsonNode daily = admin.get("/api/v2.0/system/scanAll/schedule").json();
        assertThat(daily.path("schedule").path("type").asString()).isEqualTo("Daily");
        assertThat(daily.path("schedule").path("cron").asString()).isEqualTo("0 0 0 * * *");
        assertThat(daily.path("schedule").path("next_scheduled_time").asString())
                .isNotEmpty();
        assertThat(daily.path("id").asLong()).isPositive();
        assertThat(daily.path("creation_time").asString()).isNotEmpty();
        // A second schedule by POST: Harbor's 412; PUT changes it.
        assertThat(postJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Weekly", null))
                        .status())
                .isEqualTo(412);
        RegistryClient.check(
                putJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("Custom", "0 30 * * * *")), 200);
        JsonNode custom = admin.get("/api/v2.0/system/scanAll/schedule").json();
        assertThat(custom.path("schedule").path("type").asString()).isEqualTo("Custom");
        assertThat(custom.path("schedule").path("cron").asString()).isEqualTo("0 30 * * * *");

        // The clock passes the next firing: a scheduled scan all runs.
        Instant next = Instant.parse(
                custom.path("schedule").path("next_scheduled_time").asString());
        clock.advance(Duration.between(clock.instant(), next).plusSeconds(1));
        JsonNode scheduled = awaitFinished("/api/v2.0/scans/schedule/metrics");
        assertThat(scheduled.path("trigger").asString()).isEqualTo("Schedule");
        assertThat(scheduled.path("total").asInt()).isEqualTo(images);
        assertThat(scheduled.path("metrics").path("Success").asInt()).isEqualTo(images);
        assertThat(metrics("/api/v2.0/scans/all/metrics").path("trigger").asString())
                .as("the latest run of any trigger is the scheduled one")
                .isEqualTo("Schedule");

        // PUT None removes it; POST None changes nothing.
        RegistryClient.check(putJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("None", null)), 200);
        assertThat(admin.get("/api/v2.0/system/scanAll/schedule").json().has("schedule"))
                .isFalse();
        RegistryClient.check(postJson(admin, "/api/v2.0/system/scanAll/schedule", schedule("None", null)), 201);
        assertThat(admin.get("/api/v2.0/system/scanAll/schedule").json().has("schedule"))
                .isFalse();
    }
}
