package dev.berth.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The queue on two replicas sharing one PostgreSQL: exactly once, retries, timeouts, dead workers, schedules. */
class JobEngineTest {
    private static TwoReplicas cluster;

    @BeforeAll
    static void start() {
        cluster = TwoReplicas.get();
    }

    @Test
    void withOneWorkerEachJobRunsExactlyOnce() {
        List<Long> executions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            executions.add(cluster.run("TEST_SOLO", Map.of()));
        }
        for (long id : executions) {
            assertThat(cluster.awaitFinal(id).status()).isEqualTo(TaskStatus.SUCCESS);
            Task task = cluster.onlyTask(id);
            assertThat(task.runCount()).isEqualTo(1);
            assertThat(cluster.runsOf(task.id())).isEqualTo(1);
        }
        // Only replica A has the kind, so only A's single worker may have run it.
        long elsewhere = cluster.jdbc()
                .sql("SELECT count(*) FROM test_job_run r JOIN job_task t ON t.id = r.task_id"
                        + " WHERE t.job_type = 'TEST_SOLO' AND r.node <> 'A'")
                .query(Long.class)
                .single();
        assertThat(elsewhere).isZero();
    }

    @Test
    void twoHundredJobsOnTwoReplicasEachRunExactlyOnce() {
        List<Long> executions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            executions.add(cluster.run("TEST_RECORD", Map.of("sleep_ms", 10)));
        }
        for (long id : executions) {
            assertThat(cluster.awaitFinal(id).status()).isEqualTo(TaskStatus.SUCCESS);
        }
        List<Long> taskIds =
                executions.stream().map(id -> cluster.onlyTask(id).id()).toList();
        Map<String, Object> stats = cluster.jdbc()
                .sql("""
                        SELECT count(*) AS runs, count(DISTINCT task_id) AS tasks, count(DISTINCT node) AS nodes
                          FROM test_job_run WHERE task_id = ANY (?)""")
                .param(taskIds.toArray(Long[]::new))
                .query()
                .singleRow();
        assertThat(((Number) stats.get("runs")).longValue()).isEqualTo(200);
        assertThat(((Number) stats.get("tasks")).longValue()).isEqualTo(200);
        assertThat(((Number) stats.get("nodes")).longValue())
                .as("both replicas took work")
                .isEqualTo(2);
    }

    @Test
    void aFailingJobIsRetriedWithGrowingBackoffThenEndsInError() {
        long id = cluster.run("TEST_FLAKY", Map.of());
        Execution execution = cluster.awaitFinal(id);
        assertThat(execution.status()).isEqualTo(TaskStatus.ERROR);
        assertThat(execution.statusMessage()).contains("failing on purpose, attempt 3");
        Task task = cluster.onlyTask(id);
        assertThat(task.runCount()).isEqualTo(3);
        List<Instant> starts = cluster.jdbc()
                .sql("SELECT started_at FROM test_job_run WHERE task_id = ? ORDER BY attempt")
                .param(task.id())
                .query((rs, i) -> rs.getObject(1, OffsetDateTime.class).toInstant())
                .list();
        assertThat(starts).hasSize(3);
        // 300 ms before the second attempt, 600 ms before the third.
        assertThat(Duration.between(starts.get(0), starts.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(Duration.between(starts.get(1), starts.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(cluster.executions().log(task.id()).orElseThrow())
                .contains("attempt 1 failed")
                .contains("retrying in PT0.3S")
                .contains("retrying in PT0.6S")
                .contains("no attempts left");
    }

    @Test
    void aJobThatSucceedsOnRetryEndsInSuccess() {
        long id = cluster.run("TEST_FLAKY", Map.of("succeed_on", 2));
        assertThat(cluster.awaitFinal(id).status()).isEqualTo(TaskStatus.SUCCESS);
        assertThat(cluster.onlyTask(id).runCount()).isEqualTo(2);
    }

    @Test
    void anAttemptThatOverrunsItsTimeoutIsInterruptedAndCountsAsFailed() {
        long id = cluster.run("TEST_SLOW", Map.of());
        Execution execution = cluster.awaitFinal(id);
        assertThat(execution.status()).isEqualTo(TaskStatus.ERROR);
        assertThat(execution.statusMessage()).contains("timed out after 1s");
        Task task = cluster.onlyTask(id);
        assertThat(task.runCount()).isEqualTo(2);
        assertThat(cluster.runsOf(task.id())).isEqualTo(2);
    }

    @Test
    void aStoppedJobEndsStopped() {
        long id = cluster.run("TEST_WAIT", Map.of());
        Task task = TwoReplicas.await(() -> cluster.onlyTask(id), t -> t.status() == TaskStatus.RUNNING);
        // The worker marks the execution Running just after it claims the task: wait for that too.
        TwoReplicas.await(
                () -> cluster.executions().execution(id).orElseThrow(), e -> e.status() == TaskStatus.RUNNING);
        assertThat(cluster.executions().stop(id)).isTrue();
        Execution execution = cluster.awaitFinal(id);
        assertThat(execution.status()).isEqualTo(TaskStatus.STOPPED);
        assertThat(cluster.executions().log(task.id()).orElseThrow()).contains("stopped on request");
    }

    @Test
    void aJobWhoseWorkerDiedIsRunAgainAndCompletes() {
        long id = abandonedTask(1);
        Execution execution = cluster.awaitFinal(id);
        assertThat(execution.status()).isEqualTo(TaskStatus.SUCCESS);
        Task task = cluster.onlyTask(id);
        assertThat(task.runCount()).isEqualTo(2);
        assertThat(cluster.runsOf(task.id())).isEqualTo(1);
    }

    @Test
    void aJobWhoseWorkerDiedOnTheLastAttemptEndsInError() {
        long id = abandonedTask(3);
        Execution execution = cluster.awaitFinal(id);
        assertThat(execution.status()).isEqualTo(TaskStatus.ERROR);
        assertThat(execution.statusMessage()).contains("worker lost");
        assertThat(cluster.runsOf(cluster.onlyTask(id).id())).isZero();
    }

    /** A task as a worker that crashed mid-run leaves it: Running, held by a dead pool, lease expired. */
    private long abandonedTask(int runCount) {
        Executions executions = cluster.executions();
        long id = executions.create("TEST_RECORD", -1, Trigger.MANUAL, Map.of());
        OffsetDateTime past = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(30);
        cluster.jdbc()
                .sql("""
                        INSERT INTO job_task (execution_id, job_type, status, run_count, max_attempts, timeout_seconds,
                                              run_after, enqueued_at, locked_by, locked_until, start_time, update_time)
                        VALUES (?, 'TEST_RECORD', 'Running', ?, 3, 60, ?, ?, 'dead-pool#0', ?, ?, ?)""")
                .params(id, runCount, past, past, past.plusSeconds(5), past, past)
                .update();
        return id;
    }

    @Test
    void aScheduleFiresOncePerPeriodAcrossBothReplicas() {
        Schedules schedules = cluster.a.bean(Schedules.class);
        long vendorId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        schedules.set("TEST_RECORD", vendorId, new ScheduleSpec("Custom", "* * * * * *"), Map.of("sleep_ms", 0));
        // Until two periods have fired (not a fixed wait: on a loaded machine a poll may come late).
        Eventually.await(
                () -> cluster.jdbc()
                        .sql("SELECT count(*) FROM job_execution WHERE vendor_type = 'TEST_RECORD' AND vendor_id = ?")
                        .param(vendorId)
                        .query(Long.class)
                        .single(),
                n -> n >= 2);
        schedules.delete("TEST_RECORD", vendorId);
        List<Execution> fired = cluster
                .jdbc()
                .sql("SELECT id FROM job_execution WHERE vendor_type = 'TEST_RECORD' AND vendor_id = ?")
                .param(vendorId)
                .query(Long.class)
                .list()
                .stream()
                .map(cluster::awaitFinal)
                .toList();
        assertThat(fired).hasSizeGreaterThanOrEqualTo(2);
        assertThat(fired).allSatisfy(e -> {
            assertThat(e.trigger()).isEqualTo(Trigger.SCHEDULE);
            assertThat(e.status()).isEqualTo(TaskStatus.SUCCESS);
        });
        var times = new HashSet<Object>();
        fired.forEach(e -> times.add(e.extraAttrs().get("scheduled_time")));
        assertThat(times).as("one execution per period").hasSize(fired.size());
        assertThat(fired.size()).as("no more than the periods that passed").isLessThanOrEqualTo(5);
    }

    @Test
    void theExecutionStatusFollowsItsTasks() {
        assertThat(ExecutionRecords.derive(Map.of(TaskStatus.PENDING, 2), false))
                .isEqualTo(TaskStatus.PENDING);
        assertThat(ExecutionRecords.derive(Map.of(TaskStatus.PENDING, 1, TaskStatus.SUCCESS, 1), true))
                .isEqualTo(TaskStatus.RUNNING);
        assertThat(ExecutionRecords.derive(Map.of(TaskStatus.ERROR, 1, TaskStatus.STOPPED, 1), true))
                .isEqualTo(TaskStatus.ERROR);
        assertThat(ExecutionRecords.derive(Map.of(TaskStatus.STOPPED, 1, TaskStatus.SUCCESS, 1), true))
                .isEqualTo(TaskStatus.STOPPED);
        assertThat(JobWorkers.backoff(Duration.ofSeconds(10), 3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(JobWorkers.backoff(Duration.ofMinutes(30), 10)).isEqualTo(Duration.ofHours(1));
    }
}
