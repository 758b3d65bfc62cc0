package dev.berth.user;

import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectRole;
import dev.berth.iam.ProjectScope;
import dev.berth.iam.Resource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * What the caller may do within a scope, in Harbor's format for
 * {@code GET /users/current/permissions}: a scope {@code /project/<id>} or {@code /system}, and
 * for every policy of that namespace the caller holds, {@code {resource, action}} with a resource
 * such as {@code /project/1/repository} ({@code repository} when relative; the project itself is
 * {@code /project/1}, or {@code .} when relative).
 */
@Component
class Permissions {
    private static final Pattern PROJECT_SCOPE = Pattern.compile("^/project/([^/]*)/?");
    private static final String SYSTEM_SCOPE = "/system";

    /** Every project-level policy some role (or public access) grants, in a stable order. */
    private static final Map<Resource, Set<Action>> PROJECT_POLICIES = projectPolicies();

    /** Harbor's system namespace, as far as our resources go. */
    private static final Map<Resource, Set<Action>> SYSTEM_POLICIES = systemPolicies();

    record Permission(String resource, String action) {}

    private final Authorizer authorizer;

    Permissions(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    List<Permission> of(Principal caller, String scope, boolean relative) {
        List<Permission> result = new ArrayList<>();
        Matcher project = PROJECT_SCOPE.matcher(scope);
        if (project.find()) {
            Optional<ProjectScope> target = projectId(project.group(1)).flatMap(authorizer::project);
            if (target.isEmpty()) {
                // An unknown project and one the caller may not see look the same: no permissions.
                return result;
            }
            String base = "/project/" + target.get().id();
            PROJECT_POLICIES.forEach((resource, actions) -> actions.forEach(action -> {
                if (authorizer.allowed(caller, target.get(), resource, action)) {
                    String full = resource == Resource.PROJECT ? base : base + "/" + resource.wire();
                    add(result, full, action, scope, relative);
                }
            }));
        } else if (scope.startsWith(SYSTEM_SCOPE)) {
            SYSTEM_POLICIES.forEach((resource, actions) -> actions.forEach(action -> {
                if (authorizer.allowedSystem(caller, resource, action)) {
                    add(result, SYSTEM_SCOPE + "/" + resource.wire(), action, scope, relative);
                }
            }));
        }
        return result;
    }

    private static void add(List<Permission> into, String resource, Action action, String scope, boolean relative) {
        if (!relative) {
            into.add(new Permission(resource, action.wire()));
        } else if (resource.startsWith(scope)) {
            String rest = resource.substring(scope.length());
            rest = rest.startsWith("/") ? rest.substring(1) : rest;
            into.add(new Permission(rest.isEmpty() ? "." : rest, action.wire()));
        }
    }

    private static Optional<Long> projectId(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }

    private static Map<Resource, Set<Action>> projectPolicies() {
        Map<Resource, Set<Action>> all = new EnumMap<>(Resource.class);
        ProjectRole.PUBLIC_PROJECT.forEach((r, a) -> merge(all, r, a));
        for (ProjectRole role : ProjectRole.values()) {
            role.grants().forEach((r, a) -> merge(all, r, a));
        }
        return all;
    }

    private static void merge(Map<Resource, Set<Action>> into, Resource resource, Set<Action> actions) {
        into.computeIfAbsent(resource, r -> EnumSet.noneOf(Action.class)).addAll(actions);
    }

    private static Map<Resource, Set<Action>> systemPolicies() {
        Set<Action> crudl = EnumSet.of(Action.CREATE, Action.READ, Action.UPDATE, Action.DELETE, Action.LIST);
        Map<Resource, Set<Action>> p = new EnumMap<>(Resource.class);
        p.put(Resource.CATALOG, EnumSet.of(Action.READ));
        p.put(Resource.AUDIT_LOG, EnumSet.of(Action.LIST));
        p.put(Resource.PROJECT, crudl);
        p.put(Resource.USER, crudl);
        p.put(Resource.USER_GROUP, crudl);
        p.put(Resource.REGISTRY, crudl);
        p.put(Resource.REPLICATION, crudl);
        p.put(Resource.PREHEAT_INSTANCE, crudl);
        p.put(Resource.GARBAGE_COLLECTION, crudl);
        Set<Action> scanAll = EnumSet.copyOf(crudl);
        scanAll.add(Action.STOP);
        p.put(Resource.SCAN_ALL, scanAll);
        p.put(Resource.SYSTEM_VOLUMES, EnumSet.of(Action.READ));
        p.put(Resource.LDAP_USER, EnumSet.of(Action.CREATE, Action.LIST));
        p.put(Resource.CONFIGURATION, EnumSet.of(Action.READ, Action.UPDATE));
        p.put(Resource.JOBSERVICE_MONITOR, EnumSet.of(Action.READ, Action.LIST, Action.STOP));
        p.put(Resource.SECURITY_HUB, EnumSet.of(Action.READ, Action.LIST));
        return p;
    }
}
