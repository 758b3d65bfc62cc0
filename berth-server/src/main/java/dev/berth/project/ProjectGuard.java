package dev.berth.project;

import dev.berth.api.Callers;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectScope;
import dev.berth.iam.Resource;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The two checks every {@code /projects/{project_name_or_id}/…} endpoint starts with: may the caller
 * see the project at all (if not, it does not exist for them), and may they do this to it.
 */
@Component
public class ProjectGuard {
    private final ProjectService projects;
    private final Authorizer authorizer;

    ProjectGuard(ProjectService projects, Authorizer authorizer) {
        this.projects = projects;
        this.authorizer = authorizer;
    }

    /**
     * The project if the caller may read it; otherwise a refusal that does not reveal whether it
     * exists: 401 for anonymous callers, 404 for everyone else.
     */
    public Project readable(Principal caller, String nameOrId, boolean isName) {
        Optional<Project> project = projects.resolve(nameOrId, isName);
        if (project.isEmpty() || !authorizer.allowed(caller, scope(project.get()), Resource.PROJECT, Action.READ)) {
            throw Callers.hidden(caller, "project " + nameOrId);
        }
        return project.get();
    }

    /** 401 (anonymous) or 403 unless the caller may do {@code action} on {@code resource} in the project. */
    public void require(Principal caller, Project project, Resource resource, Action action) {
        if (!allows(caller, project, resource, action)) {
            throw Callers.denied(caller);
        }
    }

    public boolean allows(Principal caller, Project project, Resource resource, Action action) {
        return authorizer.allowed(caller, scope(project), resource, action);
    }

    public static ProjectScope scope(Project p) {
        return new ProjectScope(p.id(), p.name(), p.isPublic(), p.creationTime(), p.isProxyCache());
    }
}
