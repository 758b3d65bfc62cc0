package dev.berth.scan.osv;

import dev.berth.metrics.GaugeSource;
import dev.berth.metrics.SeriesFamily;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The OSV database's age per archive ({@code berth_vulnerability_database_age_seconds}) and its
 * advisories ({@code berth_vulnerability_database_advisories}), so that an alert can fire when
 * updates stop.
 */
@Component
@ConditionalOnProperty(name = "berth.metrics.enabled", havingValue = "true")
class OsvMetrics implements GaugeSource {
    private final OsvDatabase database;
    private final Clock clock;
    private SeriesFamily age;
    private SeriesFamily advisories;

    OsvMetrics(OsvDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public void bind(MeterRegistry registry) {
        age = new SeriesFamily(
                registry,
                "berth_vulnerability_database_age_seconds",
                "Seconds since an archive of the built-in scanner's OSV database was last loaded",
                "archive");
        advisories = new SeriesFamily(
                registry,
                "berth_vulnerability_database_advisories",
                "Advisories in an archive of the built-in scanner's OSV database",
                "archive");
    }

    @Override
    public void refresh() {
        Map<List<String>, Long> ages = new HashMap<>();
        Map<List<String>, Long> counts = new HashMap<>();
        for (OsvRecords.Archive a : database.status().archives()) {
            a.loadedAt()
                    .ifPresent(t -> ages.put(
                            List.of(a.name()),
                            Duration.between(t, clock.instant()).toSeconds()));
            counts.put(List.of(a.name()), (long) a.advisories());
        }
        age.set(ages);
        advisories.set(counts);
    }
}
