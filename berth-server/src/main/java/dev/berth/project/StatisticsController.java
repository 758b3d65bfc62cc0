package dev.berth.project;

import dev.berth.api.Callers;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's {@code GET /api/v2.0/statistics}, counted as Harbor does: public projects and their
 * repositories for everyone signed in; private ones for administrators all of them, for others only
 * those they belong to (robots: those their grants name). Totals and storage only for administrators.
 */
@RestController
class StatisticsController {
    private static final String PUBLIC = "EXISTS (SELECT 1 FROM project_metadata pub WHERE pub.project_id = p.id"
            + " AND pub.name = 'public' AND pub.value = 'true')";

    private final JdbcClient jdbc;
    private final Authorizer authorizer;

    StatisticsController(JdbcClient jdbc, Authorizer authorizer) {
        this.jdbc = jdbc;
        this.authorizer = authorizer;
    }

    /** Project and repository counts of the projects matching {@code condition}. */
    private record Counts(long projects, long repositories) {}

    @GetMapping("/api/v2.0/statistics")
    Map<String, Object> statistics(HttpServletRequest request) {
        Principal caller = Callers.authenticated(request);
        Counts open = count(PUBLIC, List.of());
        Counts closed;
        boolean all = false;
        switch (ProjectController.visibility(authorizer, caller)) {
            case ProjectListing.Visibility.All a -> {
                closed = count("NOT " + PUBLIC, List.of());
                all = caller.isSysadmin();
            }
            case ProjectListing.Visibility.PublicOrMember m ->
                closed = count(
                        "NOT " + PUBLIC + " AND EXISTS (SELECT 1 FROM project_member vm WHERE vm.project_id = p.id"
                                + " AND " + ProjectListing.MEMBER + ")",
                        List.of(m.userId(), m.groups()));
            case ProjectListing.Visibility.PublicOrNamed n ->
                closed = count("NOT " + PUBLIC + " AND p.name = ANY (?)", List.of((Object)
                        n.names().toArray(String[]::new)));
            case ProjectListing.Visibility.PublicOnly p -> closed = new Counts(0, 0);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("private_project_count", closed.projects());
        v.put("private_repo_count", closed.repositories());
        v.put("public_project_count", open.projects());
        v.put("public_repo_count", open.repositories());
        v.put("total_project_count", all ? open.projects() + closed.projects() : 0);
        v.put("total_repo_count", all ? open.repositories() + closed.repositories() : 0);
        v.put("total_storage_consumption", all ? storage() : 0);
        return v;
    }

    private Counts count(String condition, List<Object> params) {
        return jdbc.sql(
                        "SELECT count(*), COALESCE(sum((SELECT count(*) FROM repository r WHERE r.project_id = p.id)), 0)"
                                + " FROM project p WHERE " + condition)
                .params(params)
                .query((rs, i) -> new Counts(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    /** Bytes of every stored blob, each counted once however many repositories share it. */
    private long storage() {
        return jdbc.sql("SELECT COALESCE(sum(size), 0) FROM blob")
                .query(Long.class)
                .single();
    }
}
