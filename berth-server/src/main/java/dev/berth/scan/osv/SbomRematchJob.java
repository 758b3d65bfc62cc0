package dev.berth.scan.osv;

import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Re-matches, after a change of the OSV database, the artifacts whose indexed packages the change
 * concerns ({@code SBOM_REMATCH}; queued by {@link SbomIndex}): their built-in reports are derived
 * again from the package index, no layer read. A job rather than the loader's thread, so an import
 * answers once the database is loaded, the work survives a restart, and its progress, log and
 * stop are the job service's. Idempotent: running it twice replaces the same reports twice. The
 * artifacts are re-matched {@link SbomRematcher#BATCH} at a time, each batch one transaction; a
 * stop takes effect between batches, progress is written after each.
 */
@Component
class SbomRematchJob implements JobKind {
    static final String NAME = "SBOM_REMATCH";
    private final SbomRematcher rematcher;

    SbomRematchJob(SbomRematcher rematcher) {
        this.rematcher = rematcher;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(6);
    }

    @Override
    public void run(JobContext context) {
        List<Long> manifests = new ArrayList<>();
        context.parameters().path("manifest_ids").forEach(id -> manifests.add(id.asLong()));
        context.log("re-matching " + manifests.size() + " artifacts concerned by "
                + context.parameters().path("packages").asInt() + " changed packages");
        long started = System.nanoTime();
        int replaced = 0;
        for (int from = 0; from < manifests.size(); from += SbomRematcher.BATCH) {
            context.checkStop();
            int to = Math.min(manifests.size(), from + SbomRematcher.BATCH);
            replaced += rematcher.rematch(manifests.subList(from, to));
            context.progress(to * 100 / manifests.size());
        }
        context.progress(100);
        context.log(replaced + " built-in reports replaced in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }
}
