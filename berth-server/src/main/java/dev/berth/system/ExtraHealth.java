package dev.berth.system;

import java.util.List;
import java.util.Optional;

/**
 * Components outside the core that Harbor's health API ({@code GET /api/v2.0/health}) also lists,
 * as Harbor lists the Trivy adapter it installs. One that is not healthy makes the overall status
 * "degraded", never "unhealthy": Berth serves without it.
 */
public interface ExtraHealth {
    /**
     * A component's state.
     *
     * @param problem empty when healthy, else what to tell anyone (the API answers anonymous
     *     callers: never hosts, users or secrets)
     */
    record State(String name, Optional<String> problem) {}

    List<State> health();
}
