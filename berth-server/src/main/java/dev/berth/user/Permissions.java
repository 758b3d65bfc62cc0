package dev.berth.user;

import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.PermissionTable;
import dev.berth.iam.PermissionTable.Rule;
import dev.berth.iam.PermissionTable.Scope;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectScope;
import dev.berth.iam.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
            for (Rule rule : PermissionTable.namespace(Scope.PROJECT)) {
                Resource resource = rule.resource();
                if (authorizer.allowed(caller, target.get(), resource, rule.action())) {
                    String full = resource == Resource.PROJECT ? base : base + "/" + resource.wire();
                    add(result, full, rule.action(), scope, relative);
                }
            }
        } else if (scope.startsWith(SYSTEM_SCOPE)) {
            for (Rule rule : PermissionTable.namespace(Scope.SYSTEM)) {
                if (authorizer.allowedSystem(caller, rule.resource(), rule.action())) {
                    add(result, SYSTEM_SCOPE + "/" + rule.resource().wire(), rule.action(), scope, relative);
                }
            }
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
}
