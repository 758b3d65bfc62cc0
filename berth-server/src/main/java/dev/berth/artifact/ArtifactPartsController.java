package dev.berth.artifact;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.JsonBody;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.policy.ImmutableTagRules;
import dev.berth.registry.ManifestService;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.storage.Digest;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What hangs off one artifact: its tags, accessories and additions. */
@RestController
@RequestMapping("/api/v2.0/projects/{projectName}/repositories/{repositoryName}/artifacts/{reference}")
class ArtifactPartsController {
    private static final MediaType TEXT = MediaType.parseMediaType("text/plain; charset=utf-8");
    private static final MediaType MARKDOWN = MediaType.parseMediaType("text/markdown; charset=utf-8");

    private final ArtifactAccess access;
    private final ArtifactQueries artifacts;
    private final ArtifactContent content;
    private final ManifestService manifests;
    private final AuditLog audit;
    private final ImmutableTagRules immutability;
    private final JsonBody json;

    ArtifactPartsController(
            ArtifactAccess access,
            ArtifactQueries artifacts,
            ArtifactContent content,
            ManifestService manifests,
            AuditLog audit,
            ImmutableTagRules immutability,
            JsonBody json) {
        this.immutability = immutability;
        this.json = json;
        this.access = access;
        this.artifacts = artifacts;
        this.content = content;
        this.manifests = manifests;
        this.audit = audit;
    }

    @GetMapping("/tags")
    ResponseEntity<byte[]> tags(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            ListQuery query,
            @RequestParam(name = "with_immutable_status", defaultValue = "false") boolean withImmutableStatus) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo = access.repository(caller, projectName, repositoryName, Resource.TAG, Action.LIST);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        ArtifactQueries.Page<ArtifactQueries.Tag> page = artifacts.tagPage(row.id(), query);
        Predicate<String> immutable =
                withImmutableStatus ? immutability.immutableTags(repo.project().id(), repo.fullName()) : tag -> false;
        return json.ok(Paging.headers(request, query, page.total()), page.rows().size() * 200, g -> {
            g.writeStartArray();
            page.rows().forEach(t -> ArtifactView.tag(g, t, immutable.test(t.name())));
            g.writeEndArray();
        });
    }

    /** Points a new tag at the artifact: body {@code {"name":"v2"}}; 409 if the repository has the tag. */
    @PostMapping("/tags")
    ResponseEntity<Void> createTag(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @RequestBody Map<String, Object> body) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo = access.repository(caller, projectName, repositoryName, Resource.TAG, Action.CREATE);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        if (!(body.get("name") instanceof String name) || !RepositoryName.isValidTag(name)) {
            throw ApiException.badRequest("name must be a valid tag");
        }
        try {
            if (!manifests.addTag(repo.fullName(), Digest.parse(row.digest()).orElseThrow(), name)) {
                throw ApiException.conflict("tag " + name + " already exists in " + repo.fullName());
            }
        } catch (RegistryException e) {
            throw ArtifactAccess.translate(e);
        }
        audit.record(
                caller.name(), repo.project().id(), AuditLog.Operation.CREATE, "tag", repo.fullName() + ":" + name);
        String location = "/api/v2.0/projects/" + repo.project().name() + "/repositories/"
                + RepositoryPath.segment(repo.fullName()) + "/artifacts/" + row.digest() + "/tags/" + name;
        return ResponseEntity.created(URI.create(location)).build();
    }

    /** Deletes the tag only; the artifact stays. 404 unless the tag points at this artifact. */
    @DeleteMapping("/tags/{tagName}")
    ResponseEntity<Void> deleteTag(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @PathVariable String tagName) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo = access.repository(caller, projectName, repositoryName, Resource.TAG, Action.DELETE);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        try {
            if (!manifests.removeTag(repo.fullName(), Digest.parse(row.digest()).orElseThrow(), tagName)) {
                throw ApiException.notFound("tag " + tagName + " not found on " + row.digest());
            }
        } catch (RegistryException e) {
            throw ArtifactAccess.translate(e);
        }
        audit.record(
                caller.name(), repo.project().id(), AuditLog.Operation.DELETE, "tag", repo.fullName() + ":" + tagName);
        return ResponseEntity.ok().build();
    }

    @GetMapping("/accessories")
    ResponseEntity<byte[]> accessories(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            ListQuery query) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo = access.repository(caller, projectName, repositoryName, Resource.ACCESSORY, Action.LIST);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        ArtifactQueries.Page<ArtifactQueries.Accessory> page =
                artifacts.accessories(repo.id(), Map.of(row.id(), row.digest()), query);
        return json.ok(Paging.headers(request, query, page.total()), page.rows().size() * 400, g -> {
            g.writeStartArray();
            page.rows().forEach(a -> ArtifactView.accessory(g, a, repo.fullName()));
            g.writeEndArray();
        });
    }

    /**
     * {@code build_history} for images; {@code values.yaml}, {@code readme.md}, {@code dependencies}
     * for charts; {@code sbom} for generated SBOM accessories (the SBOM document).
     */
    @GetMapping("/additions/{addition}")
    ResponseEntity<?> addition(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @PathVariable String addition) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo =
                access.repository(caller, projectName, repositoryName, Resource.ARTIFACT_ADDITION, Action.READ);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        return switch (addition) {
            case "build_history" ->
                ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(content.buildHistory(row));
            case "values.yaml" -> text(content.chartFile(row, artifacts.content(row.id()), "values.yaml"), TEXT);
            case "readme.md" -> text(content.chartFile(row, artifacts.content(row.id()), "README.md"), MARKDOWN);
            case "dependencies" ->
                ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(content.chartDependencies(row, artifacts.content(row.id())));
            case "sbom" ->
                ResponseEntity.ok()
                        .contentType(MediaType.parseMediaType(ArtifactContent.HARBOR_SBOM))
                        .body(content.sbomDocument(artifacts.content(row.id()))
                                .orElseThrow(() -> ApiException.notFound("the sbom is not found")));
            default -> throw ApiException.badRequest("unknown addition " + addition);
        };
    }

    private static ResponseEntity<String> text(java.util.Optional<String> body, MediaType type) {
        return body.map(b -> ResponseEntity.ok().contentType(type).body(b))
                .orElseThrow(() -> ApiException.notFound("the chart has no such file"));
    }
}
