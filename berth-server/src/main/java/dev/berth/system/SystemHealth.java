package dev.berth.system;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.cache.CacheInvalidations;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The components Berth depends on, each really asked: the database and the blob store, and Redis
 * when configured. The overall status is "healthy" when every component is, "unhealthy" when the
 * database or the blob store is not (nothing works without them), and "degraded" when only Redis is
 * down (Berth then serves as a single node would, with caches expiring on their own) or an {@link
 * ExtraHealth} component is not healthy.
 */
@Component
class SystemHealth {
    static final String HEALTHY = "healthy";

    private final DatabaseHealth database;
    private final StorageHealth storage;
    private final CacheInvalidations invalidations;
    private final List<ExtraHealth> extras;

    SystemHealth(
            DatabaseHealth database,
            StorageHealth storage,
            CacheInvalidations invalidations,
            List<ExtraHealth> extras) {
        this.database = database;
        this.storage = storage;
        this.invalidations = invalidations;
        this.extras = extras;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Component(String name, String status, String error) {
        static Component healthy(String name) {
            return new Component(name, HEALTHY, null);
        }

        static Component unhealthy(String name, String error) {
            return new Component(name, "unhealthy", error);
        }

        boolean isHealthy() {
            return status.equals(HEALTHY);
        }
    }

    record Overall(String status, List<Component> components) {}

    Overall check() {
        List<Component> components = new ArrayList<>();
        components.add(Component.healthy("core"));
        Component db = database.problem()
                .map(p -> Component.unhealthy("database", p))
                .orElseGet(() -> Component.healthy("database"));
        components.add(db);
        Component blobs = storage.problem()
                .map(p -> Component.unhealthy("storage", p))
                .orElseGet(() -> Component.healthy("storage"));
        components.add(blobs);
        invalidations
                .status()
                .ifPresent(s -> components.add(s.error()
                        .map(e -> Component.unhealthy(s.name(), e))
                        .orElseGet(() -> Component.healthy(s.name()))));
        for (ExtraHealth extra : extras) {
            extra.health()
                    .forEach(s -> components.add(s.problem()
                            .map(p -> Component.unhealthy(s.name(), p))
                            .orElseGet(() -> Component.healthy(s.name()))));
        }
        String overall;
        if (!db.isHealthy() || !blobs.isHealthy()) {
            overall = "unhealthy";
        } else if (components.stream().allMatch(Component::isHealthy)) {
            overall = HEALTHY;
        } else {
            overall = "degraded";
        }
        return new Overall(overall, List.copyOf(components));
    }
}
