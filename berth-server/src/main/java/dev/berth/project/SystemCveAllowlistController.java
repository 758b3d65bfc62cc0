package dev.berth.project;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's system CVE allowlist, {@code /api/v2.0/system/CVEAllowlist}: any signed-in caller reads
 * it; changing it takes the system {@code configuration} update permission (administrators), as in
 * Harbor. Projects with {@code reuse_sys_cve_allowlist} use it instead of their own.
 */
@RestController
@RequestMapping("/api/v2.0/system/CVEAllowlist")
class SystemCveAllowlistController {
    private final CveAllowlists allowlists;
    private final Authorizer authorizer;

    SystemCveAllowlistController(CveAllowlists allowlists, Authorizer authorizer) {
        this.allowlists = allowlists;
        this.authorizer = authorizer;
    }

    @GetMapping
    CveAllowlists.View get(HttpServletRequest request) {
        Callers.authenticated(request);
        return CveAllowlists.view(allowlists.system());
    }

    @PutMapping
    ResponseEntity<Void> put(
            HttpServletRequest request, @RequestBody(required = false) java.util.Map<String, Object> body) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.CONFIGURATION, Action.UPDATE)) {
            throw Callers.denied(caller);
        }
        CveAllowlists.Parsed parsed = CveAllowlists.parse(body == null ? java.util.Map.of() : body)
                .orElseThrow(() -> ApiException.badRequest("a body is required"));
        allowlists.setSystem(parsed.expiresAt(), parsed.items());
        return ResponseEntity.ok().build();
    }
}
