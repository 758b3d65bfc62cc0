package dev.berth.artifact;

import dev.berth.api.ListQuery;
import dev.berth.api.Term;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Repositories found by name for the global search, among those the caller may list. */
@Service
public class RepositorySearch {
    private final RepositoryListing listing;
    private final Authorizer authorizer;
    private final ProjectService projects;

    RepositorySearch(RepositoryListing listing, Authorizer authorizer, ProjectService projects) {
        this.listing = listing;
        this.authorizer = authorizer;
        this.projects = projects;
    }

    /** Harbor's SearchRepository entries, newest first, up to {@code limit}. */
    public List<Map<String, Object>> byName(Principal caller, String name, int limit) {
        ListQuery query = new ListQuery(List.of(new Term.Fuzzy("name", name)), List.of(), 1, limit);
        RepositoryListing.Page page =
                listing.list(RepositoryController.scope(caller, authorizer, listing, projects), query);
        Map<Long, Optional<Project>> owners = new HashMap<>();
        return page.rows().stream()
                .map(r -> {
                    Optional<Project> project = owners.computeIfAbsent(r.projectId(), projects::findById);
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("project_id", r.projectId());
                    v.put("project_name", project.map(Project::name).orElse(""));
                    v.put("project_public", project.map(Project::isPublic).orElse(false));
                    v.put("repository_name", r.name());
                    v.put("pull_count", r.pullCount());
                    v.put("artifact_count", r.artifactCount());
                    return v;
                })
                .toList();
    }
}
