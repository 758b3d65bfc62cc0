package dev.berth.robot;

import static dev.berth.iam.Resource.*;

import dev.berth.iam.Action;
import dev.berth.iam.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * What a robot account may be granted, and nothing else: Harbor's {@code PoliciesMap} for the
 * system and project scopes plus the extras of its {@code NolimitProvider} (robot, user, member
 * management), in Harbor's order. Anything outside these lists is refused when a robot is created
 * or updated, which is what keeps a robot from being handed powers no robot should have.
 */
public final class AssignablePermissions {
    /** One resource and action, as {@code GET /api/v2.0/permissions} lists them. */
    public record Permission(Resource resource, Action action) {}

    public static final List<Permission> SYSTEM = list(
            AUDIT_LOG, "list",
            PREHEAT_INSTANCE, "read create delete list update",
            Resource.PROJECT, "list create",
            REPLICATION_POLICY, "read create delete list update",
            REPLICATION, "read create list",
            REPLICATION_ADAPTER, "list",
            REGISTRY, "read create delete list update",
            SCAN_ALL, "read update stop create",
            SYSTEM_VOLUMES, "read",
            GARBAGE_COLLECTION, "read create list update stop",
            PURGE_AUDIT, "read create list update stop",
            JOBSERVICE_MONITOR, "list stop",
            SCANNER, "read create delete list update",
            LABEL, "read create delete update",
            SECURITY_HUB, "read list",
            CATALOG, "read",
            QUOTA, "read list",
            // NolimitProvider
            ROBOT, "create read list delete",
            USER, "create read update list delete",
            LDAP_USER, "create list",
            QUOTA, "update",
            USER_GROUP, "create read update list delete");

    public static final List<Permission> PROJECT = list(
            LOG, "list",
            Resource.PROJECT, "read delete update",
            METADATA, "read create delete list update",
            REPOSITORY, "read update delete list pull push",
            ARTIFACT, "read create list delete",
            SCAN, "create read stop",
            SBOM, "create stop read",
            TAG, "create list delete",
            ACCESSORY, "list",
            ARTIFACT_ADDITION, "read",
            ARTIFACT_LABEL, "create delete",
            SCANNER, "create read",
            PREHEAT_POLICY, "read create delete list update",
            IMMUTABLE_TAG, "create delete list update",
            NOTIFICATION_POLICY, "read create delete list update",
            TAG_RETENTION, "read create delete list update",
            LABEL, "read create delete list update",
            QUOTA, "read",
            // NolimitProvider
            ROBOT, "create read list delete",
            EXPORT_CVE, "create read",
            MEMBER, "create read update list delete");

    private AssignablePermissions() {}

    /** Whether {@code resource:action} may be granted in a permission of this kind ("system" or "project"). */
    public static boolean assignable(String kind, Resource resource, Action action) {
        List<Permission> scope =
                switch (kind) {
                    case "system" -> SYSTEM;
                    case "project" -> PROJECT;
                    default -> List.of();
                };
        return scope.contains(new Permission(resource, action));
    }

    private static List<Permission> list(Object... resourceThenActions) {
        List<Permission> out = new ArrayList<>();
        for (int i = 0; i < resourceThenActions.length; i += 2) {
            Resource resource = (Resource) resourceThenActions[i];
            for (String action : ((String) resourceThenActions[i + 1]).split(" ")) {
                out.add(new Permission(resource, Action.of(action).orElseThrow()));
            }
        }
        return List.copyOf(out);
    }
}
