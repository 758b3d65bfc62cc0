package dev.berth.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What a server's jobs logged ({@code job_task_log}), for tests that check what must never be there. */
public final class JobLogs {
    private JobLogs() {}

    /**
     * Runs a manual garbage collection (a job that logs whatever the server's configuration makes
     * it log), waits for its log, and answers every line of every task's log.
     */
    public static String afterAGarbageCollection(BerthServer server) {
        RegistryClient.Response started = server.adminClient()
                .send(
                        "POST",
                        "/api/v2.0/system/gc/schedule",
                        "{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"delete_untagged\":true}}"
                                .getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json");
        RegistryClient.check(started, 201);
        JdbcClient jdbc = server.bean(JdbcClient.class);
        Eventually.await(() -> jdbc.sql("""
                                SELECT count(*) FROM job_task
                                WHERE job_type = 'GARBAGE_COLLECTION' AND status IN ('Success', 'Error', 'Stopped')
                                """).query(Long.class).single(), done -> done > 0);
        String lines = jdbc.sql("SELECT coalesce(string_agg(line, E'\\n' ORDER BY id), '') FROM job_task_log")
                .query(String.class)
                .single();
        assertThat(lines).as("the garbage collection logged something").isNotBlank();
        return lines;
    }
}
