package dev.berth.signature;

import dev.berth.artifact.ArtifactLookup;
import dev.berth.project.Project;
import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private static final Set<String> INDEXES = Set.of(
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final int MAX_CHILDREN = 256;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TrustStore store;
    private final SigstoreRoots roots;
    private final CosignVerifier cosign;
    private final NotationVerifier notation;
    private final ArtifactLookup artifacts;
    private final RegistryContent content;
    private final Clock clock;

    TrustVerifications(
            TrustStore store,
            SigstoreRoots roots,
            CosignVerifier cosign,
            NotationVerifier notation,
            ArtifactLookup artifacts,
            RegistryContent content,
            Clock clock) {
        this.store = store;
        this.roots = roots;
        this.cosign = cosign;
        this.notation = notation;
        this.artifacts = artifacts;
        this.content = content;
        this.clock = clock;
    }

    /** What a project trusts: its cosign keys and identities and its Notation trust, parsed once for a batch. */
    record Trust(List<CosignVerifier.Key> keys, CosignVerifier.Keyless keyless, NotationVerifier.Trust notation) {}

    /** The project's trust, read and parsed once for a batch of verifications. */
    Trust trust(long projectId) {
        List<CosignVerifier.Key> keys = new ArrayList<>();
        for (TrustStore.TrustedKey k : store.keys(projectId)) {
            keys.add(new CosignVerifier.Key(k.name(), k.parsed()));
        }
        Map<String, NotationTrustStore> stores = new HashMap<>();
        for (TrustStore.StoredNotationStore s : store.notationStores(projectId)) {
            stores.put(s.store().ref(), s.store());
        }
        Optional<NotaryTrustPolicy> document = store.notationPolicy(projectId).map(NotaryTrustPolicy::parse);
        List<KeylessIdentity> identities = store.identities(projectId).stream()
                .map(TrustStore.StoredIdentity::identity)
                .toList();
        CosignVerifier.Keyless keyless = new CosignVerifier.Keyless(
                identities.isEmpty() ? roots.fallback().root() : roots.current().root(), identities);
        return new Trust(keys, keyless, new NotationVerifier.Trust(document, stores));
    }

    /** Verifies the artifact of this digest in the repository, if it is there, and stores the result. */
    Optional<Verdict> verify(Project project, TrustPolicy policy, String repository, Digest digest, Trust trust) {
        Optional<ArtifactLookup.Located> artifact =
                artifacts.byDigest(project, repository, digest.toString(), Optional.empty());
        if (artifact.isEmpty()) {
            return Optional.empty();
        }
        Verdict verdict = judge(policy, repository, digest, trust);
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

    private Verdict judge(TrustPolicy policy, String repository, Digest digest, Trust trust) {
        List<Verdict> refusals = new ArrayList<>();
        if (policy.accepts(CosignVerifier.KIND)) {
            Verdict v = trust.keys().isEmpty() && !trust.keyless().enabled()
                    ? Verdict.refused("the project's trust policy has no trusted keys or keyless identities")
                    : cosign.verify(repository, digest, trust.keys(), trust.keyless());
            if (v.verified()) {
                return v;
            }
            refusals.add(v);
        }
        if (policy.accepts(NotationVerifier.KIND)) {
            Verdict v = notation.verify(repository, digest, trust.notation(), clock.instant());
            if (v.verified()) {
                return v;
            }
            refusals.add(v);
        }
        // the reason about a signature that is there tells more than "no signature of that kind"
        return refusals.stream()
                .filter(v -> v.signature().isPresent())
                .findFirst()
                .or(() -> refusals.stream().findFirst())
                .orElse(Verdict.refused("the trust policy accepts no signature kind Berth verifies"));
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
