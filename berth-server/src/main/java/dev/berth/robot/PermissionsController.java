package dev.berth.robot;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectRole;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v2.0/permissions}: what may be granted to robot accounts, for the people who
 * create them. As in Harbor, system administrators see both lists, project administrators only the
 * project list, and everyone else (robots included) is refused.
 */
@RestController
class PermissionsController {
    private final RobotStore store;

    PermissionsController(RobotStore store) {
        this.store = store;
    }

    @GetMapping("/api/v2.0/permissions")
    Map<String, Object> permissions(HttpServletRequest request) {
        Principal caller = Callers.authenticated(request);
        boolean sysadmin = caller.isSysadmin();
        boolean projectAdmin = !sysadmin
                && caller instanceof Principal.User u
                && store.holdsRoleSomewhere(u.id(), ProjectRole.PROJECT_ADMIN.id());
        if (!sysadmin && !projectAdmin) {
            throw ApiException.forbidden("only system and project administrators may read the permission lists");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (sysadmin) {
            body.put("system", render(AssignablePermissions.SYSTEM));
        }
        body.put("project", render(AssignablePermissions.PROJECT));
        return body;
    }

    /** Harbor's {@code Permission}. */
    record View(String resource, String action) {}

    private static List<View> render(List<AssignablePermissions.Permission> permissions) {
        return permissions.stream()
                .map(p -> new View(p.resource().wire(), p.action().wire()))
                .toList();
    }
}
