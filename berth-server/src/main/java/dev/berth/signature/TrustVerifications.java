package dev.berth.signature;

import dev.berth.artifact.ArtifactLookup;
import dev.berth.project.Project;
import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies one artifact of a project under the project's current policy and stores the result per
 * (manifest, policy version). When an image index verifies, the images it lists in the repository
 * are stored as verified too: the index pins their digests, so its signature covers them.
 */
@Component
class TrustVerifications {
    private static final Logger log = LoggerFactory.getLogger(TrustVerifications.class);
    static final String NOTATION_SIGNATURE = "application/vnd.cncf.notary.signature";
    private static final Set<String> INDEXES = Set.of(
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final int MAX_CHILDREN = 256;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TrustStore store;
    private final CosignVerifier cosign;
    private final ArtifactLookup artifacts;
    private final RegistryContent content;
    private final Clock clock;

    TrustVerifications(
            TrustStore store, CosignVerifier cosign, ArtifactLookup artifacts, RegistryContent content, Clock clock) {
        this.store = store;
        this.cosign = cosign;
        this.artifacts = artifacts;
        this.content = content;
        this.clock = clock;
    }

    /** The project's trusted keys, parsed once for a batch of verifications. */
    List<CosignVerifier.Key> keys(long projectId) {
        List<CosignVerifier.Key> keys = new ArrayList<>();
        for (TrustStore.TrustedKey k : store.keys(projectId)) {
            keys.add(new CosignVerifier.Key(k.name(), k.parsed()));
        }
        return keys;
    }

    /** Verifies the artifact of this digest in the repository, if it is there, and stores the result. */
    Optional<Verdict> verify(
            Project project, TrustPolicy policy, String repository, Digest digest, List<CosignVerifier.Key> keys) {
        Optional<ArtifactLookup.Located> artifact =
                artifacts.byDigest(project, repository, digest.toString(), Optional.empty());
        if (artifact.isEmpty()) {
            return Optional.empty();
        }
        Verdict verdict = judge(policy, repository, digest, keys);
        put(project, policy, artifact.get().artifactId(), digest, verdict);
        log.info(
                "event=trust_verified project={} repository={} digest={} version={} verified={} reason=\"{}\"",
                project.name(),
                repository,
                digest,
                policy.version(),
                verdict.verified(),
                verdict.reason());
        if (verdict.verified() && INDEXES.contains(artifact.get().manifestMediaType())) {
            for (Digest child : children(repository, digest)) {
                artifacts
                        .byDigest(project, repository, child.toString(), Optional.empty())
                        .ifPresent(c -> put(
                                project,
                                policy,
                                c.artifactId(),
                                child,
                                new Verdict(
                                        true,
                                        verdict.kind(),
                                        verdict.keyName(),
                                        verdict.signature(),
                                        "listed by the verified index " + digest + " (" + verdict.reason() + ")")));
            }
        }
        return Optional.of(verdict);
    }

    private Verdict judge(TrustPolicy policy, String repository, Digest digest, List<CosignVerifier.Key> keys) {
        Optional<Verdict> cosignVerdict = Optional.empty();
        if (policy.accepts(CosignVerifier.KIND)) {
            if (keys.isEmpty()) {
                cosignVerdict = Optional.of(Verdict.refused("the project's trust policy has no trusted keys"));
            } else {
                Verdict v = cosign.verify(repository, digest, keys);
                if (v.verified()) {
                    return v;
                }
                cosignVerdict = Optional.of(v);
            }
        }
        if (policy.accepts("notation")
                && content.referrers(repository, digest).stream()
                        .anyMatch(r -> NOTATION_SIGNATURE.equals(r.artifactType()))
                && (cosignVerdict.isEmpty() || cosignVerdict.get().signature().isEmpty())) {
            return Verdict.refused(
                    "notation", "", "a Notation signature is there, but Berth does not verify Notation signatures yet");
        }
        return cosignVerdict.orElse(Verdict.refused("the trust policy accepts no signature kind Berth verifies"));
    }

    private void put(Project project, TrustPolicy policy, long manifestId, Digest digest, Verdict v) {
        store.putResult(
                project.id(),
                new TrustStore.Result(
                        manifestId,
                        policy.version(),
                        digest.toString(),
                        v.verified(),
                        v.kind(),
                        v.keyName(),
                        v.signature().filter(s -> !s.isEmpty()),
                        v.reason(),
                        clock.instant()));
    }

    private List<Digest> children(String repository, Digest index) {
        Optional<RegistryContent.Manifest> manifest = content.manifest(repository, index.toString());
        if (manifest.isEmpty() || manifest.get().content().length > CosignVerifier.MAX_MANIFEST) {
            return List.of();
        }
        try {
            List<Digest> children = new ArrayList<>();
            for (JsonNode m : JSON.readTree(manifest.get().content()).path("manifests")) {
                Digest.parse(m.path("digest").asString("")).ifPresent(children::add);
                if (children.size() >= MAX_CHILDREN) {
                    break;
                }
            }
            return children;
        } catch (JacksonException e) {
            return List.of();
        }
    }
}
