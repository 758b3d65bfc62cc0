package dev.berth.signature;

import dev.berth.artifact.ArtifactSignatures;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.PullPolicy;
import dev.berth.registry.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Harbor's content trust on every manifest pull: with the project's {@code
 * enable_content_trust_cosign}, an artifact without a cosign signature is refused with 412 "The
 * image is not signed by cosign."; with {@code enable_content_trust}, one without a Notation
 * signature, "The image is not signed by notation.". As in Harbor this checks that a signature is
 * there, not who made it. Let through, as Harbor does: the scanner's pull credential; cosign and
 * notation themselves (by their User-Agent) holding a token that may push to the repository, since
 * they read the manifest before pushing its signature; and pulls of a signature itself.
 */
@Component
class ContentTrust implements PullPolicy {
    static final String COSIGN = "enable_content_trust_cosign";
    static final String NOTATION = "enable_content_trust";

    private final ProjectService projects;
    private final ArtifactSignatures signatures;

    ContentTrust(ProjectService projects, ArtifactSignatures signatures) {
        this.projects = projects;
        this.signatures = signatures;
    }

    @Override
    public boolean guards(String repository) {
        return projects.findByNameCached(PullPolicy.projectOf(repository))
                .map(p -> "true".equals(p.metadata().get(COSIGN))
                        || "true".equals(p.metadata().get(NOTATION)))
                .orElse(false);
    }

    @Override
    public void check(HttpServletRequest request, String repository, long manifestId, String mediaType) {
        Optional<Project> project = projects.findByNameCached(PullPolicy.projectOf(repository));
        if (project.isEmpty()) {
            return;
        }
        boolean cosign = "true".equals(project.get().metadata().get(COSIGN));
        boolean notation = "true".equals(project.get().metadata().get(NOTATION));
        if (!cosign && !notation) {
            return;
        }
        if (signingOrScanning(request, repository)) {
            return;
        }
        Optional<ArtifactSignatures.Signed> signed = signatures.of(manifestId);
        if (signed.isEmpty() || signed.get().isSignature()) {
            return;
        }
        if (cosign && !signed.get().signatureTypes().contains("signature.cosign")) {
            throw refused("The image is not signed by cosign.");
        }
        if (notation && !signed.get().signatureTypes().contains("signature.notation")) {
            throw refused("The image is not signed by notation.");
        }
    }

    /** The scanner's credential, or cosign/notation with the right to push here. */
    static boolean signingOrScanning(HttpServletRequest request, String repository) {
        if (PullPolicy.tokenGrants(request, repository, "scanner-pull")) {
            return true;
        }
        String agent = String.valueOf(request.getHeader("User-Agent")).toLowerCase(Locale.ROOT);
        return (agent.contains("cosign") || agent.contains("notation"))
                && PullPolicy.tokenGrants(request, repository, "push");
    }

    private static RegistryException refused(String message) {
        return RegistryException.of(ErrorCode.PROJECTPOLICYVIOLATION, 412, message);
    }
}
