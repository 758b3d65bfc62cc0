package dev.berth.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One metric name with a label set per series, whose series are replaced as a whole at each refresh:
 * new label values appear, vanished ones (a deleted project) are removed. Names ending in
 * {@code _total} are published as counters, because the Prometheus client refuses gauges with that
 * suffix and Harbor's names (e.g. {@code harbor_project_total}) must stay as they are.
 */
public final class SeriesFamily {
    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final List<String> labels;
    private final boolean counter;
    private final Map<List<String>, Series> series = new HashMap<>();

    private static final class Series {
        volatile double value;
        Meter meter;
    }

    /** @param name the Prometheus name, e.g. {@code harbor_project_quota_usage_byte} */
    public SeriesFamily(MeterRegistry registry, String name, String description, String... labels) {
        this.registry = registry;
        this.counter = name.endsWith("_total");
        // Micrometer adds "_total" to counters itself and turns dots into underscores.
        String base = counter ? name.substring(0, name.length() - "_total".length()) : name;
        this.name = base.replace('_', '.');
        this.description = description;
        this.labels = List.of(labels);
    }

    /** Replaces every series: {@code values} maps label values (in the declared order) to the value. */
    public synchronized void set(Map<List<String>, ? extends Number> values) {
        for (Map.Entry<List<String>, ? extends Number> e : values.entrySet()) {
            Series s = series.computeIfAbsent(List.copyOf(e.getKey()), this::register);
            s.value = e.getValue().doubleValue();
        }
        Set<List<String>> keep = values.keySet();
        for (List<String> gone : new ArrayList<>(series.keySet())) {
            if (!keep.contains(gone)) {
                registry.remove(series.remove(gone).meter);
            }
        }
    }

    /** For a family without labels. */
    public void set(Number value) {
        set(Map.of(List.of(), value));
    }

    private Series register(List<String> labelValues) {
        if (labelValues.size() != labels.size()) {
            throw new IllegalArgumentException(name + " takes labels " + labels + ", got " + labelValues);
        }
        Tags tags = Tags.empty();
        for (int i = 0; i < labels.size(); i++) {
            tags = tags.and(labels.get(i), labelValues.get(i));
        }
        Series s = new Series();
        s.meter = counter
                ? FunctionCounter.builder(name, s, x -> x.value)
                        .description(description)
                        .tags(tags)
                        .register(registry)
                : Gauge.builder(name, s, x -> x.value)
                        .description(description)
                        .tags(tags)
                        .strongReference(true)
                        .register(registry);
        return s;
    }
}
