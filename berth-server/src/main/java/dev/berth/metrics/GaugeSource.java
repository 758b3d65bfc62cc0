package dev.berth.metrics;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Series computed from the database. {@link #bind} is called once at start-up, then {@link #refresh}
 * every refresh interval on one background thread; implementations keep the values in memory.
 */
public interface GaugeSource {
    void bind(MeterRegistry registry);

    /** Reads the current values; an exception is logged and the previous values stay. */
    void refresh();
}
