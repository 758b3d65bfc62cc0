package dev.berth.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Refreshes every {@link GaugeSource} on one background thread, so that scrapes read memory and a
 * Prometheus scraping every few seconds never runs a count over a large table each time.
 */
@Component
@ConditionalOnProperty(name = "berth.metrics.enabled", havingValue = "true")
class GaugeRefresher {
    private static final Logger log = LoggerFactory.getLogger(GaugeRefresher.class);

    private final List<GaugeSource> sources;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "berth-metrics-refresh");
        t.setDaemon(true);
        return t;
    });

    GaugeRefresher(
            List<GaugeSource> sources,
            MeterRegistry registry,
            @Value("${berth.metrics.refresh-interval:30s}") Duration interval) {
        this.sources = sources;
        this.interval = interval;
        sources.forEach(s -> s.bind(registry));
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer.scheduleWithFixedDelay(this::refreshAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refreshAll() {
        for (GaugeSource source : sources) {
            try {
                source.refresh();
            } catch (RuntimeException e) {
                log.warn(
                        "event=metrics_refresh_failed source={} reason=\"{}\"",
                        source.getClass().getSimpleName(),
                        e.toString());
            }
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
