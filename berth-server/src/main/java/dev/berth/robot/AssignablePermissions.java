package dev.berth.robot;

import static dev.berth.iam.Resource.*;

import dev.berth.iam.Action;
import dev.berth.iam.Resource;
import java.util.Arrays;
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

    public static final List<Permission> SYSTEM = flatten(
            grant(AUDIT_LOG, "list"),
            grant(PREHEAT_INSTANCE, "read create delete list update"),
            grant(Resource.PROJECT, "list create"),
            grant(REPLICATION_POLICY, "read create delete list update"),
            grant(REPLICATION, "read create list"),
            grant(REPLICATION_ADAPTER, "list"),
            grant(REGISTRY, "read create delete list update"),
            grant(SCAN_ALL, "read update stop create"),
            grant(SYSTEM_VOLUMES, "read"),
            grant(GARBAGE_COLLECTION, "read create list update stop"),
            grant(PURGE_AUDIT, "read create list update stop"),
            grant(JOBSERVICE_MONITOR, "list stop"),
            grant(SCANNER, "read create delete list update"),
            grant(LABEL, "read create delete update"),
            grant(SECURITY_HUB, "read list"),
            grant(CATALOG, "read"),
            grant(QUOTA, "read list"),
            // NolimitProvider
            grant(ROBOT, "create read list delete"),
            grant(USER, "create read update list delete"),
            grant(LDAP_USER, "create list"),
            grant(QUOTA, "update"),
            grant(USER_GROUP, "create read update list delete"));

    public static final List<Permission> PROJECT = flatten(
            grant(LOG, "list"),
            grant(Resource.PROJECT, "read delete update"),
            grant(METADATA, "read create delete list update"),
            grant(REPOSITORY, "read update delete list pull push"),
            grant(ARTIFACT, "read create list delete"),
            grant(SCAN, "create read stop"),
            grant(SBOM, "create stop read"),
            grant(TAG, "create list delete"),
            grant(ACCESSORY, "list"),
            grant(ARTIFACT_ADDITION, "read"),
            grant(ARTIFACT_LABEL, "create delete"),
            grant(SCANNER, "create read"),
            grant(PREHEAT_POLICY, "read create delete list update"),
            grant(IMMUTABLE_TAG, "create delete list update"),
            grant(NOTIFICATION_POLICY, "read create delete list update"),
            grant(TAG_RETENTION, "read create delete list update"),
            grant(LABEL, "read create delete list update"),
            grant(QUOTA, "read"),
            // NolimitProvider
            grant(ROBOT, "create read list delete"),
            grant(EXPORT_CVE, "create read"),
            grant(MEMBER, "create read update list delete"));

    private AssignablePermissions() {}

    /** Whether {@code resource:action} may be granted in a permission of this kind ("system" or "project"). */
    public static boolean assignable(String kind, Resource resource, Action action) {
        List<Permission> scope = switch (kind) {
            case "system" -> SYSTEM;
            case "project" -> PROJECT;
            default -> List.of();
        };
        return scope.contains(new Permission(resource, action));
    }

    /** One resource with the actions named in {@code actions}, separated by spaces. */
    private static List<Permission> grant(Resource resource, String actions) {
        return Arrays.stream(actions.split(" "))
                .map(a -> new Permission(resource, Action.of(a).orElseThrow()))
                .toList();
    }

    @SafeVarargs
    private static List<Permission> flatten(List<Permission>... groups) {
        return Arrays.stream(groups).flatMap(List::stream).toList();
    }
}
