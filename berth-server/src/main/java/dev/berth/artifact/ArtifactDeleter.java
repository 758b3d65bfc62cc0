package dev.berth.artifact;

import dev.berth.audit.AuditLog;
import dev.berth.registry.ManifestService;
import dev.berth.storage.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes artifacts for policies (tag retention) through the same path as {@code DELETE
 * .../artifacts/{reference}}: the registry's artifact delete with its accessories (events, quota,
 * garbage-collection review queues) and an audit entry in the operator's name.
 */
@Service
public class ArtifactDeleter {
    private final ManifestService manifests;
    private final ArtifactQueries artifacts;
    private final AuditLog audit;
    private final TransactionTemplate tx;

    ArtifactDeleter(ManifestService manifests, ArtifactQueries artifacts, AuditLog audit, TransactionTemplate tx) {
        this.manifests = manifests;
        this.artifacts = artifacts;
        this.audit = audit;
        this.tx = tx;
    }

    /** An artifact a policy chose: its id and digest in the repository. */
    public record Chosen(long id, String digest) {}

    /**
     * Deletes the artifact unless it changed after {@code snapshot} or an immutable tag protects
     * it; see {@link ManifestService#deleteArtifactsUnchangedSince}.
     */
    public ManifestService.PolicyDeletion deleteUnchangedSince(
            String operator,
            long projectId,
            long repositoryId,
            String repository,
            long artifactId,
            String digest,
            Instant snapshot) {
        return deleteUnchangedSince(
                        operator,
                        projectId,
                        repositoryId,
                        repository,
                        List.of(new Chosen(artifactId, digest)),
                        snapshot)
                .get(digest);
    }

    /**
     * Deletes artifacts of one repository, each unless it changed after {@code snapshot} or an
     * immutable tag protects it, in one transaction with their audit entries; see {@link
     * ManifestService#deleteArtifactsUnchangedSince}. Returns what became of each, by digest.
     */
    public Map<String, ManifestService.PolicyDeletion> deleteUnchangedSince(
            String operator,
            long projectId,
            long repositoryId,
            String repository,
            List<Chosen> chosen,
            Instant snapshot) {
        List<ManifestService.PolicyCandidate> candidates = new ArrayList<>();
        for (Chosen c : chosen) {
            candidates.add(new ManifestService.PolicyCandidate(
                    Digest.parse(c.digest()).orElseThrow(),
                    accessoriesOf(artifacts, repositoryId, c.id(), c.digest())));
        }
        Map<String, ManifestService.PolicyDeletion> results = new LinkedHashMap<>();
        tx.executeWithoutResult(status -> {
            manifests
                    .deleteArtifactsUnchangedSince(repository, candidates, snapshot)
                    .forEach((digest, result) -> results.put(digest.toString(), result));
            results.forEach((digest, result) -> {
                if (result == ManifestService.PolicyDeletion.DELETED) {
                    audit.record(operator, projectId, AuditLog.Operation.DELETE, "artifact", repository + "@" + digest);
                }
            });
        });
        return results;
    }

    /** Every accessory of the artifact, and theirs in turn (a signature of an SBOM, say). */
    static List<Digest> accessoriesOf(ArtifactQueries artifacts, long repositoryId, long id, String digest) {
        List<Digest> found = new ArrayList<>();
        Map<Long, String> subjects = Map.of(id, digest);
        for (int depth = 0; depth < 4 && !subjects.isEmpty(); depth++) {
            Map<Long, String> next = new LinkedHashMap<>();
            for (ArtifactQueries.Accessory a : artifacts
                    .accessories(repositoryId, subjects, dev.berth.api.ListQuery.firstPage(100))
                    .rows()) {
                Digest d = Digest.parse(a.digest()).orElseThrow();
                if (!found.contains(d) && !a.digest().equals(digest)) {
                    found.add(d);
                    next.put(a.id(), a.digest());
                }
            }
            subjects = next;
        }
        return found;
    }
}
