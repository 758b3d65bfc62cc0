package dev.berth.system;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v2.0/health}: Harbor's component health ({@link SystemHealth}). As in Harbor, the
 * answer is 200 either way: the body says.
 */
@RestController
class HealthController {
    private final SystemHealth health;

    HealthController(SystemHealth health) {
        this.health = health;
    }

    @GetMapping("/api/v2.0/health")
    SystemHealth.Overall health() {
        return health.check();
    }
}
