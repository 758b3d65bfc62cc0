package dev.berth.job;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
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

    /** Appends lines in one statement, keeping their order (ids are taken in the array's order). */
    void append(long taskId, Instant at, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        String[] texts = lines.stream()
                .map(l -> l.length() > MAX_LINE ? l.substring(0, MAX_LINE) + "…" : l)
                .toArray(String[]::new);
        jdbc.sql("""
                        INSERT INTO job_task_log (task_id, logged_at, line)
                        SELECT ?, ?, l.line FROM unnest(?::text[]) WITH ORDINALITY AS l(line, n) ORDER BY l.n
                        """).params(taskId, Timestamps.of(at), texts).update();
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
