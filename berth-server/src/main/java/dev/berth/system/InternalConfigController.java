package dev.berth.system;

import dev.berth.api.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's {@code GET /internalconfig} serves the configuration to Harbor's own components (the
 * registry controller, the job service), which call it with the core's internal secret; every other
 * caller gets 401. Berth is one process with no such components, so every caller gets that answer.
 */
@RestController
class InternalConfigController {
    @GetMapping("/api/v2.0/internalconfig")
    void internalConfig() {
        throw ApiException.unauthorized("only internal service is allowed to call this API");
    }
}
