package dev.berth.scan;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlPage;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A project's scanner ({@code /api/v2.0/projects/{project_name_or_id}/scanner}): members read it
 * (with the adapter pinged for its health, as Harbor does); project admins choose it among the
 * enabled registrations ({@code /candidates}).
 */
@RestController
@RequestMapping("/api/v2.0/projects/{projectNameOrId}/scanner")
class ProjectScannerController {
    private final Scanners scanners;
    private final ProjectGuard guard;

    ProjectScannerController(Scanners scanners, ProjectGuard guard) {
        this.scanners = scanners;
        this.guard = guard;
    }

    @GetMapping
    ScannerView get(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        ScannerRegistration r = scanners.ofProject(project.id())
                .orElseThrow(() -> ApiException.notFound("no scanner is configured for project " + project.name()));
        return ScannerView.of(r).withHealth(scanners.tryMetadata(r));
    }

    @PutMapping
    ResponseEntity<Void> set(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody(required = false) ProjectScanner body) {
        Project project = permitted(request, projectNameOrId, isName, Action.CREATE);
        if (body == null || body.uuid() == null || body.uuid().isBlank()) {
            throw ApiException.badRequest("uuid is required");
        }
        scanners.setProjectScanner(project.id(), body.uuid());
        return ResponseEntity.ok().build();
    }

    @GetMapping("/candidates")
    ResponseEntity<List<ScannerView>> candidates(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            ListQuery query) {
        permitted(request, projectNameOrId, isName, Action.CREATE);
        SqlPage<ScannerRegistration> page = scanners.candidates(query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream().map(ScannerView::of).toList());
    }

    record ProjectScanner(String uuid) {}

    private Project permitted(HttpServletRequest request, String nameOrId, boolean isName, Action action) {
        Principal caller = Callers.of(request);
        Project project = guard.readable(caller, nameOrId, isName);
        guard.require(caller, project, Resource.SCANNER, action);
        return project;
    }
}
