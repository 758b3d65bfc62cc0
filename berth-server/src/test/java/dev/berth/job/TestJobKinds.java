package dev.berth.job;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Job kinds for the job service's tests, added to a test server as an extra source (deliberately
 * not a {@code @Configuration}, so component scanning never adds them to other servers). Each run
 * is recorded in {@code test_job_run} with the attempt and the server ({@code test.node}) it ran on.
 */
class TestJobKinds {
    static final String TABLE = """
            CREATE TABLE test_job_run (
                task_id bigint NOT NULL, attempt int NOT NULL, node text NOT NULL,
                started_at timestamptz NOT NULL DEFAULT clock_timestamp())""";

    static void record(JdbcClient jdbc, JobContext context, String node) {
        jdbc.sql("INSERT INTO test_job_run (task_id, attempt, node) VALUES (?, ?, ?)")
                .params(context.taskId(), context.attempt(), node)
                .update();
    }

    /** A kind built from a lambda, with its own limits. */
    record Kind(String name, int maxAttempts, Duration timeout, Duration retryBackoff, Body body) implements JobKind {
        interface Body {
            void run(JobContext context) throws Exception;
        }

        @Override
        public void run(JobContext context) throws Exception {
            body.run(context);
        }
    }

    /** Records the run, then sleeps {@code sleep_ms}. */
    @Bean
    JobKind testRecord(JdbcClient jdbc, @Value("${test.node}") String node) {
        return new Kind("TEST_RECORD", 3, Duration.ofMinutes(1), Duration.ofMillis(100), c -> {
            record(jdbc, c, node);
            Thread.sleep(c.parameters().path("sleep_ms").asLong(0));
        });
    }

    /** Only on the server started with {@code test.solo=true}. */
    @Bean
    @ConditionalOnProperty("test.solo")
    JobKind testSolo(JdbcClient jdbc, @Value("${test.node}") String node) {
        return new Kind("TEST_SOLO", 3, Duration.ofMinutes(1), Duration.ofMillis(100), c -> record(jdbc, c, node));
    }

    /** Fails until attempt {@code succeed_on}; three attempts, 300 ms backoff doubling. */
    @Bean
    JobKind testFlaky(JdbcClient jdbc, @Value("${test.node}") String node) {
        return new Kind("TEST_FLAKY", 3, Duration.ofMinutes(1), Duration.ofMillis(300), c -> {
            record(jdbc, c, node);
            if (c.attempt() < c.parameters().path("succeed_on").asInt(99)) {
                throw new IllegalStateException("failing on purpose, attempt " + c.attempt());
            }
        });
    }

    /** Never finishes within its one-second timeout; two attempts. */
    @Bean
    JobKind testSlow(JdbcClient jdbc, @Value("${test.node}") String node) {
        return new Kind("TEST_SLOW", 2, Duration.ofSeconds(1), Duration.ofMillis(100), c -> {
            record(jdbc, c, node);
            Thread.sleep(Duration.ofSeconds(60));
        });
    }

    /** Waits, checking for a stop every 50 ms, for up to a minute. */
    @Bean
    JobKind testWait(JdbcClient jdbc, @Value("${test.node}") String node) {
        return new Kind("TEST_WAIT", 1, Duration.ofMinutes(5), Duration.ofMillis(100), c -> {
            record(jdbc, c, node);
            c.log("waiting for a stop");
            for (int i = 0; i < 1200; i++) {
                c.checkStop();
                c.progress(i / 12);
                Thread.sleep(50);
            }
        });
    }
}
