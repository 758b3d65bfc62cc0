package dev.berth.artifact;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.policy.ImmutableTagRules;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import dev.berth.registry.ManifestService;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.storage.Digest;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Harbor's artifact API: list, get, delete and copy artifacts of a repository. */
@RestController
@RequestMapping("/api/v2.0/projects/{projectName}/repositories/{repositoryName}/artifacts")
class ArtifactController {
    private final ArtifactAccess access;
    private final ArtifactQueries artifacts;
    private final ArtifactAssembler assembler;
    private final ManifestService manifests;
    private final ProjectGuard guard;
    private final AuditLog audit;
    private final ArtifactPageCache pages;
    private final ImmutableTagRules immutability;

    ArtifactController(
            ArtifactAccess access,
            ArtifactQueries artifacts,
            ArtifactAssembler assembler,
            ManifestService manifests,
            ProjectGuard guard,
            AuditLog audit,
            ArtifactPageCache pages,
            ImmutableTagRules immutability) {
        this.pages = pages;
        this.immutability = immutability;
        this.access = access;
        this.artifacts = artifacts;
        this.assembler = assembler;
        this.manifests = manifests;
        this.guard = guard;
        this.audit = audit;
    }

    @GetMapping
    ResponseEntity<byte[]> list(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            ListQuery query,
            @RequestParam(name = "with_tag", defaultValue = "true") boolean withTag,
            @RequestParam(name = "with_label", defaultValue = "false") boolean withLabel,
            @RequestParam(name = "with_immutable_status", defaultValue = "false") boolean withImmutableStatus,
            @RequestParam(name = "with_accessory", defaultValue = "false") boolean withAccessory,
            @RequestParam(name = "with_scan_overview", defaultValue = "false") boolean withScanOverview,
            @RequestParam(name = "with_sbom_overview", defaultValue = "false") boolean withSbomOverview) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo = access.repository(caller, projectName, repositoryName, Resource.ARTIFACT, Action.LIST);
        var flags = new ArtifactAssembler.Flags(
                withTag, withLabel, withAccessory, withImmutableStatus, withScanOverview, withSbomOverview);
        ImmutableTagRules.Listed rules = withTag && withImmutableStatus
                ? immutability.listed(repo.project().id())
                : null;
        if (flags.live()) {
            // Scan results change without the listing changing: such pages are built each time.
            ArtifactQueries.Page<ArtifactQueries.Row> rows = artifacts.list(repo.row(), query);
            return ResponseEntity.ok()
                    .headers(Paging.headers(request, query, rows.total()))
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(assembler.list(repo.project().name(), rows.rows(), flags, rules));
        }
        ArtifactPageCache.Page page = pages.page(
                new ArtifactPageCache.Key(repo.id(), query, flags, rules),
                repo.row().listingVersion(),
                () -> {
                    ArtifactQueries.Page<ArtifactQueries.Row> rows = artifacts.list(repo.row(), query);
                    return new ArtifactPageCache.Built(
                            rows.total(),
                            assembler.list(repo.project().name(), rows.rows(), flags, rules),
                            ArtifactPageCache.keepable(rows.rows()));
                });
        var response = ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (page.gzipped() && acceptsGzip(request)) {
            return response.header(HttpHeaders.CONTENT_ENCODING, "gzip").body(page.body());
        }
        return response.body(page.json());
    }

    /** Whether the client takes {@code Content-Encoding: gzip} (browsers, Go's and Python's HTTP clients do). */
    static boolean acceptsGzip(HttpServletRequest request) {
        var values = request.getHeaders(HttpHeaders.ACCEPT_ENCODING);
        while (values != null && values.hasMoreElements()) {
            for (String coding : values.nextElement().split(",")) {
                String[] parts = coding.trim().split(";");
                if (parts[0].trim().equalsIgnoreCase("gzip") && !refused(parts)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code gzip;q=0} refuses it. */
    private static boolean refused(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().replace(" ", "");
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2)) <= 0;
                } catch (NumberFormatException e) {
                    return true;
                }
            }
        }
        return false;
    }

    @GetMapping("/{reference}")
    ResponseEntity<byte[]> get(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @RequestParam(name = "with_tag", defaultValue = "true") boolean withTag,
            @RequestParam(name = "with_label", defaultValue = "false") boolean withLabel,
            @RequestParam(name = "with_immutable_status", defaultValue = "false") boolean withImmutableStatus,
            @RequestParam(name = "with_accessory", defaultValue = "false") boolean withAccessory,
            @RequestParam(name = "with_scan_overview", defaultValue = "false") boolean withScanOverview,
            @RequestParam(name = "with_sbom_overview", defaultValue = "false") boolean withSbomOverview) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo = access.repository(caller, projectName, repositoryName, Resource.ARTIFACT, Action.READ);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        var flags = new ArtifactAssembler.Flags(
                withTag, withLabel, withAccessory, withImmutableStatus, withScanOverview, withSbomOverview);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(assembler.one(repo.project().name(), row, flags));
    }

    /**
     * Deletes the artifact with its accessories (recursively) and the index children nothing else
     * uses. 409 while an index lists it.
     */
    @DeleteMapping("/{reference}")
    ResponseEntity<Void> delete(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo =
                access.repository(caller, projectName, repositoryName, Resource.ARTIFACT, Action.DELETE);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        try {
            manifests.deleteArtifact(repo.fullName(), digest(row.digest()), accessoriesOf(repo.id(), row));
        } catch (RegistryException e) {
            throw ArtifactAccess.translate(e);
        }
        audit.record(
                caller.name(),
                repo.project().id(),
                AuditLog.Operation.DELETE,
                "artifact",
                repo.fullName() + "@" + row.digest());
        return ResponseEntity.ok().build();
    }

    /**
     * Copies {@code from=<project>/<repository>@<digest>} or {@code …:<tag>} here, with its tags,
     * index children and accessories. The caller needs pull on the source and push (artifact
     * create) on this repository; an invisible source is a 404 like a missing one.
     */
    @PostMapping
    ResponseEntity<Void> copy(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @RequestParam("from") String from) {
        Principal caller = Callers.of(request);
        Project target = access.project(caller, projectName, Resource.ARTIFACT, Action.CREATE);
        guard.require(caller, target, Resource.REPOSITORY, Action.PUSH);
        String targetName = RepositoryPath.fullName(target.name(), repositoryName);

        SourceReference source = SourceReference.parse(from);
        RepositoryTarget sourceRepo = access.repository(
                caller,
                source.project(),
                RepositoryPath.withinProject(source.repository()),
                Resource.REPOSITORY,
                Action.PULL);
        ArtifactQueries.Row row = access.artifact(sourceRepo, source.reference());
        if (sourceRepo.fullName().equals(targetName)) {
            throw ApiException.badRequest("source and destination are the same repository");
        }
        try {
            manifests.copy(
                    sourceRepo.fullName(), digest(row.digest()), targetName, accessoriesOf(sourceRepo.id(), row));
        } catch (RegistryException e) {
            throw ArtifactAccess.translate(e);
        }
        audit.record(
                caller.name(), target.id(), AuditLog.Operation.CREATE, "artifact", targetName + "@" + row.digest());
        String location = "/api/v2.0/projects/" + target.name() + "/repositories/" + RepositoryPath.segment(targetName)
                + "/artifacts/" + row.digest();
        return ResponseEntity.created(URI.create(location)).build();
    }

    /** Every accessory of the artifact, and theirs in turn (a signature of an SBOM, say). */
    private List<Digest> accessoriesOf(long repositoryId, ArtifactQueries.Row row) {
        return ArtifactDeleter.accessoriesOf(artifacts, repositoryId, row.id(), row.digest());
    }

    private static Digest digest(String text) {
        return Digest.parse(text).orElseThrow();
    }

    /** The {@code from} parameter of a copy. */
    record SourceReference(String project, String repository, String reference) {
        static SourceReference parse(String from) {
            int at = from.indexOf('@');
            String name;
            String reference;
            if (at >= 0) {
                name = from.substring(0, at);
                reference = from.substring(at + 1);
                if (!Digest.looksLikeDigest(reference)
                        || Digest.parse(reference).isEmpty()) {
                    throw ApiException.badRequest("invalid digest in from");
                }
            } else {
                int colon = from.lastIndexOf(':');
                if (colon < 0 || colon < from.lastIndexOf('/')) {
                    throw ApiException.badRequest("from must be <project>/<repository>@<digest> or …:<tag>");
                }
                name = from.substring(0, colon);
                reference = from.substring(colon + 1);
                if (!RepositoryName.isValidTag(reference)) {
                    throw ApiException.badRequest("invalid tag in from");
                }
            }
            int slash = name.indexOf('/');
            if (slash <= 0 || !RepositoryName.isValid(name)) {
                throw ApiException.badRequest("invalid repository in from");
            }
            return new SourceReference(name.substring(0, slash), name, reference);
        }
    }
}
