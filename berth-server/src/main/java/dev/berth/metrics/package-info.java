/**
 * Plumbing for Prometheus series whose values come from the database: a {@link GaugeSource} in a
 * feature package reads its numbers in one query now and then ({@link GaugeRefresher}, every
 * {@code berth.metrics.refresh-interval}) and publishes them through {@link SeriesFamily}; a scrape
 * only reads memory. Present only when {@code berth.metrics.enabled=true}.
 */
package dev.berth.metrics;
