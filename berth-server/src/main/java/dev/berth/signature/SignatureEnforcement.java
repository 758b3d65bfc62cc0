package dev.berth.signature;

import dev.berth.artifact.ArtifactSignatures;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Principals;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.PullPolicy;
import dev.berth.registry.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The project's trust policy on every manifest pull (GET and HEAD, by tag and by digest, an index's
 * children one by one): under {@code enforce}, an artifact without a verified signature under the
 * policy's current version is refused with 412 {@code PROJECTPOLICYVIOLATION} for every principal,
 * system administrators included; under {@code warn} it is served. Both leave an audit record
 * (operation {@code pull}, resource type {@code artifact}) whose description names the reason.
 *
 * <p>Reads two rows, the policy and the stored result, both remembered for two seconds (a verified
 * result only; see {@link TrustStore}); never a signature. An artifact not verified
 * yet under the current version (just pushed, or the policy just changed) is unverified until the
 * trust consumer has written its row. Let through as {@link ContentTrust} does: signatures
 * themselves (verifiers must read them), the scanner's pull credential, and cosign or notation
 * holding a token that may push to the repository (they read the manifest they are about to sign;
 * whoever may push may write the repository anyway).
 */
@Component
class SignatureEnforcement implements PullPolicy {
    private final ProjectService projects;
    private final TrustStore store;
    private final ArtifactSignatures signatures;
    private final AuditLog audit;

    SignatureEnforcement(ProjectService projects, TrustStore store, ArtifactSignatures signatures, AuditLog audit) {
        this.projects = projects;
        this.store = store;
        this.signatures = signatures;
        this.audit = audit;
    }

    @Override
    public boolean guards(String repository) {
        return projects.findByNameCached(PullPolicy.projectOf(repository))
                .flatMap(p -> store.cachedPolicy(p.id()))
                .map(p -> p.mode() != TrustPolicy.Mode.OFF)
                .orElse(false);
    }

    @Override
    public void check(HttpServletRequest request, String repository, long manifestId, String mediaType) {
        Optional<Project> project = projects.findByNameCached(PullPolicy.projectOf(repository));
        if (project.isEmpty()) {
            return;
        }
        Optional<TrustPolicy> policy = store.cachedPolicy(project.get().id());
        if (policy.isEmpty() || policy.get().mode() == TrustPolicy.Mode.OFF) {
            return;
        }
        Optional<TrustStore.Result> result =
                store.cachedResult(project.get().id(), manifestId, policy.get().version());
        if (result.isPresent() && result.get().verified()) {
            return;
        }
        if (ContentTrust.signingOrScanning(request, repository)) {
            return;
        }
        if (signatures
                .of(manifestId)
                .map(ArtifactSignatures.Signed::isSignature)
                .orElse(false)) {
            return;
        }
        String reason = result.map(TrustStore.Result::reason)
                .orElse("not verified yet under version " + policy.get().version() + " of the trust policy");
        boolean enforce = policy.get().mode() == TrustPolicy.Mode.ENFORCE;
        String digest = result.map(TrustStore.Result::digest).orElse("manifest " + manifestId);
        audit.record(
                Principals.of(request).name(),
                project.get().id(),
                AuditLog.Operation.PULL,
                "artifact",
                repository + "@" + digest,
                (enforce ? "refused, no verified signature: " : "served unverified (trust policy warn): ") + reason);
        if (enforce) {
            throw RegistryException.of(
                    ErrorCode.PROJECTPOLICYVIOLATION,
                    412,
                    "The image is not verified by the project's trust policy: " + reason + ".");
        }
    }
}
