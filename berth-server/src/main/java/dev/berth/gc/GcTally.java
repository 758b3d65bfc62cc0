package dev.berth.gc;

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
    final AtomicLong kept = new AtomicLong();
    final AtomicLong postponed = new AtomicLong();
    final AtomicLong busy = new AtomicLong();
    /** Bytes left in place because a backup held deletions; the next run's sweep removes them. */
    final AtomicLong held = new AtomicLong();

    Map<String, Object> attributes() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("purged_manifests", manifests.get());
        map.put("purged_blobs", blobs.get());
        map.put("freed_space", bytes.get());
        map.put("purged_orphan_files", orphanFiles.get());
        map.put("blobs_missing_bytes", missingBytes.get());
        map.put("bytes_held_for_backup", held.get());
        return map;
    }

    @Override
    public String toString() {
        return "manifests=" + manifests + " blobs=" + blobs + " bytes=" + bytes + " orphan_files=" + orphanFiles
                + " missing_bytes=" + missingBytes + " kept=" + kept + " postponed=" + postponed + " busy=" + busy
                + " held_for_backup=" + held;
    }
}
