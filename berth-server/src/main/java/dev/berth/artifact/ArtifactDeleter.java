package dev.berth.artifact;

import dev.berth.audit.AuditLog;
import dev.berth.registry.ManifestService;
import dev.berth.registry.RegistryException;
import dev.berth.storage.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

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

    ArtifactDeleter(ManifestService manifests, ArtifactQueries artifacts, AuditLog audit) {
        this.manifests = manifests;
        this.artifacts = artifacts;
        this.audit = audit;
    }

    /**
     * Deletes the artifact unless it changed after {@code snapshot} or an immutable tag protects
     * it; see {@link ManifestService#deleteArtifactUnchangedSince}.
     */
    public ManifestService.PolicyDeletion deleteUnchangedSince(
            String operator,
            long projectId,
            long repositoryId,
            String repository,
            long artifactId,
            String digest,
            Instant snapshot) {
        ManifestService.PolicyDeletion result;
        try {
            result = manifests.deleteArtifactUnchangedSince(
                    repository,
                    Digest.parse(digest).orElseThrow(),
                    accessoriesOf(artifacts, repositoryId, artifactId, digest),
                    snapshot);
        } catch (RegistryException e) {
            if (e.status() == 412) {
                return ManifestService.PolicyDeletion.IMMUTABLE; // an accessory's tag is immutable
            }
            throw e;
        }
        if (result == ManifestService.PolicyDeletion.DELETED) {
            audit.record(operator, projectId, AuditLog.Operation.DELETE, "artifact", repository + "@" + digest);
        }
        return result;
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
