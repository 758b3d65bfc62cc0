package dev.berth.artifact;

import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.project.Project;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * One artifact addressed the way Harbor's artifact endpoints address it ({@code project},
 * repository path, tag or digest), for features above the core that add endpoints under an
 * artifact (scanning). The checks are the artifact API's own, in its order: a project the caller
 * cannot see is a 404 (401 when anonymous), a missing permission 403, then a missing repository or
 * artifact 404.
 */
@Service
public class ArtifactLookup {
    private final ArtifactAccess access;
    private final RepositoryListing repositories;
    private final ArtifactQueries artifacts;

    ArtifactLookup(ArtifactAccess access, RepositoryListing repositories, ArtifactQueries artifacts) {
        this.access = access;
        this.repositories = repositories;
        this.artifacts = artifacts;
    }

    /**
     * An artifact of the project by repository full name and digest, with no permission check: for
     * work Berth does on its own (scan on push). Empty when it is gone.
     */
    public Optional<Located> byDigest(Project project, String repository, String digest, Optional<String> tag) {
        return dev.berth.storage.Digest.parse(digest)
                .flatMap(d -> repositories
                        .find(project.id(), repository)
                        .flatMap(repo -> artifacts
                                .find(repo.id(), d)
                                .map(row -> new Located(
                                        project,
                                        repo.id(),
                                        repository,
                                        row.id(),
                                        row.digest(),
                                        row.manifestMediaType(),
                                        tag))));
    }

    /**
     * An artifact as a feature needs it.
     *
     * @param repository the repository's full name ({@code project/path})
     * @param tag the tag it was addressed by, if it was
     */
    public record Located(
            Project project,
            long repositoryId,
            String repository,
            long artifactId,
            String digest,
            String manifestMediaType,
            Optional<String> tag) {}

    public Located locate(
            Principal caller,
            String projectName,
            String repositoryPath,
            String reference,
            Resource resource,
            Action action) {
        RepositoryTarget repo = access.repository(caller, projectName, repositoryPath, resource, action);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        Optional<String> tag = reference.contains(":") ? Optional.empty() : Optional.of(reference);
        return new Located(
                repo.project(), repo.id(), repo.fullName(), row.id(), row.digest(), row.manifestMediaType(), tag);
    }
}
