package dev.berth.signature;

import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Verifies an artifact's Notation signatures (OCI 1.1 referrers of artifact type {@code
 * application/vnd.cncf.notary.signature}, one JWS or COSE envelope layer each) against the
 * project's Notary trust policy document and X.509 trust stores, in the order of the Notary Project's
 * trust policy specification: integrity (the envelope verifies under its signing certificate, whose
 * chain is well formed and was valid at the signing time), authenticity (a certificate of the chain
 * is in one of the policy's trust stores of the signing scheme's type, and the signing certificate's
 * subject is a trusted identity), authentic timestamp (the chain is valid now; for a signing
 * authority, at its authentic signing time), expiry — then that the payload names this artifact.
 *
 * <p>The policy's level says which failures are enforced and which only logged; Berth counts a
 * signature as verified only when integrity and authenticity hold, whatever the level (an {@code
 * audit} level does not make an untrusted signature trusted here). Revocation (OCSP, CRL) is not
 * checked: verification is offline. RFC 3161 timestamp countersignatures are not read, so for {@code
 * notary.x509} an expired certificate is expired.
 */
@Component
class NotationVerifier {
    static final String KIND = "notation";
    static final String ARTIFACT_TYPE = "application/vnd.cncf.notary.signature";

    private final RegistryContent content;

    NotationVerifier(RegistryContent content) {
        this.content = content;
    }

    /** A project's Notation trust: its trust policy document, if any, and its stores by reference. */
    record Trust(Optional<NotaryTrustPolicy> policy, Map<String, NotationTrustStore> stores) {}

    Verdict verify(String repository, Digest subject, Trust trust, Instant now) {
        List<RegistryContent.SubjectReferrer> signatures = content.referrers(repository, subject).stream()
                .filter(r -> ARTIFACT_TYPE.equals(r.artifactType()))
                .limit(CosignVerifier.MAX_REFERRERS)
                .toList();
        if (signatures.isEmpty()) {
            return Verdict.refused("no Notation signature in this repository");
        }
        Optional<NotaryTrustPolicy.Entry> entry = trust.policy().flatMap(p -> p.forRepository(repository));
        if (entry.isEmpty()) {
            return Verdict.refused(KIND, "", "no Notary trust policy of the project applies to " + repository);
        }
        if (entry.get().skips()) {
            return Verdict.refused(
                    KIND,
                    "",
                    "the Notary trust policy " + entry.get().name() + " skips verification for this repository");
        }
        Optional<RegistryContent.Manifest> artifact = content.manifest(repository, subject.toString());
        if (artifact.isEmpty()) {
            return Verdict.refused("the artifact is gone");
        }
        List<Verdict> failures = new ArrayList<>();
        for (RegistryContent.SubjectReferrer s : signatures) {
            Optional<RegistryContent.Manifest> manifest =
                    content.manifest(repository, s.digest().toString());
            if (manifest.isEmpty()) {
                continue;
            }
            Verdict v = signature(repository, artifact.get(), manifest.get(), entry.get(), trust.stores(), now);
            if (v.verified()) {
                return v;
            }
            failures.add(v);
        }
        return failures.isEmpty() ? Verdict.refused("no Notation signature in this repository") : failures.getFirst();
    }

    private Verdict signature(
            String repository,
            RegistryContent.Manifest artifact,
            RegistryContent.Manifest sig,
            NotaryTrustPolicy.Entry entry,
            Map<String, NotationTrustStore> stores,
            Instant now) {
        String at = sig.digest().toString();
        Optional<JsonNode> manifest = SignatureContent.object(sig.content(), CosignVerifier.MAX_MANIFEST);
        if (manifest.isEmpty()) {
            return Verdict.refused(KIND, at, "the signature manifest is not readable JSON");
        }
        JsonNode layers = manifest.get().path("layers");
        if (layers.size() != 1
                || !NotationEnvelope.MEDIA_TYPES.contains(
                        layers.get(0).path("mediaType").asString(""))) {
            return Verdict.refused(KIND, at, "the signature manifest does not hold exactly one JWS or COSE envelope");
        }
        JsonNode layer = layers.get(0);
        Optional<byte[]> bytes = SignatureContent.blob(content, repository, layer, NotationEnvelope.MAX_ENVELOPE);
        if (bytes.isEmpty()) {
            return Verdict.refused(
                    KIND,
                    at,
                    "the signature envelope is missing or larger than " + NotationEnvelope.MAX_ENVELOPE + " bytes");
        }
        return judge(entry, stores, layer.path("mediaType").asString(), bytes.get(), artifact, now, at);
    }

