package dev.berth.job;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code job_task_log} table: each task's log, one row per line. */
@Repository
class TaskLogRecords {
    private static final int MAX_LINE = 8192;

    private final JdbcClient jdbc;

    TaskLogRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void append(long taskId, Instant at, String line) {
        String text = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line;
        jdbc.sql("INSERT INTO job_task_log (task_id, logged_at, line) VALUES (?, ?, ?)")
                .params(taskId, Timestamps.of(at), text)
                .update();
    }

    /** The whole log as text, each line prefixed with its UTC time, as Harbor's job logs read. */
    String text(long taskId) {
        StringBuilder out = new StringBuilder();
        jdbc.sql("SELECT logged_at, line FROM job_task_log WHERE task_id = ? ORDER BY id")
                .param(taskId)
                .query(rs -> {
                    out.append(DateTimeFormatter.ISO_INSTANT.format(Timestamps.get(rs, "logged_at")))
                            .append(' ')
                            .append(rs.getString("line"))
                            .append('\n');
                });
        return out.toString();
    }
}
