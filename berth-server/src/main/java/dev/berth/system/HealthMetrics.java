package dev.berth.system;

import dev.berth.metrics.GaugeSource;
import dev.berth.metrics.SeriesFamily;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Harbor exporter's {@code harbor_health} (1 healthy, 0 not; Berth also reports 0 when degraded)
 * and {@code harbor_up{component}}, from the same checks as {@code /api/v2.0/health}.
 */
@Component
@ConditionalOnProperty(name = "berth.metrics.enabled", havingValue = "true")
class HealthMetrics implements GaugeSource {
    private final SystemHealth health;
    private SeriesFamily overall;
    private SeriesFamily up;

    HealthMetrics(SystemHealth health) {
        this.health = health;
    }

    @Override
    public void bind(MeterRegistry registry) {
        overall = new SeriesFamily(registry, "harbor_health", "1 when every component is healthy");
        up = new SeriesFamily(registry, "harbor_up", "1 when the component is healthy", "component");
    }

    @Override
    public void refresh() {
        SystemHealth.Overall now = health.check();
        overall.set(now.status().equals(SystemHealth.HEALTHY) ? 1 : 0);
        Map<List<String>, Integer> components = new HashMap<>();
        now.components().forEach(c -> components.put(List.of(c.name()), c.isHealthy() ? 1 : 0));
        up.set(components);
    }
}