    /** The checks of one envelope, in the specification's order. */
    static Verdict judge(
            NotaryTrustPolicy.Entry entry,
            Map<String, NotationTrustStore> stores,
            String mediaType,
            byte[] envelopeBytes,
            RegistryContent.Manifest artifact,
            Instant now,
            String at) {
        Map<NotaryTrustPolicy.Check, NotaryTrustPolicy.Action> actions = entry.actions();
        NotationEnvelope envelope;
        try {
            envelope = NotationEnvelope.parse(mediaType, envelopeBytes);
        } catch (NotationEnvelope.Invalid e) {
            return Verdict.refused(KIND, at, e.getMessage());
        }
        // integrity, continued: the chain's shape, and its validity when it signed
        String storeType;
        Instant signedAt;
        switch (envelope.signingScheme()) {
            case NotationEnvelope.SCHEME_X509 -> {
                storeType = "ca";
                signedAt = envelope.signingTime();
            }
            case NotationEnvelope.SCHEME_SIGNING_AUTHORITY -> {
                storeType = "signingAuthority";
                if (envelope.authenticSigningTime().isEmpty()) {
                    return Verdict.refused(KIND, at, "a signing-authority signature has no authentic signing time");
                }
                signedAt = envelope.authenticSigningTime().get();
            }
            default -> {
                return Verdict.refused(
                        KIND, at, "the signing scheme is neither notary.x509 nor" + " notary.x509.signingAuthority");
            }
        }
        Optional<String> problem = CertificateChains.problem(envelope.chain());
        if (problem.isPresent()) {
            return Verdict.refused(KIND, at, problem.get());
        }
        Optional<String> notThen = CertificateChains.invalidAt(envelope.chain(), signedAt);
        if (notThen.isPresent()) {
            return Verdict.refused(KIND, at, "at the signing time " + signedAt + ", " + notThen.get());
        }
        // authenticity: always required for Berth to count the signature, whatever the level says
        Optional<String> store = trustedBy(entry, stores, storeType, envelope.chain());
        if (store.isEmpty()) {
            return Verdict.refused(
                    KIND,
                    at,
                    "no certificate of the signature's chain is in a " + storeType + " trust store of the Notary"
                            + " trust policy " + entry.name() + " (signed by "
                            + subject(envelope.signingCertificate()) + ")");
        }
        if (!entry.anyIdentity() && !trustedIdentity(entry, envelope.signingCertificate())) {
            return Verdict.refused(
                    KIND,
                    at,
                    "the signer " + subject(envelope.signingCertificate())
                            + " is not a trusted identity of the Notary trust policy " + entry.name());
        }
        List<String> logged = new ArrayList<>();
        if (storeType.equals("ca")) {
            Optional<String> notNow = CertificateChains.invalidAt(envelope.chain(), now);
            if (notNow.isPresent()) {
                switch (actions.get(NotaryTrustPolicy.Check.AUTHENTIC_TIMESTAMP)) {
                    case ENFORCE -> {
                        return Verdict.refused(KIND, at, notNow.get() + " (and there is no authentic timestamp)");
                    }
                    case LOG -> logged.add(notNow.get());
                    case SKIP -> {}
                }
            }
        }
        if (envelope.expiry().isPresent() && now.isAfter(envelope.expiry().get())) {
            String expired = "the signature expired on " + envelope.expiry().get();
            switch (actions.get(NotaryTrustPolicy.Check.EXPIRY)) {
                case ENFORCE -> {
                    return Verdict.refused(KIND, at, expired);
                }
                case LOG -> logged.add(expired);
                case SKIP -> {}
            }
        }
        Optional<String> wrongTarget = target(envelope.payload(), artifact);
        if (wrongTarget.isPresent()) {
            return Verdict.refused(KIND, at, wrongTarget.get());
        }
        return Verdict.verified(
                KIND,
                store.get(),
                at,
                "signed by " + subject(envelope.signingCertificate()) + " (trust store " + store.get()
                        + ", Notary trust policy " + entry.name() + ")"
                        + (logged.isEmpty() ? "" : "; logged, not enforced: " + String.join("; ", logged)));
    }

    /** The trust store of the entry that holds a certificate of the chain. */
    private static Optional<String> trustedBy(
            NotaryTrustPolicy.Entry entry,
            Map<String, NotationTrustStore> stores,
            String storeType,
            List<X509Certificate> chain) {
        for (String ref : entry.trustStores()) {
            NotationTrustStore store = stores.get(ref);
            if (store == null || !store.type().equals(storeType)) {
                continue;
            }
            for (X509Certificate trusted : store.certificates()) {
                if (chain.contains(trusted)) {
                    return Optional.of(ref);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether the signing certificate's subject has every attribute of one trusted identity. */
    private static boolean trustedIdentity(NotaryTrustPolicy.Entry entry, X509Certificate signer) {
        Optional<Map<String, String>> subject = NotaryTrustPolicy.distinguishedName(
                signer.getSubjectX500Principal().getName(X500Principal.RFC2253));
        if (subject.isEmpty()) {
            return false;
        }
        for (Map<String, String> identity : entry.identities()) {
            if (subject.get().entrySet().containsAll(identity.entrySet())) {
                return true;
            }
        }
        return false;
    }

    /** Why the payload does not name this artifact (digest, size and media type), if it does not. */
    private static Optional<String> target(byte[] payload, RegistryContent.Manifest artifact) {
        Optional<JsonNode> json = SignatureContent.object(payload, NotationEnvelope.MAX_ENVELOPE);
        if (json.isEmpty()) {
            return Optional.of("the signed payload is not JSON");
        }
        JsonNode target = json.get().path("targetArtifact");
        String digest = target.path("digest").asString("");
        if (!artifact.digest().toString().equals(digest)) {
            return Optional.of("the signature is for "
                    + (digest.isEmpty() ? "another digest" : digest.length() > 80 ? digest.substring(0, 80) : digest)
                    + ", not this artifact");
        }
        if (target.path("size").asLong(-1) != artifact.content().length
                || !artifact.mediaType().equals(target.path("mediaType").asString(""))) {
            return Optional.of("the signed descriptor's size or media type is not this artifact's");
        }
        return Optional.empty();
    }

    private static String subject(X509Certificate c) {
        String name = c.getSubjectX500Principal().getName(X500Principal.RFC2253);
        return "\"" + (name.length() > 200 ? name.substring(0, 200) + "…" : name) + "\"";
    }
}
