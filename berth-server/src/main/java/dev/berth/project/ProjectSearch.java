package dev.berth.project;

import dev.berth.api.ListQuery;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Projects found by name for the global search, as the project list would show them to the caller. */
@Service
public class ProjectSearch {
    private final ProjectListing listing;
    private final Authorizer authorizer;
    private final CveAllowlists allowlists;

    ProjectSearch(ProjectListing listing, Authorizer authorizer, CveAllowlists allowlists) {
        this.allowlists = allowlists;
        this.listing = listing;
        this.authorizer = authorizer;
    }

    /** Up to {@code limit} projects the caller may see whose name contains {@code name}, by name. */
    public List<Map<String, Object>> byName(Principal caller, String name, int limit) {
        ProjectListing.Page page = listing.list(
                ProjectController.visibility(authorizer, caller),
                new ProjectListing.Filters(Optional.of(name), Optional.empty(), Optional.empty()),
                ListQuery.firstPage(limit),
                caller instanceof Principal.User u ? u.id() : 0,
                authorizer.groupIds(caller));
        Map<Long, CveAllowlist> lists = allowlists.ofProjects(
                page.projects().stream().map(l -> l.project().id()).toList());
        return page.projects().stream()
                .map(l -> ProjectController.view(
                        l.project(),
                        l.callerRole(),
                        caller.isSysadmin(),
                        l.repoCount(),
                        lists.get(l.project().id())))
                .toList();
    }
}
