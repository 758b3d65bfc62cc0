package dev.berth.scan;

import dev.berth.artifact.ArtifactInventory;
import dev.berth.artifact.ArtifactLookup;
import dev.berth.job.Executions;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.TaskStatus;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Harbor's scan all ({@code SCAN_ALL}): walks every artifact of the registry in id order and queues
 * one {@link ScanJob} task per artifact its project's scanner takes, as tasks of this execution, so
 * the execution's task counts are the scan all's progress ({@code /scans/all/metrics}).
 *
 * <p>Bounded: one page of artifacts is in memory at a time, and no more than {@link
 * ScanSettings#scanAllWindow()} scan tasks of the execution wait or run at once; this task queues
 * only as many as the window has room for, waiting while it is full (Harbor queues every artifact up front and is known to
 * exhaust memory on large registries). The walk's position is kept with the execution, so a retry
 * after a replica died resumes where it stopped instead of scanning everything again.
 */
final class ScanAllJob implements JobKind {
    static final String NAME = "SCAN_ALL";
    static final String CURSOR = "scan_all_cursor";
    /** The most artifacts read at once. */
    private static final int MAX_PAGE = 500;

    private final ArtifactInventory inventory;
    private final ProjectService projects;
    private final Scanners scanners;
    private final ObjectProvider<ScanService> scans;
    private final ObjectProvider<Executions> executions;
    private final TransactionTemplate tx;
    private final ScanSettings settings;

    ScanAllJob(
            ArtifactInventory inventory,
            ProjectService projects,
            Scanners scanners,
            ObjectProvider<ScanService> scans,
            ObjectProvider<Executions> executions,
            TransactionTemplate tx,
            ScanSettings settings) {
        this.inventory = inventory;
        this.projects = projects;
        this.scanners = scanners;
        this.scans = scans;
        this.executions = executions;
        this.tx = tx;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration retryBackoff() {
        return Duration.ofSeconds(5);
    }

    @Override
    public void run(JobContext context) throws Exception {
        Executions jobs = executions.getObject();
        long executionId = context.executionId();
        long cursor = jobs.execution(executionId)
                .map(e -> e.extraAttrs().get(CURSOR))
                .map(v -> ((Number) v).longValue())
                .orElse(0L);
        if (cursor > 0) {
            context.log("resuming after artifact " + cursor);
        }
        Map<Long, Optional<Project>> projectCache = new HashMap<>();
        Map<String, Optional<AdapterMetadata>> metadataCache = new HashMap<>();
        int window = Math.max(1, settings.scanAllWindow());
        long queued = 0;
        long skipped = 0;
        while (true) {
            context.checkStop();
            int free = awaitWindow(context, jobs, executionId, window);
            List<ArtifactInventory.Stored> batch = inventory.allAfter(cursor, Math.min(free, MAX_PAGE));
            if (batch.isEmpty()) {
                break;
            }
            long[] counts = new long[2];
            long last = batch.getLast().id();
            tx.executeWithoutResult(status -> {
                // a stop frees the window (its scans end as Stopped): it must not let a batch in
                jobs.checkStopBeforeQueueing(context);
                for (ArtifactInventory.Stored a : batch) {
                    if (queue(executionId, a, projectCache, metadataCache)) {
                        counts[0]++;
                    } else {
                        counts[1]++;
                    }
                }
                jobs.recordAttributes(executionId, Map.of(CURSOR, last));
            });
            queued += counts[0];
            skipped += counts[1];
            cursor = last;
            // Project and adapter answers are kept for one page only: a long walk sees changes.
            projectCache.clear();
            metadataCache.clear();
            context.log("queued " + queued + " scans so far; " + skipped + " artifacts not scanned");
        }
        context.log("scan all queued " + queued + " scans; " + skipped
                + " artifacts were not scanned (no enabled scanner, type not supported, or a scan in progress)");
    }

    /**
     * Waits while the execution has {@code window} or more scans pending or running; returns how
     * many more may be queued now.
     */
    private int awaitWindow(JobContext context, Executions jobs, long executionId, int window)
            throws InterruptedException {
        while (true) {
            Map<TaskStatus, Long> counts = jobs.taskCounts(executionId, ScanJob.NAME);
            long open = counts.getOrDefault(TaskStatus.PENDING, 0L) + counts.getOrDefault(TaskStatus.RUNNING, 0L);
            if (open < window) {
                return (int) (window - open);
            }
            context.checkStop();
            Thread.sleep(250);
        }
    }

    private boolean queue(
            long executionId,
            ArtifactInventory.Stored a,
            Map<Long, Optional<Project>> projectCache,
            Map<String, Optional<AdapterMetadata>> metadataCache) {
        Optional<Project> project = projectCache.computeIfAbsent(a.projectId(), projects::findById);
        if (project.isEmpty()) {
            return false;
        }
        Optional<ScannerRegistration> scanner = scanners.ofProject(a.projectId());
        if (scanner.isEmpty() || scanner.get().disabled()) {
            return false;
        }
        Optional<String> mimeType = metadataCache
                .computeIfAbsent(scanner.get().uuid(), k -> scanners.tryMetadata(scanner.get()))
                .flatMap(m -> m.capability(a.mediaType(), ScanTypes.VULNERABILITY))
                .flatMap(ScanService::reportMimeType);
        if (mimeType.isEmpty()) {
            return false;
        }
        ArtifactLookup.Located located = new ArtifactLookup.Located(
                project.get(), a.repositoryId(), a.repository(), a.id(), a.digest(), a.mediaType(), a.tag());
        return scans.getObject()
                .enqueue(executionId, located, scanner.get(), mimeType.get())
                .isPresent();
    }
}
