package dev.berth.artifact;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.storage.Digest;
import org.springframework.stereotype.Component;

/**
 * The checks every repository and artifact endpoint starts with, in Harbor's order: the project
 * must be visible to the caller (else 401/404, so its existence does not leak), the caller must
 * hold the permission (else 401/403), then the repository and artifact must exist (else 404).
 */
@Component
class ArtifactAccess {
    private final ProjectGuard guard;
    private final RepositoryListing repositories;
    private final ArtifactQueries artifacts;

    ArtifactAccess(ProjectGuard guard, RepositoryListing repositories, ArtifactQueries artifacts) {
        this.guard = guard;
        this.repositories = repositories;
        this.artifacts = artifacts;
    }

    Project project(Principal caller, String projectName, Resource resource, Action action) {
        Project project = guard.readable(caller, projectName, true);
        guard.require(caller, project, resource, action);
        return project;
    }

    boolean allows(Principal caller, Project project, Resource resource, Action action) {
        return guard.allows(caller, project, resource, action);
    }

    RepositoryTarget repository(
            Principal caller, String projectName, String repositoryPath, Resource resource, Action action) {
        Project project = project(caller, projectName, resource, action);
        String fullName = RepositoryPath.fullName(project.name(), repositoryPath);
        RepositoryListing.Row row = repositories
                .find(project.id(), fullName)
                .orElseThrow(() -> ApiException.notFound("repository " + fullName + " not found"));
        return new RepositoryTarget(project, fullName, row);
    }

    ArtifactQueries.Row artifact(RepositoryTarget repository, String reference) {
        return find(repository, reference)
                .orElseThrow(() -> ApiException.notFound("artifact " + repository.fullName()
                        + (reference.contains(":") ? "@" : ":") + reference + " not found"));
    }

    private java.util.Optional<ArtifactQueries.Row> find(RepositoryTarget repository, String reference) {
        if (Digest.looksLikeDigest(reference)) {
            Digest digest = Digest.parse(reference).orElseThrow(() -> ApiException.badRequest("invalid digest"));
            return artifacts.find(repository.id(), digest);
        }
        if (!RepositoryName.isValidTag(reference)) {
            throw ApiException.badRequest("invalid reference: neither a digest nor a tag");
        }
        return artifacts.findByTag(repository.id(), reference);
    }

    /** Harbor's error for a registry refusal that reaches the API. */
    static ApiException translate(RegistryException e) {
        if (e.status() == 409) {
            return ApiException.conflict(e.getMessage());
        }
        if (e.status() == 412) {
            return ApiException.preconditionFailed(e.getMessage());
        }
        ErrorCode code = e.code();
        return switch (code) {
            case MANIFEST_UNKNOWN, NAME_UNKNOWN, BLOB_UNKNOWN -> ApiException.notFound(e.getMessage());
            case TAG_INVALID, NAME_INVALID, DIGEST_INVALID, MANIFEST_INVALID -> ApiException.badRequest(e.getMessage());
            default -> ApiException.forbidden(e.getMessage());
        };
    }

    static Principal caller(jakarta.servlet.http.HttpServletRequest request) {
        return Callers.of(request);
    }
}
