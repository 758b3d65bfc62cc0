package dev.berth.retention;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code retention_policy}, {@code retention_run} and {@code retention_task} tables. */
@Repository
class RetentionRecords {
    private final JdbcClient jdbc;
    private final JsonMapper json;

    RetentionRecords(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<RetentionPolicy> find(long id) {
        return jdbc.sql("SELECT id, project_id, rules::text, trigger::text FROM retention_policy WHERE id = ?")
                .param(id)
                .query((rs, i) -> policy(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)))
                .optional();
    }

    Optional<Long> idOfProject(long projectId) {
        return jdbc.sql("SELECT id FROM retention_policy WHERE project_id = ?")
                .param(projectId)
                .query(Long.class)
                .optional();
    }

    private RetentionPolicy policy(long id, long projectId, String rulesJson, String triggerJson) {
        List<RetentionRule> rules = new ArrayList<>();
        for (JsonNode rule : json.readTree(rulesJson)) {
            rules.add(RetentionRule.parse(rule, rules.size()));
        }
        String cron = json.readTree(triggerJson).path("settings").path("cron").asString("");
        return new RetentionPolicy(id, projectId, List.copyOf(rules), cron);
    }

    long insert(RetentionPolicy.Request request, Instant now) {
        RetentionPolicy draft = new RetentionPolicy(0, request.projectId(), request.rules(), request.cron());
        Map<String, Object> view = draft.view();
        return jdbc.sql("""
                        INSERT INTO retention_policy (project_id, algorithm, rules, trigger, creation_time, update_time)
                        VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?) RETURNING id
                        """)
                .param(request.projectId())
                .param(RetentionPolicy.ALGORITHM)
                .param(json.writeValueAsString(view.get("rules")))
                .param(json.writeValueAsString(view.get("trigger")))
                .param(Timestamp.from(now))
                .param(Timestamp.from(now))
                .query(Long.class)
                .single();
    }

    void update(long id, RetentionPolicy.Request request, Instant now) {
        Map<String, Object> view = new RetentionPolicy(id, request.projectId(), request.rules(), request.cron()).view();
        jdbc.sql("UPDATE retention_policy SET rules = ?::jsonb, trigger = ?::jsonb, update_time = ? WHERE id = ?")
                .param(json.writeValueAsString(view.get("rules")))
                .param(json.writeValueAsString(view.get("trigger")))
                .param(Timestamp.from(now))
                .param(id)
                .update();
    }

    void delete(long id) {
        jdbc.sql("DELETE FROM retention_policy WHERE id = ?").param(id).update();
    }

    /**
     * A run as it was started.
     *
     * @param pullTimes the copy of the project's pull times taken with the snapshot; empty for runs
     *     recorded before copies were taken
     */
    record Run(
            long executionId,
            long policyId,
            long projectId,
            boolean dryRun,
            Instant snapshot,
            OptionalLong pullTimes) {}

    void insertRun(Run run) {
        jdbc.sql("""
                        INSERT INTO retention_run (execution_id, policy_id, project_id, dry_run, snapshot, pull_snapshot)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (execution_id) DO NOTHING
                        """)
                .param(run.executionId())
                .param(run.policyId())
                .param(run.projectId())
                .param(run.dryRun())
                .param(Timestamp.from(run.snapshot()))
                .param(run.pullTimes().isPresent() ? run.pullTimes().getAsLong() : null)
                .update();
    }

    Optional<Run> run(long executionId) {
        return jdbc.sql("""
                        SELECT execution_id, policy_id, project_id, dry_run, snapshot, pull_snapshot FROM retention_run
                        WHERE execution_id = ?
                        """)
                .param(executionId)
                .query((rs, i) -> new Run(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getBoolean(4),
                        rs.getTimestamp(5).toInstant(),
                        rs.getObject(6) == null ? OptionalLong.empty() : OptionalLong.of(rs.getLong(6))))
                .optional();
    }

    /** Whether the launcher already queued the repository tasks (a retried launcher must not again). */
    boolean launched(long executionId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM retention_task WHERE execution_id = ?)")
                .param(executionId)
                .query(Boolean.class)
                .single();
    }

    /** A row per repository task the job service queued for the run; returns how many. */
    int insertTasks(long executionId) {
        return jdbc.sql("""
                        INSERT INTO retention_task (task_id, execution_id, repository)
                        SELECT id, execution_id, parameters->>'repository' FROM job_task
                         WHERE execution_id = ? AND job_type = ? AND parameters->>'repository' IS NOT NULL
                         ORDER BY id""").param(executionId).param(RetentionJob.NAME).update();
    }

    void setTaskTotal(long executionId, int tasks) {
        jdbc.sql("UPDATE retention_run SET tasks_total = ? WHERE execution_id = ?")
                .param(tasks)
                .param(executionId)
                .update();
    }

    boolean taskDone(long taskId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM retention_task WHERE task_id = ? AND done)")
                .param(taskId)
                .query(Boolean.class)
                .single();
    }

    /** Records a task's counts; on its first completion, counts it done and says whether the run is complete. */
    boolean finishTask(long taskId, long executionId, int total, int retained, List<Map<String, Object>> deleted) {
        int first = jdbc.sql("""
                        UPDATE retention_task SET total = ?, retained = ?, deleted = ?::jsonb, done = true
                        WHERE task_id = ? AND NOT done
                        """)
                .param(total)
                .param(retained)
                .param(json.writeValueAsString(deleted))
                .param(taskId)
                .update();
        if (first == 0) {
            return false;
        }
        return jdbc.sql("""
                        UPDATE retention_run SET tasks_done = tasks_done + 1 WHERE execution_id = ?
                        RETURNING tasks_done >= tasks_total
                        """).param(executionId).query(Boolean.class).optional().orElse(false);
    }

    /** The counts and deletions of a run's tasks, for its event. */
    record TaskResult(String repository, int total, int retained, List<Map<String, Object>> deleted) {}

    @SuppressWarnings("unchecked")
    List<TaskResult> results(long executionId) {
        return jdbc.sql("""
                        SELECT repository, total, retained, deleted::text FROM retention_task
                        WHERE execution_id = ? ORDER BY task_id
                        """)
                .param(executionId)
                .query((rs, i) ->
                        new TaskResult(rs.getString(1), rs.getInt(2), rs.getInt(3), (List<Map<String, Object>>)
                                (List<?>) json.readValue(rs.getString(4), List.class)))
                .list();
    }

    /** A repository task of a run, as Harbor's task list shows it. */
    record TaskRow(long taskId, String repository, int total, int retained) {}

    List<TaskRow> tasks(long executionId, long offset, long limit) {
        return jdbc.sql("""
                        SELECT task_id, repository, total, retained FROM retention_task
                        WHERE execution_id = ? ORDER BY task_id OFFSET ? LIMIT ?
                        """)
                .param(executionId)
                .param(offset)
                .param(limit)
                .query((rs, i) -> new TaskRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4)))
                .list();
    }

    long taskCount(long executionId) {
        return jdbc.sql("SELECT count(*) FROM retention_task WHERE execution_id = ?")
                .param(executionId)
                .query(Long.class)
                .single();
    }

    Optional<TaskRow> task(long executionId, long taskId) {
        return jdbc.sql("""
                        SELECT task_id, repository, total, retained FROM retention_task
                        WHERE execution_id = ? AND task_id = ?
                        """)
                .param(executionId)
                .param(taskId)
                .query((rs, i) -> new TaskRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4)))
                .optional();
    }
}
