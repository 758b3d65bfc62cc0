package dev.berth.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The dashboard API over HTTP: /api/v2.0/jobservice/… and /api/v2.0/schedules, with its refusals. */
class JobServiceApiTest {
    private static TwoReplicas cluster;
    private static RegistryClient admin;
    private static RegistryClient user;
    private static RegistryClient anonymous;

    @BeforeAll
    static void start() {
        cluster = TwoReplicas.get();
        admin = cluster.a.adminClient();
        String name = "jobuser" + UUID.randomUUID().toString().substring(0, 8);
        TestUsers.createUser(cluster.a, name, "Job-User-2026");
        user = cluster.a.client(name, "Job-User-2026");
        anonymous = cluster.a.anonymousClient();
    }

    private static RegistryClient.Response put(RegistryClient client, String path, String json) {
        return client.send("PUT", path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    @Test
    void poolsAndWorkersShowBothReplicas() {
        RegistryClient.Response pools = admin.get("/api/v2.0/jobservice/pools");
        assertThat(pools.status()).isEqualTo(200);
        List<Integer> concurrency = new ArrayList<>();
        pools.json().forEach(p -> {
            assertThat(p.path("worker_pool_id").asString()).startsWith("berth-");
            assertThat(p.path("pid").asLong()).isPositive();
            assertThat(p.has("heartbeat_at")).isTrue();
            concurrency.add(p.path("concurrency").asInt());
        });
        assertThat(concurrency).containsExactlyInAnyOrder(1, 3);
        String poolA = null;
        for (JsonNode p : pools.json()) {
            if (p.path("concurrency").asInt() == 1) {
                poolA = p.path("worker_pool_id").asString();
            }
        }
        RegistryClient.Response workers = admin.get("/api/v2.0/jobservice/pools/" + poolA + "/workers");
        assertThat(workers.status()).isEqualTo(200);
        assertThat(workers.json().size()).isEqualTo(1);
        assertThat(workers.json().get(0).path("pool_id").asString()).isEqualTo(poolA);
        assertThat(admin.get("/api/v2.0/jobservice/pools/all/workers").json().size())
                .isEqualTo(4);
        assertThat(admin.get("/api/v2.0/jobservice/pools/no-such-pool/workers").status())
                .isEqualTo(404);
    }

    @Test
    void aRunningJobShowsOnItsWorkerAndCanBeStoppedWithItsLogReadable() {
        long id = cluster.run("TEST_WAIT", Map.of());
        Task task = TwoReplicas.await(() -> cluster.onlyTask(id), t -> t.status() == TaskStatus.RUNNING);
        String jobId = Long.toString(task.id());
        JsonNode worker = TwoReplicas.await(
                () -> findWorker(
                        admin.get("/api/v2.0/jobservice/pools/all/workers").json(), jobId),
                w -> w != null);
        assertThat(worker.path("job_name").asString()).isEqualTo("TEST_WAIT");
        assertThat(worker.has("start_at")).isTrue();

        assertThat(put(user, "/api/v2.0/jobservice/jobs/" + jobId, "{\"action\":\"stop\"}")
                        .status())
                .isEqualTo(403);
        assertThat(put(anonymous, "/api/v2.0/jobservice/jobs/" + jobId, "{\"action\":\"stop\"}")
                        .status())
                .isEqualTo(401);
        assertThat(put(admin, "/api/v2.0/jobservice/jobs/" + jobId, "{\"action\":\"stop\"}")
                        .status())
                .isEqualTo(200);
        assertThat(cluster.awaitFinal(id).status()).isEqualTo(TaskStatus.STOPPED);

        RegistryClient.Response log = admin.get("/api/v2.0/jobservice/jobs/" + jobId + "/log");
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.header("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(log.text()).contains("waiting for a stop").contains("stopped on request");
        assertThat(user.get("/api/v2.0/jobservice/jobs/" + jobId + "/log").status())
                .isEqualTo(403);
        assertThat(anonymous.get("/api/v2.0/jobservice/jobs/" + jobId + "/log").status())
                .isEqualTo(401);
        assertThat(admin.get("/api/v2.0/jobservice/jobs/999999999/log").status())
                .isEqualTo(404);
        assertThat(admin.get("/api/v2.0/jobservice/jobs/abc/log").status()).isEqualTo(404);
        assertThat(put(admin, "/api/v2.0/jobservice/jobs/999999999", "{}").status())
                .isEqualTo(404);
    }

    private static JsonNode findWorker(JsonNode workers, String jobId) {
        for (JsonNode w : workers) {
            if (w.path("job_id").asString("").equals(jobId)) {
                return w;
            }
        }
        return null;
    }

    @Test
    void aPausedQueueHoldsItsJobsUntilResumed() {
        String queue = "/api/v2.0/jobservice/queues/TEST_RECORD";
        assertThat(put(admin, queue, "{\"action\":\"pause\"}").status()).isEqualTo(200);
        long held;
        try {
            held = cluster.run("TEST_RECORD", Map.of());
            JsonNode q = TwoReplicas.await(
                    () -> queueOf("TEST_RECORD"), n -> n.path("count").asLong() >= 1);
            assertThat(q.path("paused").asBoolean()).isTrue();
            assertThat(q.path("latency").asLong()).isNotNegative();
            sleep(500);
            assertThat(cluster.executions().execution(held).orElseThrow().status())
                    .isEqualTo(TaskStatus.PENDING);
        } finally {
            assertThat(put(admin, queue, "{\"action\":\"resume\"}").status()).isEqualTo(200);
        }
        assertThat(queueOf("TEST_RECORD").path("paused").asBoolean()).isFalse();
        assertThat(cluster.awaitFinal(held).status()).isEqualTo(TaskStatus.SUCCESS);
    }

    @Test
    void stoppingAQueueStopsItsPendingJobs() {
        String queue = "/api/v2.0/jobservice/queues/test_record";
        assertThat(put(admin, queue, "{\"action\":\"pause\"}").status()).isEqualTo(200);
        try {
            long first = cluster.run("TEST_RECORD", Map.of());
            long second = cluster.run("TEST_RECORD", Map.of());
            assertThat(put(admin, queue, "{\"action\":\"stop\"}").status()).isEqualTo(200);
            assertThat(cluster.awaitFinal(first).status()).isEqualTo(TaskStatus.STOPPED);
            assertThat(cluster.awaitFinal(second).status()).isEqualTo(TaskStatus.STOPPED);
            assertThat(cluster.runsOf(cluster.onlyTask(first).id())).isZero();
        } finally {
            assertThat(put(admin, queue, "{\"action\":\"resume\"}").status()).isEqualTo(200);
        }
    }

    private static JsonNode queueOf(String type) {
        RegistryClient.Response queues = admin.get("/api/v2.0/jobservice/queues");
        assertThat(queues.status()).isEqualTo(200);
        for (JsonNode q : queues.json()) {
            if (q.path("job_type").asString().equals(type)) {
                return q;
            }
        }
        throw new AssertionError("no queue " + type + " in " + queues.text());
    }

    @Test
    void queueActionsAreCheckedAndPausingAllPausesTheSchedules() {
        assertThat(put(admin, "/api/v2.0/jobservice/queues/TEST_RECORD", "{\"action\":\"explode\"}")
                        .status())
                .isEqualTo(400);
        assertThat(put(admin, "/api/v2.0/jobservice/queues/NO_SUCH_TYPE", "{\"action\":\"pause\"}")
                        .status())
                .isEqualTo(404);
        assertThat(put(user, "/api/v2.0/jobservice/queues/all", "{\"action\":\"pause\"}")
                        .status())
                .isEqualTo(403);
        assertThat(put(anonymous, "/api/v2.0/jobservice/queues/all", "{\"action\":\"pause\"}")
                        .status())
                .isEqualTo(401);
        assertThat(queueOf("SCHEDULER").path("paused").asBoolean()).isFalse();
        assertThat(admin.get("/api/v2.0/schedules/all/paused")
                        .json()
                        .path("paused")
                        .asBoolean())
                .isFalse();

        assertThat(put(admin, "/api/v2.0/jobservice/queues/all", "{\"action\":\"pause\"}")
                        .status())
                .isEqualTo(200);
        try {
            assertThat(user.get("/api/v2.0/schedules/all/paused")
                            .json()
                            .path("paused")
                            .asBoolean())
                    .isTrue();
            assertThat(queueOf("TEST_RECORD").path("paused").asBoolean()).isTrue();
        } finally {
            assertThat(put(admin, "/api/v2.0/jobservice/queues/all", "{\"action\":\"resume\"}")
                            .status())
                    .isEqualTo(200);
        }
        assertThat(admin.get("/api/v2.0/schedules/all/paused")
                        .json()
                        .path("paused")
                        .asBoolean())
                .isFalse();
        assertThat(admin.get("/api/v2.0/schedules/GARBAGE_COLLECTION/paused").status())
                .isEqualTo(400);
        assertThat(anonymous.get("/api/v2.0/schedules/all/paused").status()).isEqualTo(401);
    }

    @Test
    void schedulesAreListedWithPaging() {
        Schedules schedules = cluster.a.bean(Schedules.class);
        schedules.set("TEST_RECORD", 42, new ScheduleSpec("Weekly", null), Map.of());
        try {
            RegistryClient.Response all = admin.get("/api/v2.0/schedules?page_size=100");
            assertThat(all.status()).isEqualTo(200);
            List<String> crons = new ArrayList<>();
            all.json()
                    .forEach(s -> crons.add(s.path("vendor_type").asString() + " "
                            + s.path("cron").asString()));
            assertThat(crons).contains("PURGE_UPLOAD_SESSIONS 0 0 0 * * *", "TEST_RECORD 0 0 0 * * 0");
            RegistryClient.Response page = admin.get("/api/v2.0/schedules?page=1&page_size=1");
            assertThat(page.json().size()).isEqualTo(1);
            assertThat(Long.parseLong(page.header("X-Total-Count").orElseThrow()))
                    .isGreaterThanOrEqualTo(2);
            assertThat(page.header("Link").orElseThrow()).contains("rel=\"next\"");
            assertThat(page.json().get(0).has("update_time")).isTrue();
            assertThat(admin.get("/api/v2.0/schedules?q=cron%3Dx").status()).isEqualTo(400);
        } finally {
            schedules.delete("TEST_RECORD", 42);
        }
    }

    @Test
    void everyDashboardEndpointRefusesAnonymousAndNonAdminCallers() {
        for (String path : List.of(
                "/api/v2.0/jobservice/pools",
                "/api/v2.0/jobservice/pools/all/workers",
                "/api/v2.0/jobservice/queues",
                "/api/v2.0/schedules")) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(401);
            assertThat(user.get(path).status()).as(path).isEqualTo(403);
            assertThat(admin.get(path).status()).as(path).isEqualTo(200);
        }
        assertThat(put(user, "/api/v2.0/jobservice/jobs/all", "{}").status()).isEqualTo(403);
        assertThat(put(anonymous, "/api/v2.0/jobservice/jobs/all", "{}").status())
                .isEqualTo(401);
        assertThat(BerthServer.ADMIN_PASSWORD).isNotEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
