package dev.berth.artifact;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.policy.ImmutableTagRules;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's {@code GET /projects/{project_name_or_id}/artifacts}: the artifacts of every repository
 * of a project in one list, for signed-in callers who may list the project's artifacts (Harbor
 * refuses anonymous callers here even for public projects).
 */
@RestController
class ProjectArtifactController {
    private final ProjectGuard guard;
    private final ArtifactQueries artifacts;
    private final ArtifactAssembler assembler;
    private final ImmutableTagRules immutability;

    ProjectArtifactController(
            ProjectGuard guard,
            ArtifactQueries artifacts,
            ArtifactAssembler assembler,
            ImmutableTagRules immutability) {
        this.guard = guard;
        this.artifacts = artifacts;
        this.assembler = assembler;
        this.immutability = immutability;
    }

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/artifacts")
    ResponseEntity<byte[]> list(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            ListQuery query,
            @RequestParam(name = "with_tag", defaultValue = "true") boolean withTag,
            @RequestParam(name = "with_label", defaultValue = "false") boolean withLabel,
            @RequestParam(name = "with_immutable_status", defaultValue = "false") boolean withImmutableStatus,
            @RequestParam(name = "with_accessory", defaultValue = "false") boolean withAccessory,
            @RequestParam(name = "with_scan_overview", defaultValue = "false") boolean withScanOverview,
            @RequestParam(name = "with_sbom_overview", defaultValue = "false") boolean withSbomOverview,
            @RequestParam(name = "latest_in_repository", defaultValue = "false") boolean latestInRepository) {
        Principal caller = Callers.authenticated(request);
        Project project = guard.readable(caller, projectNameOrId, isName);
        guard.require(caller, project, Resource.ARTIFACT, Action.LIST);
        if (latestInRepository) {
            boolean mediaType = query.terms().stream().anyMatch(t -> t.field().equals("media_type"));
            boolean artifactType =
                    query.terms().stream().anyMatch(t -> t.field().equals("artifact_type"));
            if (mediaType == artifactType) {
                throw ApiException.badRequest("either 'media_type' or 'artifact_type' must be specified, but not both,"
                        + " when querying with latest_in_repository");
            }
        }
        var flags = new ArtifactAssembler.Flags(
                withTag, withLabel, withAccessory, withImmutableStatus, withScanOverview, withSbomOverview);
        ImmutableTagRules.Listed rules = withTag && withImmutableStatus ? immutability.listed(project.id()) : null;
        ArtifactQueries.Page<ArtifactQueries.Row> page =
                artifacts.listOfProject(project.id(), query, latestInRepository);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .contentType(MediaType.APPLICATION_JSON)
                .body(assembler.list(project.name(), page.rows(), flags, rules));
    }
}
