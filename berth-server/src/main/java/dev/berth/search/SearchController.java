package dev.berth.search;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.artifact.RepositorySearch;
import dev.berth.iam.Principal;
import dev.berth.project.ProjectSearch;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's {@code GET /api/v2.0/search?q=}: projects and repositories whose names contain {@code q},
 * among those the caller may see (public ones for anonymous callers). Not paged in Harbor; capped here.
 */
@RestController
class SearchController {
    /** Results per kind: a search box shows a handful, and an unbounded answer is a cost nobody needs. */
    private static final int LIMIT = 100;

    private final ProjectSearch projects;
    private final RepositorySearch repositories;

    SearchController(ProjectSearch projects, RepositorySearch repositories) {
        this.projects = projects;
        this.repositories = repositories;
    }

    @GetMapping("/api/v2.0/search")
    Map<String, Object> search(HttpServletRequest request, @RequestParam(name = "q", defaultValue = "") String q) {
        if (q.isBlank()) {
            throw ApiException.badRequest("q is required");
        }
        Principal caller = Callers.of(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("project", projects.byName(caller, q.strip(), LIMIT));
        body.put("repository", repositories.byName(caller, q.strip(), LIMIT));
        return body;
    }
}
