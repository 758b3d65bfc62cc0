package dev.berth.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two Berth servers on one database, as two replicas: A with one worker (and the TEST_SOLO kind
 * only it runs), B with three. Started once per test JVM, shared by the job service's test classes.
 */
final class TwoReplicas {
    private static TwoReplicas instance;

    final TestDatabase db;
    final BerthServer a;
    final BerthServer b;

    private TwoReplicas() {
        db = TestDatabase.migrated();
        a = BerthServer.withDatabase(db, props("A", 1, true), TestJobKinds.class);
        jdbc().sql(TestJobKinds.TABLE).update();
        b = BerthServer.withDatabase(db, props("B", 3, false), TestJobKinds.class);
    }

    static synchronized TwoReplicas get() {
        if (instance == null) {
            instance = new TwoReplicas();
            TwoReplicas started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.b.close();
                started.a.close();
                started.db.close();
            }));
        }
        return instance;
    }

    private static Map<String, String> props(String node, int workers, boolean solo) {
        return Map.of(
                "test.node",
                node,
                "test.solo",
                Boolean.toString(solo),
                "berth.jobs.workers",
                Integer.toString(workers),
                "berth.jobs.poll-interval",
                "100ms",
                "berth.jobs.lease",
                "5s");
    }

    JdbcClient jdbc() {
        return a.bean(JdbcClient.class);
    }

    Executions executions() {
        return a.bean(Executions.class);
    }

    /** Starts a manual execution of one task on the cluster; returns the execution id. */
    long run(String jobType, Map<String, Object> parameters) {
        return executions().run(jobType, -1, Trigger.MANUAL, Map.of(), parameters);
    }

    Task onlyTask(long executionId) {
        var tasks = executions().tasks(executionId);
        assertThat(tasks).hasSize(1);
        return tasks.getFirst();
    }

    Execution awaitFinal(long executionId) {
        return await(
                () -> executions().execution(executionId).orElseThrow(),
                e -> e.status().isFinal());
    }

    static <T> T await(Supplier<T> read, java.util.function.Predicate<T> done) {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        T value = read.get();
        while (!done.test(value)) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("timed out waiting; last seen " + value);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            value = read.get();
        }
        return value;
    }

    /** The recorded runs of a task: how many times a kind's body ran for it. */
    long runsOf(long taskId) {
        return jdbc().sql("SELECT count(*) FROM test_job_run WHERE task_id = ?")
                .param(taskId)
                .query(Long.class)
                .single();
    }
}
