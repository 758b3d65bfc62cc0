package dev.berth.robot;

import dev.berth.iam.Action;
import dev.berth.iam.PermissionTable;
import dev.berth.iam.PermissionTable.Scope;
import dev.berth.iam.Resource;
import java.util.List;

/**
 * What a robot account may be granted, and nothing else: the rules of {@link PermissionTable} marked
 * robot-assignable (Harbor's {@code PoliciesMap} for the system and project scopes plus the extras
 * of its {@code NolimitProvider}), in Harbor's order. Anything else is refused when a robot is
 * created or updated, which is what keeps a robot from being handed powers no robot should have.
 */
public final class AssignablePermissions {
    /** One resource and action, as {@code GET /api/v2.0/permissions} lists them. */
    public record Permission(Resource resource, Action action) {}

    public static final List<Permission> SYSTEM = of(Scope.SYSTEM);
    public static final List<Permission> PROJECT = of(Scope.PROJECT);

    private AssignablePermissions() {}

    /** Whether {@code resource:action} may be granted in a permission of this kind ("system" or "project"). */
    public static boolean assignable(String kind, Resource resource, Action action) {
        return switch (kind) {
            case "system" -> PermissionTable.robotAssignable(Scope.SYSTEM, resource, action);
            case "project" -> PermissionTable.robotAssignable(Scope.PROJECT, resource, action);
            default -> false;
        };
    }

    private static List<Permission> of(Scope scope) {
        return PermissionTable.robotAssignable(scope).stream()
                .map(r -> new Permission(r.resource(), r.action()))
                .toList();
    }
}
