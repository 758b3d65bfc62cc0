package dev.berth.job;

import dev.berth.api.FieldType;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.api.SqlPage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code job_task} table: the queue itself. Every transition that a worker makes is fenced by
 * {@code locked_by} and {@code run_count}, so a worker that lost its lease (its task was reaped and
 * run again elsewhere) can never overwrite the newer attempt's outcome.
 */
@Repository
class TaskRecords {
    private static final String COLUMNS = """
            id, execution_id, job_type, status, status_message, run_count, max_attempts, progress,
            start_time, end_time, update_time""";

    private final JdbcClient jdbc;

    TaskRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long insert(
            long executionId,
            String jobType,
            String parametersJson,
            int maxAttempts,
            long timeoutSeconds,
            Instant now) {
        return jdbc.sql("""
                        INSERT INTO job_task (execution_id, job_type, parameters, max_attempts, timeout_seconds,
                                              run_after, enqueued_at, update_time)
                        VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?) RETURNING id""")
                .params(executionId, jobType, parametersJson, maxAttempts, timeoutSeconds)
                .params(Timestamps.of(now), Timestamps.of(now), Timestamps.of(now))
                .query(Long.class)
                .single();
    }

    /** {@link #insert} for many tasks of one execution in one statement; returns how many. */
    int insertAll(
            long executionId,
            String jobType,
            List<String> parametersJson,
            int maxAttempts,
            long timeoutSeconds,
            Instant now) {
        if (parametersJson.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                        INSERT INTO job_task (execution_id, job_type, parameters, max_attempts, timeout_seconds,
                                              run_after, enqueued_at, update_time)
                        SELECT ?, ?, p::jsonb, ?, ?, ?, ?, ?
                          FROM unnest(?::text[]) WITH ORDINALITY AS u(p, n) ORDER BY n""")
                .params(executionId, jobType, maxAttempts, timeoutSeconds)
                .params(Timestamps.of(now), Timestamps.of(now), Timestamps.of(now))
                .param(parametersJson.toArray(String[]::new))
                .update();
    }

    /** Claims the oldest due Pending task of one of {@code types} whose queue is not paused. */
    Optional<ClaimedTask> claim(String workerId, String[] types, Instant now, Instant leaseUntil) {
        return jdbc.sql("""
                        UPDATE job_task t
                           SET status = 'Running', locked_by = ?, locked_until = ?, run_count = run_count + 1,
                               stop_requested = false, start_time = COALESCE(start_time, ?), update_time = ?
                         WHERE t.id = (
                               SELECT id FROM job_task
                                WHERE status = 'Pending' AND run_after <= ? AND job_type = ANY (?)
                                  AND job_type NOT IN (SELECT job_type FROM job_queue_state WHERE paused)
                                ORDER BY run_after, id
                                LIMIT 1
                                  FOR UPDATE SKIP LOCKED)
                        RETURNING id, execution_id, job_type, parameters::text, run_count, max_attempts, timeout_seconds""")
                .params(workerId, Timestamps.of(leaseUntil), Timestamps.of(now), Timestamps.of(now))
                .params(Timestamps.of(now), types)
                .query((rs, i) -> new ClaimedTask(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getInt(5),
                        rs.getInt(6),
                        rs.getLong(7)))
                .optional();
    }

    /** Extends the leases of the pool's running tasks; returns each still held task and whether a stop is asked. */
    Map<Long, Boolean> renew(String poolId, Instant leaseUntil) {
        Map<Long, Boolean> held = new HashMap<>();
        jdbc.sql("""
                        UPDATE job_task SET locked_until = ?
                         WHERE status = 'Running' AND starts_with(locked_by, ?)
                        RETURNING id, stop_requested""").params(Timestamps.of(leaseUntil), poolId + "#").query(rs -> {
            held.put(rs.getLong(1), rs.getBoolean(2));
        });
        return held;
    }

    /** Ends the attempt with a final status; false when the worker no longer holds the task. */
    boolean finish(ClaimedTask task, String workerId, TaskStatus status, String message, Instant now) {
        return jdbc.sql("""
                        UPDATE job_task
                           SET status = ?, status_message = ?, end_time = ?, update_time = ?,
                               locked_by = NULL, locked_until = NULL,
                               progress = CASE WHEN ? = 'Success' THEN 100 ELSE progress END
                         WHERE id = ? AND status = 'Running' AND locked_by = ? AND run_count = ?""")
                        .params(status.wire(), message, Timestamps.of(now), Timestamps.of(now), status.wire())
                        .params(task.id(), workerId, task.runCount())
                        .update()
                == 1;
    }

    /** Puts a failed attempt back in the queue, not before {@code runAfter}. */
    boolean retry(ClaimedTask task, String workerId, Instant runAfter, String message, Instant now) {
        return jdbc.sql("""
                        UPDATE job_task
                           SET status = 'Pending', status_message = ?, run_after = ?, update_time = ?,
                               locked_by = NULL, locked_until = NULL
                         WHERE id = ? AND status = 'Running' AND locked_by = ? AND run_count = ?""")
                        .params(message, Timestamps.of(runAfter), Timestamps.of(now))
                        .params(task.id(), workerId, task.runCount())
                        .update()
                == 1;
    }

    /**
     * Tasks whose lease expired lost their worker: they go back to the queue, or end as Stopped
     * (a stop was asked) or Error (no attempts left). Returns the executions concerned.
     */
    List<Long> reapExpired(Instant now) {
        return jdbc.sql("""
                        UPDATE job_task
                           SET status = CASE WHEN stop_requested THEN 'Stopped'
                                             WHEN run_count >= max_attempts THEN 'Error' ELSE 'Pending' END,
                               status_message = CASE WHEN stop_requested THEN 'stopped on request'
                                             ELSE 'worker lost (lease expired) during attempt ' || run_count END,
                               end_time = CASE WHEN stop_requested OR run_count >= max_attempts THEN ? END,
                               run_after = ?, update_time = ?, locked_by = NULL, locked_until = NULL
                         WHERE status = 'Running' AND locked_until < ?
                        RETURNING execution_id""")
                .params(Timestamps.of(now), Timestamps.of(now), Timestamps.of(now), Timestamps.of(now))
                .query(Long.class)
                .list();
    }

    /** Stops a task that has not started; its execution, or empty when it is not Pending. */
    Optional<Long> stopPending(long id, Instant now) {
        return jdbc.sql("""
                        UPDATE job_task SET status = 'Stopped', status_message = 'stopped on request',
                               end_time = ?, update_time = ?
                         WHERE id = ? AND status = 'Pending' RETURNING execution_id""")
                .params(Timestamps.of(now), Timestamps.of(now), id)
                .query(Long.class)
                .optional();
    }

    /** Stops every Pending task of an execution; returns how many. */
    int stopPendingOf(long executionId, Instant now) {
        return jdbc.sql("""
                        UPDATE job_task SET status = 'Stopped', status_message = 'stopped on request',
                               end_time = ?, update_time = ?
                         WHERE execution_id = ? AND status = 'Pending'""")
                .params(Timestamps.of(now), Timestamps.of(now), executionId)
                .update();
    }

    /** Asks the workers running tasks of the execution to stop; returns how many were asked. */
    /**
     * Whether a stop was asked of this task, read from the database (not the worker's copy) with
     * the task's row locked until the caller's transaction ends.
     */
    boolean lockStopRequested(long taskId) {
        return jdbc.sql("SELECT stop_requested FROM job_task WHERE id = ? FOR UPDATE")
                .param(taskId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    int requestStopOf(long executionId) {
        return jdbc.sql("UPDATE job_task SET stop_requested = true WHERE execution_id = ? AND status = 'Running'")
                .param(executionId)
                .update();
    }

    /** Stops every Pending task of a type ({@code null}: of every type); returns their executions. */
    List<Long> stopAllPending(String jobType, Instant now) {
        return jdbc.sql("""
                        UPDATE job_task SET status = 'Stopped', status_message = 'stopped on request',
                               end_time = ?, update_time = ?
                         WHERE status = 'Pending' AND (CAST(? AS text) IS NULL OR job_type = ?)
                        RETURNING execution_id""")
                .params(Timestamps.of(now), Timestamps.of(now), jobType, jobType)
                .query(Long.class)
                .list();
    }

    /** Asks the worker running the task to stop; false when it is not Running. */
    boolean requestStop(long id) {
        return jdbc.sql("UPDATE job_task SET stop_requested = true WHERE id = ? AND status = 'Running'")
                        .param(id)
                        .update()
                == 1;
    }

    int requestStopAllRunning() {
        return jdbc.sql("UPDATE job_task SET stop_requested = true WHERE status = 'Running'")
                .update();
    }

    void progress(long id, int percent) {
        jdbc.sql("UPDATE job_task SET progress = ? WHERE id = ? AND status = 'Running'")
                .params(percent, id)
                .update();
    }

    Optional<Task> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM job_task WHERE id = ?")
                .param(id)
                .query((rs, i) -> task(rs))
                .optional();
    }

    /** The parameters of an execution's tasks, by task id, as JSON text. */
    Map<Long, String> parametersOf(long executionId) {
        Map<Long, String> out = new java.util.HashMap<>();
        jdbc.sql("SELECT id, parameters::text FROM job_task WHERE execution_id = ?")
                .param(executionId)
                .query(rs -> {
                    out.put(rs.getLong(1), rs.getString(2));
                });
        return out;
    }

    List<Task> ofExecution(long executionId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM job_task WHERE execution_id = ? ORDER BY id")
                .param(executionId)
                .query((rs, i) -> task(rs))
                .list();
    }

    /** What a task list may filter and sort by. */
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "t.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("status", "t.status", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("start_time", "t.start_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("end_time", "t.end_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "t.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("id")
            .tieBreaker("t.id")
            .build();

    SqlPage<Task> page(long executionId, SqlFilter filter) {
        List<Object> params = new ArrayList<>(List.of(executionId));
        params.addAll(filter.params());
        return SqlPage.read(
                jdbc,
                "t.*",
                " FROM job_task t WHERE t.execution_id = ?" + filter.andWhere(),
                params,
                filter,
                (rs, i) -> task(rs));
    }

    /** Task counts by status for each of the executions. */
    Map<Long, Map<TaskStatus, Long>> countsByStatus(Collection<Long> executionIds) {
        Map<Long, Map<TaskStatus, Long>> counts = new HashMap<>();
        if (executionIds.isEmpty()) {
            return counts;
        }
        jdbc.sql("SELECT execution_id, status, count(*) FROM job_task WHERE execution_id = ANY (?) GROUP BY 1, 2")
                .param(executionIds.toArray(Long[]::new))
                .query(rs -> {
                    counts.computeIfAbsent(rs.getLong(1), k -> new java.util.EnumMap<>(TaskStatus.class))
                            .put(TaskStatus.of(rs.getString(2)), rs.getLong(3));
                });
        return counts;
    }

    /** How many of the execution's tasks of one job type are in each status. */
    Map<TaskStatus, Long> countsByStatus(long executionId, String jobType) {
        Map<TaskStatus, Long> counts = new java.util.EnumMap<>(TaskStatus.class);
        jdbc.sql("SELECT status, count(*) FROM job_task WHERE execution_id = ? AND job_type = ? GROUP BY 1")
                .params(executionId, jobType)
                .query(rs -> {
                    counts.put(TaskStatus.of(rs.getString(1)), rs.getLong(2));
                });
        return counts;
    }

    /** Per job type: Pending tasks and the enqueue time of the oldest. */
    record PendingQueue(String jobType, long count, Instant oldest) {}

    List<PendingQueue> pending() {
        return jdbc.sql("""
                        SELECT job_type, count(*), min(enqueued_at) AS oldest FROM job_task
                         WHERE status = 'Pending' GROUP BY job_type""")
                .query((rs, i) -> new PendingQueue(rs.getString(1), rs.getLong(2), Timestamps.get(rs, "oldest")))
                .list();
    }

    /** A running task and the worker that holds it. */
    record Held(String workerId, long taskId, String jobType, Instant startTime, Instant updateTime) {}

    List<Held> running() {
        return jdbc.sql("""
                        SELECT locked_by, id, job_type, start_time, update_time FROM job_task
                         WHERE status = 'Running' ORDER BY id""")
                .query((rs, i) -> new Held(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getString(3),
                        Timestamps.get(rs, "start_time"),
                        Timestamps.get(rs, "update_time")))
                .list();
    }

    private static Task task(ResultSet rs) throws SQLException {
        return new Task(
                rs.getLong("id"),
                rs.getLong("execution_id"),
                rs.getString("job_type"),
                TaskStatus.of(rs.getString("status")),
                rs.getString("status_message"),
                rs.getInt("run_count"),
                rs.getInt("max_attempts"),
                rs.getInt("progress"),
                Timestamps.optional(rs, "start_time"),
                Timestamps.optional(rs, "end_time"),
                Timestamps.get(rs, "update_time"));
    }
}
