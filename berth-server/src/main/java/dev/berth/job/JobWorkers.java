package dev.berth.job;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * This replica's worker pool: {@code berth.jobs.workers} virtual threads that claim tasks with
 * {@code SKIP LOCKED}, and one monitor thread that, every poll interval, beats the pool's
 * heartbeat, renews the leases of running tasks (reading stop requests on the way), times out
 * overrunning attempts, returns tasks of dead workers to the queue and fires due schedules.
 */
@Component
@ConditionalOnProperty(prefix = "berth.jobs", name = "enabled", havingValue = "true", matchIfMissing = true)
class JobWorkers implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(JobWorkers.class);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private final JobSettings settings;
    private final Map<String, JobKind> kinds;
    private final String[] types;
    private final TaskRecords tasks;
    private final ExecutionRecords executions;
    private final TaskLogRecords logs;
    private final WorkerPoolRecords pools;
    private final ScheduleFiring schedules;
    private final QueueSignal signal;
    private final JsonMapper json;
    private final Clock clock;
    private final TaskTimer timer;
    private final String poolId = "berth-" + UUID.randomUUID().toString().substring(0, 12);
    private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean active;

    JobWorkers(
            JobSettings settings,
            List<JobKind> kinds,
            TaskRecords tasks,
            ExecutionRecords executions,
            TaskLogRecords logs,
            WorkerPoolRecords pools,
            ScheduleFiring schedules,
            QueueSignal signal,
            JsonMapper json,
            Clock clock,
            TaskTimer timer) {
        this.settings = settings;
        this.kinds = JobKinds.byName(kinds);
        this.types = this.kinds.keySet().toArray(String[]::new);
        this.tasks = tasks;
        this.executions = executions;
        this.logs = logs;
        this.pools = pools;
        this.schedules = schedules;
        this.signal = signal;
        this.json = json;
        this.clock = clock;
        this.timer = timer;
    }

    @Override
    public synchronized void start() {
        Instant now = clock.instant();
        pools.register(new WorkerPoolRecords.Pool(
                poolId, ProcessHandle.current().pid(), hostName(), settings.workers(), now, now));
        active = true;
        for (int i = 0; i < settings.workers(); i++) {
            String workerId = poolId + "#" + i;
            threads.add(Thread.ofVirtual().name("job-worker-" + i).start(() -> work(workerId)));
        }
        threads.add(Thread.ofVirtual().name("job-monitor").start(this::monitor));
        log.info("event=job_pool_started pool={} workers={} kinds={}", poolId, settings.workers(), kinds.keySet());
    }

    @Override
    public synchronized void stop() {
        active = false;
        running.values().forEach(RunningJob::shutDown);
        threads.forEach(Thread::interrupt);
        Instant until = Instant.now().plus(SHUTDOWN_WAIT);
        for (Thread t : threads) {
            try {
                t.join(
                        Duration.between(Instant.now(), until).isNegative()
                                ? Duration.ZERO
                                : Duration.between(Instant.now(), until));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.clear();
        pools.remove(poolId);
        log.info("event=job_pool_stopped pool={} unfinished={}", poolId, running.size());
    }

    @Override
    public boolean isRunning() {
        return active;
    }

    String poolId() {
        return poolId;
    }

    private void work(String workerId) {
        while (active) {
            try {
                long seen = signal.generation();
                Instant now = clock.instant();
                var claimed = tasks.claim(workerId, types, now, now.plus(settings.lease()));
                if (claimed.isPresent()) {
                    execute(workerId, claimed.get());
                } else {
                    signal.awaitAfter(seen, settings.pollInterval());
                }
            } catch (InterruptedException e) {
                if (!active) {
                    return;
                }
            } catch (RuntimeException e) {
                log.warn("event=job_worker_error worker={} reason=\"{}\"", workerId, e.toString());
                sleepQuietly(settings.pollInterval());
            }
        }
    }

    private void execute(String workerId, ClaimedTask task) {
        JobKind kind = kinds.get(task.jobType());
        Instant start = clock.instant();
        RunningJob job = new RunningJob(
                task,
                workerId,
                json.readTree(task.parametersJson()),
                Thread.currentThread(),
                start.plusSeconds(task.timeoutSeconds()),
                logs,
                tasks,
                clock);
        running.put(task.id(), job);
        executions.refreshStarted(task.executionId(), start);
        job.log("attempt " + task.runCount() + " of " + task.maxAttempts() + " started on " + workerId);
        Throwable failure = null;
        try {
            kind.run(job);
        } catch (Throwable e) {
            failure = e;
        } finally {
            running.remove(task.id());
        }
        timer.record(task.jobType(), failure, job.isStopRequested(), Duration.between(start, clock.instant()));
        if (!job.conclude()) {
            return; // the monitor already concluded it (timeout)
        }
        Thread.interrupted(); // the attempt is over: a late interrupt must not break the writes below
        if (job.isLeaseLost()) {
            log.warn("event=job_lease_lost task={} worker={}", task.id(), workerId);
        } else if (job.isShuttingDown() && failure != null) {
            tasks.retry(
                    task,
                    workerId,
                    clock.instant(),
                    "replica shut down during attempt " + task.runCount(),
                    clock.instant());
        } else if (failure == null) {
            job.log("succeeded");
            tasks.finish(task, workerId, TaskStatus.SUCCESS, "", clock.instant());
        } else if (failure instanceof UnrecoverableJobException) {
            job.log("attempt " + task.runCount() + " failed: " + failure.getMessage() + "; not retried");
            tasks.finish(task, workerId, TaskStatus.ERROR, failure.getMessage(), clock.instant());
        } else if (failure instanceof JobStoppedException
                || (job.isStopRequested() && failure instanceof InterruptedException)) {
            job.log("stopped on request");
            tasks.finish(task, workerId, TaskStatus.STOPPED, "stopped on request", clock.instant());
        } else {
            fail(job, workerId, failure.toString());
        }
        executions.refreshEnded(task.executionId(), clock.instant());
    }

    /** A failed attempt: back to the queue after a doubling backoff, or Error when none are left. */
    private void fail(RunningJob job, String workerId, String reason) {
        ClaimedTask task = job.task();
        Instant now = clock.instant();
        if (task.runCount() < task.maxAttempts()) {
            Duration backoff = backoff(kinds.get(task.jobType()).retryBackoff(), task.runCount());
            job.log("attempt " + task.runCount() + " failed: " + reason + "; retrying in " + backoff);
            tasks.retry(task, workerId, now.plus(backoff), reason, now);
        } else {
            job.log("attempt " + task.runCount() + " failed: " + reason + "; no attempts left");
            tasks.finish(task, workerId, TaskStatus.ERROR, reason, now);
        }
    }

    static Duration backoff(Duration base, int attempt) {
        Duration d = base;
        for (int i = 1; i < attempt && d.compareTo(MAX_BACKOFF) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private void monitor() {
        while (active) {
            try {
                beat();
            } catch (RuntimeException e) {
                log.warn("event=job_monitor_error pool={} reason=\"{}\"", poolId, e.toString());
            }
            sleepQuietly(settings.pollInterval());
        }
    }

    private void beat() {
        Instant now = clock.instant();
        pools.heartbeat(poolId, now);
        long renewedNanos = System.nanoTime();
        Map<Long, Boolean> held = tasks.renew(poolId, now.plus(settings.lease()));
        for (RunningJob job : running.values()) {
            Boolean stop = held.get(job.taskId());
            if (stop == null && job.startedNanos() < renewedNanos) {
                // Claimed before the renewal yet not renewed: the task was reaped after a stall and
                // belongs to another attempt now (or this one just ended).
                job.loseLease();
            } else if (Boolean.TRUE.equals(stop)) {
                job.requestStop();
            }
            if (now.isAfter(job.deadline()) && job.timeOut()) {
                job.log("attempt " + job.attempt() + " timed out after "
                        + job.task().timeoutSeconds() + "s");
                fail(job, job.workerId(), "timed out after " + job.task().timeoutSeconds() + "s");
                executions.refresh(job.executionId(), now);
            }
        }
        for (long executionId : tasks.reapExpired(now).stream().distinct().toList()) {
            executions.refresh(executionId, now);
        }
        pools.removeSilentSince(now.minus(settings.lease().multipliedBy(2)));
        schedules.fireDue(now);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
