package dev.berth.gc;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What one GC run did, counted by parallel workers; recorded with the execution in Harbor's names. */
final class GcTally {
    final AtomicLong manifests = new AtomicLong();
    final AtomicLong blobs = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong orphanFiles = new AtomicLong();
    final AtomicLong missingBytes = new AtomicLong();
    /** Blobs reviewed and kept because a manifest still references them, and their bytes. */
    final AtomicLong kept = new AtomicLong();

    final AtomicLong keptBytes = new AtomicLong();
    /** Blobs kept because a repository link to them is younger than the upload grace, and their bytes. */
    final AtomicLong postponed = new AtomicLong();

    final AtomicLong postponedBytes = new AtomicLong();
    /** Manifests reviewed and kept because a tag, an index or a live subject keeps them. */
    final AtomicLong manifestsKept = new AtomicLong();
    /** Manifests nothing keeps but pushed within the upload grace. */
    final AtomicLong manifestsPostponed = new AtomicLong();
    /** Entries locked by a push at the moment of review: left queued for the next run. */
    final AtomicLong busy = new AtomicLong();
    /** Bytes left in place because a backup held deletions; the next run's sweep removes them. */
    final AtomicLong held = new AtomicLong();

    /** Whether this run listed the whole store (and checked every row's bytes). */
    volatile boolean fullSweep;

    private final Instant cutoff;
    private final Duration grace;

    GcTally(Instant cutoff, Duration grace) {
        this.cutoff = cutoff;
        this.grace = grace;
    }

    Map<String, Object> attributes() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("purged_manifests", manifests.get());
        map.put("purged_blobs", blobs.get());
        map.put("freed_space", bytes.get());
        map.put("purged_orphan_files", orphanFiles.get());
        map.put("blobs_missing_bytes", missingBytes.get());
        map.put("bytes_held_for_backup", held.get());
        map.put("full_sweep", fullSweep);
        map.put("reclaimed_before", cutoff.toString());
        map.put("time_window_minutes", grace.toMinutes());
        map.put("kept_blobs_referenced", kept.get());
        map.put("kept_blobs_referenced_bytes", keptBytes.get());
        map.put("kept_blobs_in_time_window", postponed.get());
        map.put("kept_blobs_in_time_window_bytes", postponedBytes.get());
        map.put("kept_manifests_referenced", manifestsKept.get());
        map.put("kept_manifests_in_time_window", manifestsPostponed.get());
        map.put("left_busy", busy.get());
        return map;
    }

    /** The log's account of what was kept and why. */
    String keptSummary() {
        return "kept: " + kept + " blobs (" + keptBytes + " bytes) still referenced by a manifest; " + postponed
                + " blobs (" + postponedBytes + " bytes) uploaded or mounted within the " + grace.toMinutes()
                + "-minute time window (reviewed again when it has passed); " + manifestsKept
                + " manifests kept by a tag, an index or their subject; " + manifestsPostponed
                + " untagged manifests pushed within the time window; " + busy
                + " entries locked by a concurrent push, left for the next run";
    }

    @Override
    public String toString() {
        return "manifests=" + manifests + " blobs=" + blobs + " bytes=" + bytes + " orphan_files=" + orphanFiles
                + " missing_bytes=" + missingBytes + " kept=" + kept + " kept_bytes=" + keptBytes + " postponed="
                + postponed + " postponed_bytes=" + postponedBytes + " manifests_kept=" + manifestsKept
                + " manifests_postponed=" + manifestsPostponed + " busy=" + busy + " held_for_backup=" + held
                + " full_sweep=" + fullSweep;
    }
}
