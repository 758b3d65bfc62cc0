package dev.berth.system;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.cache.CacheInvalidations;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v2.0/health}: Harbor's component health. The database and the blob store are
 * really asked; Redis is listed when configured. The overall status is "healthy" when every
 * component is, "unhealthy" when the database or the blob store is not (nothing works without
 * them), and "degraded" when only Redis is down:
 * Berth then serves as a single node would, with caches expiring on their own. As in Harbor, the
 * answer is 200 either way: the body says.
 */
@RestController
class HealthController {
    private static final String HEALTHY = "healthy";

    private final DatabaseHealth database;
    private final StorageHealth storage;
    private final CacheInvalidations invalidations;

    HealthController(DatabaseHealth database, StorageHealth storage, CacheInvalidations invalidations) {
        this.database = database;
        this.storage = storage;
        this.invalidations = invalidations;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Component(String name, String status, String error) {
        static Component healthy(String name) {
            return new Component(name, HEALTHY, null);
        }

        static Component unhealthy(String name, String error) {
            return new Component(name, "unhealthy", error);
        }
    }

    record Overall(String status, List<Component> components) {}

    @GetMapping("/api/v2.0/health")
    Overall health() {
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
        String overall;
        if (!db.status().equals(HEALTHY) || !blobs.status().equals(HEALTHY)) {
            overall = "unhealthy";
        } else if (components.stream().allMatch(c -> c.status().equals(HEALTHY))) {
            overall = HEALTHY;
        } else {
            overall = "degraded";
        }
        return new Overall(overall, components);
    }
}
