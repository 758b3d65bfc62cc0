package dev.berth.gc;

import dev.berth.job.Execution;
import dev.berth.job.Executions;
import dev.berth.job.TaskStatus;
import dev.berth.metrics.GaugeSource;
import dev.berth.metrics.SeriesFamily;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The results of the last successful garbage collection that was not a dry run, as recorded with
 * its execution (so every replica reports the same run, whichever one ran it).
 */
@Component
@ConditionalOnProperty(name = "berth.metrics.enabled", havingValue = "true")
class GcMetrics implements GaugeSource {
    private static final int LOOK_BACK = 20;

    private final Executions executions;
    private SeriesFamily finishedAt;
    private SeriesFamily freed;
    private SeriesFamily blobs;
    private SeriesFamily manifests;
    private SeriesFamily runs;

    GcMetrics(Executions executions) {
        this.executions = executions;
    }

    @Override
    public void bind(MeterRegistry registry) {
        finishedAt = new SeriesFamily(
                registry, "berth_gc_last_success_timestamp_seconds", "When the last garbage collection finished");
        freed = new SeriesFamily(registry, "berth_gc_last_freed_bytes", "Bytes the last garbage collection freed");
        blobs = new SeriesFamily(registry, "berth_gc_last_deleted_blobs", "Blobs the last garbage collection deleted");
        manifests = new SeriesFamily(
                registry, "berth_gc_last_deleted_manifests", "Manifests the last garbage collection deleted");
        runs = new SeriesFamily(registry, "berth_gc_runs_total", "Garbage collections in history");
    }

    @Override
    public void refresh() {
        runs.set(executions.count(GarbageCollection.NAME));
        Optional<Execution> last = executions.executions(GarbageCollection.NAME, 0, LOOK_BACK).stream()
                .filter(e -> e.status() == TaskStatus.SUCCESS && e.endTime().isPresent())
                .filter(e -> !"true".equals(String.valueOf(e.extraAttrs().get("dry_run"))))
                .filter(e -> e.extraAttrs().containsKey("freed_space"))
                .findFirst();
        if (last.isEmpty()) {
            return;
        }
        Map<String, Object> attrs = last.get().extraAttrs();
        finishedAt.set(last.get().endTime().get().getEpochSecond());
        freed.set(number(attrs.get("freed_space")));
        blobs.set(number(attrs.get("purged_blobs")));
        manifests.set(number(attrs.get("purged_manifests")));
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
