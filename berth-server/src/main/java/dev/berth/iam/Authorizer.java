package dev.berth.iam;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The one place that answers "may this principal do this action on this resource": Harbor's role
 * matrix for members, the public-project policies for everyone, explicit grants for robots, and
 * everything for system administrators. Used by {@code /v2/}, {@code /api/v2.0/} and the token
 * service alike.
 */
@Service
public class Authorizer {
    private final ProjectAccess projects;
    private final DirectoryMemberships memberships;

    public Authorizer(ProjectAccess projects, DirectoryMemberships memberships) {
        this.projects = projects;
        this.memberships = memberships;
    }

    /**
     * The user groups a user is in now (from the last directory login, while current); empty for
     * local accounts and anyone else. Lists that show "my projects" count memberships of these too.
     */
    public List<Long> groupIds(Principal principal) {
        return principal instanceof Principal.User u ? memberships.groupIds(u.id()) : List.of();
    }

    public Optional<ProjectScope> project(String name) {
        return projects.findProject(name);
    }

    public Optional<ProjectScope> project(long id) {
        return projects.findProject(id);
    }

    /** A project-scoped permission. */
    public boolean allowed(Principal principal, ProjectScope project, Resource resource, Action action) {
        if (principal.isSysadmin()) {
            return true;
        }
        if (project.isPublic() && publicAllows(resource, action)) {
            return true;
        }
        return switch (principal) {
            case Principal.Anonymous a -> false;
            case Principal.TokenHolder t -> false;
            case Principal.User u ->
                projects.roleOf(project.id(), u.id())
                        .map(role -> role.permits(resource, action))
                        .orElse(false);
            case Principal.Robot r ->
                (r.projectId() == 0 || r.projectId() == project.id())
                        && r.permissions().stream()
                                .anyMatch(p -> p.coversProject(project.name())
                                        && p.resource() == resource
                                        && p.action() == action);
        };
    }

    /** A system-scoped permission (users, audit logs, GC, ...): administrators and granted robots. */
    public boolean allowedSystem(Principal principal, Resource resource, Action action) {
        if (principal.isSysadmin()) {
            return true;
        }
        return principal instanceof Principal.Robot r
                && r.projectId() == 0
                && r.permissions().stream()
                        .anyMatch(p -> p.kind().equals("system") && p.resource() == resource && p.action() == action);
    }

    /** The role a principal holds in a project, for {@code current_user_role_id}; empty for none. */
    public Optional<ProjectRole> roleOf(Principal principal, ProjectScope project) {
        return principal instanceof Principal.User u ? projects.roleOf(project.id(), u.id()) : Optional.empty();
    }

    private static boolean publicAllows(Resource resource, Action action) {
        return PermissionTable.publicGrants(resource, action);
    }
}
