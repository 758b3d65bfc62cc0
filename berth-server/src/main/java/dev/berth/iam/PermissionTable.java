package dev.berth.iam;

import static dev.berth.iam.Resource.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Harbor's permission matrix, once: for every resource and action of the project and system scopes,
 * which project roles hold it, whether anyone may do it in a public project, whether a robot
 * account may be granted it, and whether {@code GET /users/current/permissions} lists it. Role
 * grants ({@link ProjectRole#permits}), public-project access ({@link Authorizer}), the robot
 * permissions {@code /permissions} offers and robots may be given, and the current user's
 * permission list all read this table.
 *
 * <p>Its sources in Harbor v2.14: {@code src/common/rbac/project/rbac_role.go} (roles), {@code
 * rbac_util.go} beside it (public projects), {@code src/common/rbac/const.go} ({@code PoliciesMap}
 * and {@code NolimitProvider}: what robots may hold) and {@code src/common/rbac/system/policies.go}
 * (the system namespace); {@code PermissionTableTest} compares it with them cell by cell.
 *
 * <p>Holders are letters: {@code A} projectAdmin, {@code M} maintainer, {@code D} developer, {@code G}
 * guest, {@code L} limitedGuest, {@code P} anyone in a public project, {@code R} assignable to a
 * robot, {@code N} in the system namespace. Rows are in the order Harbor lists robot permissions;
 * the rest follow their resource.
 */
public final class PermissionTable {
    /** Where a permission applies: one project, or the whole system. */
    public enum Scope {
        SYSTEM,
        PROJECT
    }

    /** One resource and action in one scope, and who holds it. */
    public record Rule(
            Scope scope,
            Resource resource,
            Action action,
            Set<ProjectRole> roles,
            boolean publicProject,
            boolean robotAssignable,
            boolean systemNamespace) {}

    private static final List<Rule> RULES = new Rows()
            .project(LOG, "list", "A R")
            .project(PROJECT, "read", "AMDGL P R")
            .project(PROJECT, "delete update", "A R")
            .project(METADATA, "read", "AM R")
            .project(METADATA, "create delete", "A R")
            .project(METADATA, "list", "R")
            .project(METADATA, "update", "A R")
            .project(REPOSITORY, "read", "AMDGL R")
            .project(REPOSITORY, "update", "AMD R")
            .project(REPOSITORY, "delete", "AM R")
            .project(REPOSITORY, "list pull", "AMDGL P R")
            .project(REPOSITORY, "push", "AMD R")
            .project(REPOSITORY, "create", "AMD")
            .project(ARTIFACT, "read", "AMDGL P R")
            .project(ARTIFACT, "create", "AMD R")
            .project(ARTIFACT, "list", "AMDGL P R")
            .project(ARTIFACT, "delete", "AM R")
            .project(SCAN, "create", "AM R")
            .project(SCAN, "read", "AMDGL P R")
            .project(SCAN, "stop", "AM R")
            .project(SBOM, "create stop", "AM R")
            .project(SBOM, "read", "AMDGL R")
            .project(TAG, "create", "AMD R")
            .project(TAG, "list", "AMDGL P R")
            .project(TAG, "delete", "AM R")
            .project(ACCESSORY, "list", "AMDGL P R")
            .project(ARTIFACT_ADDITION, "read", "AMDGL P R")
            .project(ARTIFACT_LABEL, "create delete", "AMD R")
            .project(SCANNER, "create", "A R")
            .project(SCANNER, "read", "AMDGL P R")
            .project(PREHEAT_POLICY, "read create delete list update", "A R")
            .project(IMMUTABLE_TAG, "create delete list update", "AM R")
            .project(NOTIFICATION_POLICY, "read", "AM R")
            .project(NOTIFICATION_POLICY, "create delete", "A R")
            .project(NOTIFICATION_POLICY, "list", "AM R")
            .project(NOTIFICATION_POLICY, "update", "A R")
            .project(TAG_RETENTION, "read create delete list update", "AMD R")
            .project(TAG_RETENTION, "operate", "AMD")
            .project(LABEL, "read", "AMDG P R")
            .project(LABEL, "create delete", "AM R")
            .project(LABEL, "list", "AMDG P R")
            .project(LABEL, "update", "AM R")
            .project(QUOTA, "read", "AMDGL R")
            .project(ROBOT, "create", "A R")
            .project(ROBOT, "read list", "AMDG R")
            .project(ROBOT, "delete", "A R")
            .project(ROBOT, "update", "A")
            .project(EXPORT_CVE, "create read", "AMD R")
            .project(EXPORT_CVE, "list", "AMD")
            .project(MEMBER, "create", "A R")
            .project(MEMBER, "read", "AMDG R")
            .project(MEMBER, "update", "A R")
            .project(MEMBER, "list", "AMDG R")
            .project(MEMBER, "delete", "A R")
            .project(CONFIGURATION, "read", "AMDGL")
            .project(CONFIGURATION, "update", "A")
            .system(AUDIT_LOG, "list", "N R")
            .system(PREHEAT_INSTANCE, "read create delete list update", "N R")
            .system(PROJECT, "list create", "N R")
            .system(PROJECT, "read update delete", "N")
            .system(REPLICATION_POLICY, "read create delete list update", "R")
            .system(REPLICATION, "read create list", "N R")
            .system(REPLICATION, "update delete", "N")
            .system(REPLICATION_ADAPTER, "list", "R")
            .system(REGISTRY, "read create delete list update", "N R")
            .system(SCAN_ALL, "read update stop create", "N R")
            .system(SCAN_ALL, "delete list", "N")
            .system(SYSTEM_VOLUMES, "read", "N R")
            .system(GARBAGE_COLLECTION, "read create list update", "N R")
            .system(GARBAGE_COLLECTION, "stop", "R")
            .system(GARBAGE_COLLECTION, "delete", "N")
            .system(PURGE_AUDIT, "read create list update stop", "R")
            .system(JOBSERVICE_MONITOR, "list stop", "N R")
            .system(JOBSERVICE_MONITOR, "read", "N")
            .system(SCANNER, "read create delete list update", "R")
            .system(LABEL, "read create delete update", "R")
            .system(SECURITY_HUB, "read list", "N R")
            .system(CATALOG, "read", "N R")
            .system(QUOTA, "read list", "R")
            .system(ROBOT, "create read list delete", "R")
            .system(USER, "create read update list delete", "N R")
            .system(LDAP_USER, "create list", "N R")
            .system(QUOTA, "update", "R")
            .system(USER_GROUP, "create read update list delete", "N R")
            .system(CONFIGURATION, "read update", "N")
            .rules();

    private static final Map<Key, Rule> BY_KEY = index(RULES);
    private static final Comparator<Rule> BY_RESOURCE_THEN_ACTION =
            Comparator.comparing(Rule::resource).thenComparing(Rule::action);

    private record Key(Scope scope, Resource resource, Action action) {}

    private PermissionTable() {}

    /** Every rule, in the table's order. */
    public static List<Rule> rules() {
        return RULES;
    }

    public static Optional<Rule> rule(Scope scope, Resource resource, Action action) {
        return Optional.ofNullable(BY_KEY.get(new Key(scope, resource, action)));
    }

    /** Whether members with {@code role} may do {@code action} on {@code resource} in their project. */
    public static boolean roleGrants(ProjectRole role, Resource resource, Action action) {
        return rule(Scope.PROJECT, resource, action)
                .map(r -> r.roles().contains(role))
                .orElse(false);
    }

    /** Whether anyone, anonymous callers included, may do it in a public project. */
    public static boolean publicGrants(Resource resource, Action action) {
        return rule(Scope.PROJECT, resource, action).map(Rule::publicProject).orElse(false);
    }

    /** Whether a robot account may be granted {@code resource:action} at {@code scope}. */
    public static boolean robotAssignable(Scope scope, Resource resource, Action action) {
        return rule(scope, resource, action).map(Rule::robotAssignable).orElse(false);
    }

    /** What a robot may be granted at {@code scope}, in Harbor's order. */
    public static List<Rule> robotAssignable(Scope scope) {
        return RULES.stream()
                .filter(r -> r.scope() == scope && r.robotAssignable())
                .toList();
    }

    /**
     * The policies {@code GET /users/current/permissions} checks in a scope, ordered by resource
     * and action: in a project, what some role or public access grants; in the system, Harbor's
     * system namespace.
     */
    public static List<Rule> namespace(Scope scope) {
        return RULES.stream()
                .filter(r -> r.scope() == scope
                        && (scope == Scope.SYSTEM
                                ? r.systemNamespace()
                                : r.publicProject() || !r.roles().isEmpty()))
                .sorted(BY_RESOURCE_THEN_ACTION)
                .toList();
    }

    private static Map<Key, Rule> index(List<Rule> rules) {
        Map<Key, Rule> byKey = new HashMap<>();
        for (Rule r : rules) {
            if (byKey.put(new Key(r.scope(), r.resource(), r.action()), r) != null) {
                throw new IllegalStateException("twice in the permission table: " + r);
            }
        }
        return Map.copyOf(byKey);
    }

    /** Builds the rules from the rows above, refusing letters that mean nothing in the row's scope. */
    private static final class Rows {
        private final List<Rule> rules = new ArrayList<>();

        Rows project(Resource resource, String actions, String holders) {
            return add(Scope.PROJECT, resource, actions, holders, "AMDGLPR");
        }

        Rows system(Resource resource, String actions, String holders) {
            return add(Scope.SYSTEM, resource, actions, holders, "NR");
        }

        private Rows add(Scope scope, Resource resource, String actions, String holders, String allowed) {
            String letters = holders.replace(" ", "");
            for (char c : letters.toCharArray()) {
                if (allowed.indexOf(c) < 0) {
                    throw new IllegalArgumentException("holder " + c + " in " + scope + " " + resource);
                }
            }
            Set<ProjectRole> roles = EnumSet.noneOf(ProjectRole.class);
            for (ProjectRole role : ProjectRole.values()) {
                if (letters.indexOf(role.letter()) >= 0) {
                    roles.add(role);
                }
            }
            for (String wire : actions.split(" ")) {
                Action action =
                        Action.of(wire).orElseThrow(() -> new IllegalArgumentException("action " + wire + " unknown"));
                rules.add(new Rule(
                        scope,
                        resource,
                        action,
                        Set.copyOf(roles),
                        letters.indexOf('P') >= 0,
                        letters.indexOf('R') >= 0,
                        letters.indexOf('N') >= 0));
            }
            return this;
        }

        List<Rule> rules() {
            return List.copyOf(rules);
        }
    }
}
