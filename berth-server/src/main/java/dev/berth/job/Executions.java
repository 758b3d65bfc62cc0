package dev.berth.job;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.api.SqlPage;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's execution/task model over the job queue: the entry point for every feature that runs
 * background work (GC, scan all, replication, purges). An execution is one run of a policy or a
 * trigger; each of its tasks is one queued job run by the {@link JobKind} named by its job type.
 */
@Service
public class Executions {
    /**
     * What a feature's history endpoint ({@code /system/gc}, {@code /system/purgeaudit}, ...) may
     * filter and sort executions by; {@code creation_time} is Harbor's name for the start time there.
     */
    public static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "e.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("status", "e.status", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("job_status", "e.status", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("trigger", "e.trigger", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("start_time", "e.start_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("creation_time", "e.start_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("end_time", "e.end_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "e.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("-id")
            .tieBreaker("e.id")
            .build();

    private final ExecutionRecords executions;
    private final TaskRecords tasks;
    private final TaskLogRecords logs;
    private final Map<String, JobKind> kinds;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final QueueSignal signal;
    private final Clock clock;

    Executions(
            ExecutionRecords executions,
            TaskRecords tasks,
            TaskLogRecords logs,
            List<JobKind> kinds,
            TransactionTemplate tx,
            JsonMapper json,
            QueueSignal signal,
            Clock clock) {
        this.executions = executions;
        this.tasks = tasks;
        this.logs = logs;
        this.kinds = JobKinds.byName(kinds);
        this.tx = tx;
        this.json = json;
        this.signal = signal;
        this.clock = clock;
    }

    /**
     * Starts an execution of one task of job type {@code vendorType}, in one transaction.
     *
     * @param extraAttrs kept with the execution and shown with it (never secrets)
     * @param parameters what the kind reads from {@link JobContext#parameters()}
     * @return the execution's id
     */
    public long run(
            String vendorType,
            long vendorId,
            Trigger trigger,
            Map<String, Object> extraAttrs,
            Map<String, Object> parameters) {
        long id = tx.execute(status -> {
            long executionId = create(vendorType, vendorId, trigger, extraAttrs);
            addTask(executionId, vendorType, parameters);
            return executionId;
        });
        return id;
    }

    /** An execution without tasks yet; add them with {@link #addTask} (in the same transaction, ideally). */
    public long create(String vendorType, long vendorId, Trigger trigger, Map<String, Object> extraAttrs) {
        return executions.insert(vendorType, vendorId, trigger, extraAttrs, clock.instant());
    }

    /** Queues a task of the registered kind {@code jobType}; returns its id (the dashboard's job id). */
    public long addTask(long executionId, String jobType, Map<String, Object> parameters) {
        JobKind kind = kinds.get(jobType);
        if (kind == null) {
            throw new IllegalArgumentException("no job kind " + jobType);
        }
        long id = tasks.insert(
                executionId,
                jobType,
                json.writeValueAsString(parameters),
                kind.maxAttempts(),
                Math.max(1, kind.timeout().toSeconds()),
                clock.instant());
        signal.enqueued();
        return id;
    }

    /**
     * {@link #addTask} for many tasks of one kind, in one statement (an execution of a thousand
     * tasks is queued in one round trip); returns how many were queued.
     */
    public int addTasks(long executionId, String jobType, List<Map<String, Object>> parameters) {
        JobKind kind = kinds.get(jobType);
        if (kind == null) {
            throw new IllegalArgumentException("no job kind " + jobType);
        }
        int added = tasks.insertAll(
                executionId,
                jobType,
                parameters.stream().map(json::writeValueAsString).toList(),
                kind.maxAttempts(),
                Math.max(1, kind.timeout().toSeconds()),
                clock.instant());
        if (added > 0) {
            signal.enqueued();
        }
        return added;
    }

    /** Ends an execution that has no tasks (nothing to do) as Success with {@code message}. */
    public void markDone(long executionId, String message) {
        executions.markDone(executionId, message, clock.instant());
    }

    /** The parameters of an execution's tasks by task id, for views that show what each task was for. */
    public Map<Long, tools.jackson.databind.JsonNode> taskParameters(long executionId) {
        Map<Long, tools.jackson.databind.JsonNode> out = new java.util.HashMap<>();
        tasks.parametersOf(executionId).forEach((id, text) -> out.put(id, json.readTree(text)));
        return out;
    }

    public Optional<Execution> execution(long id) {
        return executions.find(id);
    }

    /** A vendor's executions, newest first. */
    public List<Execution> executions(String vendorType, long offset, long limit) {
        return executions.ofVendor(vendorType, offset, limit);
    }

    /** A page of a vendor's executions; the query is checked against {@link #FIELDS} (a 400 otherwise). */
    public Page list(String vendorType, ListQuery query) {
        SqlFilter filter = query.toSql(FIELDS);
        return new Page(executions.ofVendor(vendorType, filter), executions.countOfVendor(vendorType, filter));
    }

    /**
     * A page of the executions that ran for one policy ({@code vendorId}) under any of {@code
     * vendorTypes} (webhooks run as {@code WEBHOOK} or {@code SLACK}), with their task counts.
     */
    public Page list(Collection<String> vendorTypes, long vendorId, ListQuery query) {
        SqlPage<Execution> page = executions.page(vendorTypes, vendorId, query.toSql(FIELDS));
        return new Page(page.rows(), page.total());
    }

    /** A page of an execution's tasks; the query is checked against the task fields (a 400 otherwise). */
    public TaskPage tasks(long executionId, ListQuery query) {
        SqlPage<Task> page = tasks.page(executionId, query.toSql(TaskRecords.FIELDS));
        return new TaskPage(page.rows(), page.total());
    }

    /** A page of tasks and the total across pages. */
    public record TaskPage(List<Task> items, long total) {}

    /** Per execution: how many of its tasks are in each status (absent statuses are 0). */
    public Map<Long, Map<TaskStatus, Long>> taskCounts(Collection<Long> executionIds) {
        return tasks.countsByStatus(executionIds);
    }

    /** How many of the execution's tasks of job type {@code jobType} are in each status (absent ones are 0). */
    public Map<TaskStatus, Long> taskCounts(long executionId, String jobType) {
        return tasks.countsByStatus(executionId, jobType);
    }

    /** The vendor's newest execution by start time; only those of {@code trigger} when given. */
    public Optional<Execution> latest(String vendorType, Optional<Trigger> trigger) {
        return executions.latest(vendorType, trigger);
    }

    /** When the latest execution of the policy whose extra attribute {@code attr} is {@code value} started. */
    public Optional<Instant> latestStart(Collection<String> vendorTypes, long vendorId, String attr, String value) {
        return executions.latestStart(vendorTypes, vendorId, attr, value);
    }

    /** Harbor's views of executions, with their task counts. */
    public List<ExecutionView> views(List<Execution> items) {
        Map<Long, Map<TaskStatus, Long>> counts =
                taskCounts(items.stream().map(Execution::id).toList());
        return items.stream()
                .map(e -> ExecutionView.of(e, counts.getOrDefault(e.id(), Map.of())))
                .toList();
    }

    /** A page of executions and the total across pages. */
    public record Page(List<Execution> items, long total) {}

    public long count(String vendorType) {
        return executions.countOfVendor(vendorType);
    }

    /** Adds results to an execution's extra attributes (e.g. GC's freed bytes). */
    public void recordAttributes(long executionId, Map<String, Object> attrs) {
        executions.mergeExtraAttrs(executionId, attrs, clock.instant());
    }

    public List<Task> tasks(long executionId) {
        return tasks.ofExecution(executionId);
    }

    public Optional<Task> task(long taskId) {
        return tasks.find(taskId);
    }

    /** The task's log; empty when there is no such task. */
    public Optional<String> log(long taskId) {
        return tasks.find(taskId).map(t -> logs.text(taskId));
    }

    /**
     * Stops a task: a Pending one at once, a Running one by asking its worker (it ends as Stopped
     * within a poll interval, or when its kind next checks). False when there is no such task;
     * stopping a finished task changes nothing.
     */
    public boolean stopTask(long taskId) {
        Optional<Long> pending = tasks.stopPending(taskId, clock.instant());
        if (pending.isPresent()) {
            executions.refresh(pending.get(), clock.instant());
            return true;
        }
        tasks.requestStop(taskId);
        return tasks.find(taskId).isPresent();
    }

    /** Stops every task of an execution; false when there is no such execution. */
    public boolean stop(long executionId) {
        if (executions.find(executionId).isEmpty()) {
            return false;
        }
        // Three statements and one refresh, whatever the number of tasks: stopping a retention run
        // of a thousand repositories task by task (each with its refresh) took longer than a
        // client waits for an answer. Running tasks see the request at their next checkStop.
        // Running ones are asked first, so that a task of the execution that queues more (scan
        // all's walk) waits for it or sees it before queuing (checkStopBeforeQueueing), and
        // asked again after the Pending ones are stopped, for any a worker claimed in between.
        tasks.requestStopOf(executionId);
        if (tasks.stopPendingOf(executionId, clock.instant()) > 0) {
            executions.refresh(executionId, clock.instant());
        }
        tasks.requestStopOf(executionId);
        return true;
    }

    /**
     * For a task that queues more tasks into its own execution, first thing in the transaction
     * that queues them: ends the task ({@link JobStoppedException}, the transaction rolled back)
     * if a stop of the execution was asked. The task's row stays locked until that transaction
     * ends, so a {@link #stop} either came first and nothing is queued, or waits and then stops
     * what was queued.
     */
    public void checkStopBeforeQueueing(JobContext context) {
        if (tasks.lockStopRequested(context.taskId())) {
            throw new JobStoppedException();
        }
    }

    /** Deletes a finished execution with its tasks and logs (what a feature keeps with it goes too); false if none. */
    public boolean deleteFinished(long executionId) {
        return executions.deleteFinished(executionId);
    }

    /** Asks every running task to stop. */
    public void stopAllRunning() {
        tasks.requestStopAllRunning();
    }

    /** Stops the Pending tasks of a job type, {@code null} for all types. */
    public void stopPending(String jobType) {
        tasks.stopAllPending(jobType, clock.instant()).stream()
                .distinct()
                .forEach(id -> executions.refresh(id, clock.instant()));
    }

    /** Names of the kinds this replica can run. */
    public List<String> kindNames() {
        return kinds.keySet().stream().sorted().toList();
    }
}
