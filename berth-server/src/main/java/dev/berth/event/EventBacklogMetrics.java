package dev.berth.event;

import dev.berth.metrics.GaugeSource;
import dev.berth.metrics.SeriesFamily;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Per consumer, cluster-wide: events not yet read, and events read and skipped since it began. */
@Component
@ConditionalOnProperty(name = "berth.metrics.enabled", havingValue = "true")
class EventBacklogMetrics implements GaugeSource {
    private final EventRecords records;
    private SeriesFamily behind;
    private SeriesFamily skipped;

    EventBacklogMetrics(EventRecords records) {
        this.records = records;
    }

    @Override
    public void bind(MeterRegistry registry) {
        behind = new SeriesFamily(
                registry, "berth_event_consumer_backlog", "Events past a consumer's checkpoint", "consumer");
        skipped = new SeriesFamily(
                registry,
                "berth_event_consumer_skipped_total",
                "Events a consumer failed on repeatedly and passed by",
                "consumer");
    }

    @Override
    public void refresh() {
        Map<List<String>, Long> backlog = new HashMap<>();
        Map<List<String>, Long> skips = new HashMap<>();
        for (EventRecords.Backlog b : records.backlogs()) {
            backlog.put(List.of(b.consumer()), b.behind());
            skips.put(List.of(b.consumer()), b.skipped());
        }
        behind.set(backlog);
        skipped.set(skips);
    }
}
