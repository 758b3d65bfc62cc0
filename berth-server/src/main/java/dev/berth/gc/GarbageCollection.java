package dev.berth.gc;

import dev.berth.job.Executions;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.registry.BlobCollector;
import dev.berth.registry.GcSettings;
import dev.berth.registry.ManifestCollector;
import dev.berth.storage.BlobLister;
import dev.berth.storage.Digest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The {@code GARBAGE_COLLECTION} job: online, while the registry stays writable.
 *
 * <p>A run reclaims everything that lost its last reference before it started (Harbor's "delete,
 * then GC now"): queue entries with {@code due_at} at or before the run's start are reviewed, and
 * only blobs and manifests younger than the upload grace (Harbor's time window) are kept.
 *
 * <ol>
 *   <li>With {@code delete_untagged}: due manifest reviews, deleting manifests nothing keeps.
 *   <li>Due blob reviews, by {@code workers} in parallel: the row is deleted under its lock when
 *       nothing references it, then the bytes.
 *   <li>A sweep of the blob store for bytes whose row is gone, and of the rows for missing bytes.
 * </ol>
 *
 * Every destructive step re-checks under the database's locks, so a run that is repeated after a
 * crash (at-least-once delivery) only finds what is left; counts are per attempt.
 */
@Component
class GarbageCollection implements JobKind {
    static final String NAME = "GARBAGE_COLLECTION";
    private static final Logger log = LoggerFactory.getLogger(GarbageCollection.class);
    private static final int PROGRESS_EVERY = 500;
    /** Queue entries one worker reviews in one transaction. */
    private static final int BATCH = 100;
    /** Files of the store checked against the rows in one query by the sweep. */
    private static final int SWEEP_PAGE = 1000;

    private final ManifestCollector manifests;
    private final BlobCollector blobs;
    private final BlobLister lister;
    private final ObjectProvider<Executions> executions;
    private final Clock clock;
    private final GcSettings settings;

    GarbageCollection(
            ManifestCollector manifests,
            BlobCollector blobs,
            BlobLister lister,
            ObjectProvider<Executions> executions,
            Clock clock,
            GcSettings settings) {
        this.clock = clock;
        this.settings = settings;
        this.manifests = manifests;
        this.blobs = blobs;
        this.lister = lister;
        this.executions = executions;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(24);
    }

    @Override
    public void run(JobContext context) throws Exception {
        GcParameters params = GcParameters.from(context.parameters());
        executions.getObject().recordAttributes(context.executionId(), params.asMap());
        Instant cutoff = clock.instant();
        context.log("garbage collection started: " + params.asMap() + " attempt=" + context.attempt()
                + "; reclaiming what lost its last reference before " + cutoff + ", keeping what was uploaded or"
                + " pushed within the last " + settings.uploadGrace().toMinutes() + " minutes");
        GcTally tally = new GcTally(cutoff, settings.uploadGrace());
        // Harbor's own lines, worded as its GC job writes them, for the scripts that parse them.
        context.log("Garbage Collection parameters: [delete_untagged: " + params.deleteUntagged() + ", dry_run: "
                + params.dryRun() + ", time_window: " + timeWindowHours() + ", workers: " + params.workers() + "]");
        context.log("start to run gc in job.");
        List<Long> deletable = List.of();
        if (params.deleteUntagged()) {
            deletable = params.dryRun()
                    ? previewManifests(context, tally, cutoff)
                    : collectManifests(context, tally, cutoff, params.workers());
        }
        context.progress(30);
        if (params.dryRun()) {
            previewBlobs(context, tally, deletable, cutoff);
        } else {
            // Blobs whose manifests this run just deleted lost their reference after the run started:
            // they are taken in the same run, as Harbor's GC frees an untagged image's blobs at once.
            collectBlobs(context, tally, params.workers(), clock.instant());
            context.log(tally.keptSummary());
        }
        context.progress(80);
        if (fullSweepDue(params, cutoff)) {
            sweep(context, tally, params.dryRun());
            tally.fullSweep = true;
            if (!params.dryRun()) {
                blobs.fullSweepDone(cutoff);
            }
        } else {
            if (params.dryRun()) {
                previewQueuedBytes(tally);
            }
            context.log("sweep: not listing the store; bytes without a row are found through the review queue,"
                    + " where every place that can leave them records them (last full sweep "
                    + blobs.lastFullSweep().map(Instant::toString).orElse("never") + ", every "
                    + settings.fullSweepInterval().toHours() + " h)");
        }
        context.progress(100);
        executions.getObject().recordAttributes(context.executionId(), tally.attributes());
        context.log((params.dryRun() ? "dry run, would free: " : "garbage collection done: ") + tally);
        harborSummary(context, tally, params.dryRun());
        log.info("event=gc_done execution={} dry_run={} {}", context.executionId(), params.dryRun(), tally);
    }

    /**
     * Harbor's summary lines. Berth collects online, deleting what it finds eligible as it goes, so
     * outside a dry run what was eligible is what was deleted; sizes in whole MiB, as Harbor prints.
     */
    private static void harborSummary(JobContext context, GcTally tally, boolean dryRun) {
        long mib = tally.bytes.get() / 1024 / 1024;
        context.log(tally.blobs + " blobs and " + tally.manifests + " manifests eligible for deletion");
        context.log("The GC could free up " + mib + " MB space, the size is a rough estimation.");
        if (!dryRun) {
            context.log(tally.blobs + " blobs and " + tally.manifests + " manifests are actually deleted");
            context.log("The GC job actual frees up " + mib + " MB space.");
        }
        context.log("success to run gc in job.");
    }

    /** Harbor's {@code time_window} in hours: the upload grace, within which nothing fresh is taken. */
    private long timeWindowHours() {
        return settings.uploadGrace().toHours();
    }

    /**
     * Reviews the manifests due at the cutoff, then again with a later cutoff while a pass deleted
     * any: deleting an index or a subject queues its children and accessories, which lost their last
     * reference during this run and are taken by it too, as Harbor deletes them with their parent.
     */
    private List<Long> collectManifests(JobContext context, GcTally tally, Instant cutoff, int workers)
            throws Exception {
        Set<Long> skip = ConcurrentHashMap.newKeySet();
        Instant passCutoff = cutoff;
        while (true) {
            long before = tally.manifests.get();
            Instant pass = passCutoff;
            // As many reviewers as for blobs: entries are claimed SKIP LOCKED, so they never meet.
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < workers; i++) {
                    running.add(pool.submit(() -> {
                        reviewManifests(context, tally, skip, pass);
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        // a stop request (or a failure) in a reviewer ends the run as it would alone
                        if (e.getCause() instanceof RuntimeException r) {
                            throw r;
                        }
                        throw e;
                    }
                }
            }
            if (tally.manifests.get() == before) {
                context.log("manifests: deleted " + tally.manifests + ", " + skip.size() + " busy left for later");
                return List.of();
            }
            passCutoff = clock.instant();
        }
    }

    private void reviewManifests(JobContext context, GcTally tally, Set<Long> skip, Instant cutoff) {
        while (true) {
            context.checkStop();
            ManifestCollector.Review review = manifests.reviewNext(skip, cutoff);
            switch (review.verdict()) {
                case NONE_DUE -> {
                    return;
                }
                case DELETED -> {
                    tally.manifests.incrementAndGet();
                    context.log("deleted manifest " + review.repository() + "@" + review.digest());
                }
                case KEPT -> tally.manifestsKept.incrementAndGet();
                case POSTPONED -> tally.manifestsPostponed.incrementAndGet();
                case BUSY -> {
                    tally.busy.incrementAndGet();
                    skip.add(review.manifestId());
                }
            }
        }
    }

    private List<Long> previewManifests(JobContext context, GcTally tally, Instant cutoff) {
        List<Long> ids = new ArrayList<>();
        for (ManifestCollector.Previewed m : manifests.preview(cutoff)) {
            switch (m.verdict()) {
                case KEPT -> tally.manifestsKept.incrementAndGet();
                case POSTPONED -> tally.manifestsPostponed.incrementAndGet();
                default -> ids.add(m.manifestId());
            }
        }
        tally.manifests.set(ids.size());
        context.log("dry run: " + ids.size() + " untagged manifests would be deleted");
        return ids;
    }

    private void previewBlobs(JobContext context, GcTally tally, List<Long> deletable, Instant cutoff) {
        for (BlobCollector.Previewed row : blobs.preview(deletable, cutoff)) {
            switch (row.verdict()) {
                case KEPT -> {
                    tally.kept.incrementAndGet();
                    tally.keptBytes.addAndGet(row.size());
                }
                case POSTPONED -> {
                    tally.postponed.incrementAndGet();
                    tally.postponedBytes.addAndGet(row.size());
                }
                default -> {
                    tally.blobs.incrementAndGet();
                    tally.bytes.addAndGet(row.size());
                }
            }
        }
        context.log("dry run: " + tally.blobs + " blobs (" + tally.bytes + " bytes) would be deleted");
        context.log("dry run, would be " + tally.keptSummary());
    }

    private void collectBlobs(JobContext context, GcTally tally, int workers, Instant cutoff) throws Exception {
        Set<String> skip = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                running.add(pool.submit(() -> {
                    reviewBlobs(context, tally, skip, cutoff);
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        context.checkStop();
        context.log("blobs: deleted " + tally.blobs + " (" + tally.bytes + " bytes), kept " + tally.kept
                + ", postponed " + tally.postponed + ", " + skip.size() + " busy left for later");
    }

    /** One worker: reviews due entries, a batch at a time, until none is left or a stop is asked. */
    private void reviewBlobs(JobContext context, GcTally tally, Set<String> skip, Instant cutoff) {
        while (!context.stopRequested() && !Thread.currentThread().isInterrupted()) {
            List<BlobCollector.Review> batch = blobs.reviewBatch(skip, cutoff, BATCH);
            if (batch.isEmpty()) {
                return;
            }
            Map<Digest, Boolean> bytes = new LinkedHashMap<>(); // digest -> whether its row was gone already
            for (BlobCollector.Review review : batch) {
                if (review.verdict() == BlobCollector.Verdict.DELETED) {
                    long n = tally.blobs.incrementAndGet();
                    if (n % PROGRESS_EVERY == 0) {
                        context.log("blobs deleted so far: " + n);
                    }
                }
                if (review.verdict() == BlobCollector.Verdict.DELETED
                        || review.verdict() == BlobCollector.Verdict.ROW_GONE) {
                    bytes.put(
                            Digest.parse(review.digest()).orElseThrow(),
                            review.verdict() == BlobCollector.Verdict.ROW_GONE);
                } else {
                    tallyKept(tally, skip, review);
                }
            }
            if (!bytes.isEmpty()) {
                blobs.deleteBytesUnlessRecorded(bytes.keySet(), false)
                        .forEach((digest, result) -> tallyBytes(context, tally, digest, bytes.get(digest), result));
            }
        }
    }

    private static void tallyKept(GcTally tally, Set<String> skip, BlobCollector.Review review) {
        switch (review.verdict()) {
            case KEPT -> {
                tally.kept.incrementAndGet();
                tally.keptBytes.addAndGet(review.size());
            }
            case POSTPONED -> {
                tally.postponed.incrementAndGet();
                tally.postponedBytes.addAndGet(review.size());
            }
            case BUSY -> {
                tally.busy.incrementAndGet();
                skip.add(review.digest());
            }
            default -> {
                // DELETED and ROW_GONE go on to their bytes; NONE_DUE is never in a batch
            }
        }
    }

    private static void tallyBytes(
            JobContext context, GcTally tally, Digest digest, boolean orphan, BlobCollector.BytesResult result) {
        switch (result.verdict()) {
            case DELETED -> {
                tally.bytes.addAndGet(result.size());
                if (orphan) {
                    tally.orphanFiles.incrementAndGet();
                }
            }
            case MISSING -> {
                if (!orphan) {
                    tally.missingBytes.incrementAndGet();
                    context.log("blob " + digest + " had a row but no bytes in storage");
                }
            }
            case RECORDED, WOULD_DELETE -> {
                // uploaded again since its row was deleted: the bytes belong to the new row
            }
            case HELD -> {
                // a backup is copying what its snapshot references: the next run's sweep takes them
                tally.held.incrementAndGet();
            }
        }
    }

    /** A dry run's count of the bytes without a row that the review queue names: a real run deletes them. */
    private void previewQueuedBytes(GcTally tally) {
        List<Digest> queued = blobs.queuedWithoutRow(clock.instant());
        for (int from = 0; from < queued.size(); from += BATCH) {
            blobs.deleteBytesUnlessRecorded(queued.subList(from, Math.min(queued.size(), from + BATCH)), true)
                    .forEach((digest, r) -> {
                        if (r.verdict() == BlobCollector.BytesVerdict.WOULD_DELETE) {
                            tally.orphanFiles.incrementAndGet();
                            tally.bytes.addAndGet(r.size());
                        }
                    });
        }
    }

    /**
     * Whether this run lists the whole store: asked for, never done, or last done longer ago than
     * {@code berth.gc.full-sweep-interval}; a dry run lists when a real run would.
     */
    private boolean fullSweepDue(GcParameters params, Instant cutoff) {
        if (params.fullSweep()) {
            return true;
        }
        return blobs.lastFullSweep()
                .map(last -> !last.plus(settings.fullSweepInterval()).isAfter(cutoff))
                .orElse(true);
    }

    /** Adds the digests of {@code page} that no row records to {@code unrecorded}, and empties the page. */
    private void unrecordedOf(List<Digest> page, List<Digest> unrecorded) {
        if (page.isEmpty()) {
            return;
        }
        Set<Digest> recorded = blobs.recorded(page);
        page.stream().filter(d -> !recorded.contains(d)).forEach(unrecorded::add);
        page.clear();
    }

    /** Bytes whose row is gone are deleted; rows whose bytes are gone are reported. */
    private void sweep(JobContext context, GcTally tally, boolean dryRun) throws Exception {
        List<Digest> unrecorded = new ArrayList<>();
        List<Digest> page = new ArrayList<>();
        lister.forEachBlob(digest -> {
            page.add(digest);
            if (page.size() == SWEEP_PAGE) {
                unrecordedOf(page, unrecorded);
            }
        });
        unrecordedOf(page, unrecorded);
        for (int from = 0; from < unrecorded.size(); from += BATCH) {
            context.checkStop();
            List<Digest> batch = unrecorded.subList(from, Math.min(unrecorded.size(), from + BATCH));
            blobs.deleteBytesUnlessRecorded(batch, dryRun).forEach((digest, r) -> {
                if (r.verdict() == BlobCollector.BytesVerdict.WOULD_DELETE) {
                    tally.orphanFiles.incrementAndGet();
                    tally.bytes.addAndGet(r.size());
                } else if (!dryRun) {
                    long before = tally.orphanFiles.get();
                    tallyBytes(context, tally, digest, true, r);
                    if (tally.orphanFiles.get() > before) {
                        context.log("deleted bytes without a row: " + digest);
                    }
                }
            });
        }
        String after = "";
        List<BlobCollector.BlobRow> rows;
        do {
            context.checkStop();
            rows = blobs.rowsAfter(after, SWEEP_PAGE);
            List<Digest> withoutBytes = blobs.withoutBytes(
                    rows.stream().map(BlobCollector.BlobRow::digest).toList());
            // Re-checked after the row: bytes are placed before a row exists and deleted after it is gone.
            Set<Digest> stillRecorded = withoutBytes.isEmpty() ? Set.of() : blobs.recorded(withoutBytes);
            for (Digest digest : withoutBytes) {
                if (stillRecorded.contains(digest) && !blobs.hasBytes(digest)) {
                    tally.missingBytes.incrementAndGet();
                    context.log("blob " + digest + " has a row but no bytes in storage");
                }
            }
            if (!rows.isEmpty()) {
                after = rows.getLast().digest().toString();
            }
        } while (rows.size() == SWEEP_PAGE);
        context.log("sweep: " + tally.orphanFiles + " files without a row" + (dryRun ? " found" : " deleted") + ", "
                + tally.missingBytes + " rows without bytes");
    }
}
