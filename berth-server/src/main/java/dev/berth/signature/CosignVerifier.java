package dev.berth.signature;

import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Verifies an artifact's cosign signatures against a project's trusted public keys, in both of
 * cosign's storage schemes, reading only this registry's own content of the same repository:
 *
 * <ul>
 *   <li>the tag scheme: the manifest tagged {@code sha256-<hex>.sig}, whose layers are simple-signing
 *       payloads ({@code critical.image.docker-manifest-digest} must be the artifact's digest and
 *       {@code critical.type} cosign's) signed in the {@code dev.cosignproject.cosign/signature}
 *       annotation (base64, over the payload's exact bytes);
 *   <li>OCI 1.1 referrers of artifact type {@code application/vnd.dev.sigstore.bundle.v0.3+json}: a
 *       Sigstore bundle with a DSSE envelope holding an in-toto statement of predicate type {@code
 *       https://sigstore.dev/cosign/sign/v1} about the artifact's digest (what {@code cosign sign
 *       --new-bundle-format} writes), or a {@code messageSignature} over the artifact's manifest.
 * </ul>
 *
 * <p>Trust comes only from the configured keys and, for keyless signatures (a Fulcio certificate in
 * the {@code dev.sigstore.cosign/certificate} annotation or in the bundle's verification material),
 * from the project's trusted identities checked by {@link KeylessVerifier} against the site's
 * Sigstore trust root, with the transparency log evidence the signature carries ({@code
 * dev.sigstore.cosign/bundle}, or the bundle's {@code tlogEntries}). A key hint or a certificate a
 * signature carries never makes a key trusted by itself. Every read is bounded.
 */
@Component
class CosignVerifier {
    static final String KIND = "cosign";
    static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    static final String CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
    static final String BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle";
    /** cosign's tag-scheme RFC 3161 timestamp: {@code {"SignedRFC3161Timestamp": base64(DER TimeStampResp)}}. */
    static final String TIMESTAMP_ANNOTATION = "dev.sigstore.cosign/rfc3161timestamp";

    static final String COSIGN_TYPE = "cosign container image signature";
    static final Set<String> BUNDLE_TYPES = Set.of(
            "application/vnd.dev.sigstore.bundle.v0.3+json", "application/vnd.dev.sigstore.bundle+json;version=0.3");
    static final String SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";
    static final String IN_TOTO = "application/vnd.in-toto+json";
    /** Payloads and bundles beyond this are not read: real ones are a few KiB. */
    static final int MAX_PAYLOAD = 64 * 1024;
    /** Signature manifests beyond this are not parsed. */
    static final int MAX_MANIFEST = 256 * 1024;
    /** Layers of one signature manifest looked at, at most. */
    static final int MAX_LAYERS = 32;
    /** Signatures (referrers) of one artifact looked at, at most. */
    static final int MAX_REFERRERS = 64;

    static final String NOT_TRUSTED = "no trusted key verifies the signature (signed with another key, or altered)";

    private final RegistryContent content;

    CosignVerifier(RegistryContent content) {
        this.content = content;
    }

    /** A trusted key with its name, parsed. */
    record Key(String name, PublicKeyPem key) {}

    /** The keyless identities a project trusts and the trust root they are checked against. */
    record Keyless(SigstoreTrustedRoot root, List<KeylessIdentity> identities) {
        Keyless {
            identities = List.copyOf(identities);
        }

        boolean enabled() {
            return !identities.isEmpty();
        }
    }

    /**
     * Looks at every cosign signature of the artifact in its repository; verified when one of them
     * verifies under one of the keys. Otherwise the reason of the most telling failure.
     */
    Verdict verify(String repository, Digest subject, List<Key> keys, Keyless keyless) {
        List<Verdict> failures = new ArrayList<>();
        String tag = subject.algorithm().prefix() + "-" + subject.hex() + ".sig";
        Optional<RegistryContent.Manifest> tagged = content.manifest(repository, tag);
        if (tagged.isPresent()) {
            Verdict v = simpleSigning(repository, subject, tagged.get(), keys, keyless);
            if (v.verified()) {
                return v;
            }
            failures.add(v);
        }
        List<RegistryContent.SubjectReferrer> referrers = content.referrers(repository, subject).stream()
                .filter(r -> BUNDLE_TYPES.contains(r.artifactType()))
                .limit(MAX_REFERRERS)
                .toList();
        for (RegistryContent.SubjectReferrer referrer : referrers) {
            Optional<RegistryContent.Manifest> manifest =
                    content.manifest(repository, referrer.digest().toString());
            if (manifest.isEmpty()) {
                continue;
            }
            Verdict v = bundle(repository, subject, manifest.get(), keys, keyless);
            if (v.verified()) {
                return v;
            }
            failures.add(v);
        }
        if (failures.isEmpty()) {
            return Verdict.refused("no cosign signature in this repository");
        }
        return failures.getFirst();
    }

    private Verdict simpleSigning(
            String repository, Digest subject, RegistryContent.Manifest sig, List<Key> keys, Keyless keyless) {
        String at = sig.digest().toString();
        Optional<JsonNode> manifest = parse(sig.content(), MAX_MANIFEST);
        if (manifest.isEmpty()) {
            return Verdict.refused(KIND, at, "the signature manifest is not readable JSON");
        }
        Verdict last = Verdict.refused(KIND, at, "the signature manifest has no simple-signing layer");
        int seen = 0;
        for (JsonNode layer : manifest.get().path("layers")) {
            if (++seen > MAX_LAYERS) {
                break;
            }
            if (!SIMPLE_SIGNING.equals(layer.path("mediaType").asString(""))) {
                continue;
            }
            String encoded =
                    layer.path("annotations").path(SIGNATURE_ANNOTATION).asString("");
            Optional<byte[]> signature = base64(encoded);
            if (signature.isEmpty()) {
                last = Verdict.refused(
                        KIND, at, "a signature layer has no valid " + SIGNATURE_ANNOTATION + " annotation");
                continue;
            }
            Optional<byte[]> payload = blob(repository, layer);
            if (payload.isEmpty()) {
                last = Verdict.refused(
                        KIND, at, "a signature payload is missing or larger than " + MAX_PAYLOAD + " bytes");
                continue;
            }
            Verdict v = simpleSigningLayer(subject, at, payload.get(), signature.get(), keys);
            JsonNode annotations = layer.path("annotations");
            String certificate = annotations.path(CERTIFICATE_ANNOTATION).asString("");
            if (!v.verified() && keyless.enabled() && !certificate.isEmpty()) {
                v = keylessSimpleSigning(subject, at, payload.get(), signature.get(), annotations, keyless);
            }
            if (v.verified()) {
                return v;
            }
            last = v;
        }
        return last;
    }

    private static Verdict simpleSigningLayer(
            Digest subject, String at, byte[] payload, byte[] signature, List<Key> keys) {
        Optional<Key> signer = signer(keys, payload, signature);
        if (signer.isEmpty()) {
            return Verdict.refused(KIND, at, NOT_TRUSTED);
        }
        return payloadProblem(subject, payload)
                .map(problem -> Verdict.refused(KIND, at, problem))
                .orElseGet(() -> Verdict.verified(
                        KIND,
                        signer.get().name(),
                        at,
                        "signed by trusted key " + signer.get().name()));
    }

    /** Only what a trusted signer signed is believed: the payload must name this very artifact. */
    private static Optional<String> payloadProblem(Digest subject, byte[] payload) {
        Optional<JsonNode> json = parse(payload, MAX_PAYLOAD);
        if (json.isEmpty()) {
            return Optional.of("the signed payload is not JSON");
        }
        JsonNode critical = json.get().path("critical");
        if (!COSIGN_TYPE.equals(critical.path("type").asString(""))) {
            return Optional.of("the signed payload is not a cosign container image signature");
        }
        String named = critical.path("image").path("docker-manifest-digest").asString("");
        if (!subject.toString().equals(named)) {
            return Optional.of("the signature is for " + shorten(named) + ", not this artifact");
        }
        return Optional.empty();
    }

    /**
     * A keyless tag-scheme signature: the Fulcio certificate in {@code dev.sigstore.cosign/certificate}
     * (the {@code chain} annotation is not needed: the CA comes from the trust root), the Rekor entry
     * in {@code dev.sigstore.cosign/bundle}, a {@code hashedrekord} of the payload.
     */
    private static Verdict keylessSimpleSigning(
            Digest subject, String at, byte[] payload, byte[] signature, JsonNode annotations, Keyless keyless) {
        Optional<java.security.cert.X509Certificate> leaf = KeylessVerifier.pemCertificate(
                annotations.path(CERTIFICATE_ANNOTATION).asString(""));
        if (leaf.isEmpty()) {
            return Verdict.refused(KIND, at, "the " + CERTIFICATE_ANNOTATION + " annotation is not a PEM certificate");
        }
        List<RekorEntries.TlogEntry> entries = RekorEntries.annotationEntries(
                annotations.path(BUNDLE_ANNOTATION).asString(""));
        KeylessVerifier.Outcome outcome = KeylessVerifier.verify(
                leaf.get(),
                signature,
                KeylessVerifier.Signed.message(payload),
                entries,
                KeylessVerifier.annotationTimestamps(
                        annotations.path(TIMESTAMP_ANNOTATION).asString("")),
                keyless.root(),
                keyless.identities());
        return keylessVerdict(at, outcome, () -> payloadProblem(subject, payload));
    }

    private static Verdict keylessVerdict(
            String at, KeylessVerifier.Outcome outcome, java.util.function.Supplier<Optional<String>> contentProblem) {
        if (!outcome.verified()) {
            return Verdict.refused(KIND, at, outcome.reason());
        }
        Optional<String> problem = contentProblem.get();
        if (problem.isPresent()) {
            return Verdict.refused(KIND, at, problem.get());
        }
        return Verdict.verified(KIND, outcome.identity().orElseThrow().name(), at, outcome.reason());
    }

    private Verdict bundle(
            String repository, Digest subject, RegistryContent.Manifest sig, List<Key> keys, Keyless keyless) {
        String at = sig.digest().toString();
        Optional<JsonNode> manifest = parse(sig.content(), MAX_MANIFEST);
        if (manifest.isEmpty()) {
            return Verdict.refused(KIND, at, "the bundle manifest is not readable JSON");
        }
        Verdict last = Verdict.refused(KIND, at, "the bundle manifest has no bundle layer");
        int seen = 0;
        for (JsonNode layer : manifest.get().path("layers")) {
            if (++seen > MAX_LAYERS) {
                break;
            }
            if (!BUNDLE_TYPES.contains(layer.path("mediaType").asString(""))) {
                continue;
            }
            Optional<JsonNode> bundle = blob(repository, layer).flatMap(b -> parse(b, MAX_PAYLOAD));
            if (bundle.isEmpty()) {
                last = Verdict.refused(
                        KIND, at, "a bundle is missing, not JSON or larger than " + MAX_PAYLOAD + " bytes");
                continue;
            }
            Verdict v = bundleContent(repository, subject, at, bundle.get(), keys, keyless);
            if (v.verified()) {
                return v;
            }
            last = v;
        }
        return last;
    }

    private Verdict bundleContent(
            String repository, Digest subject, String at, JsonNode bundle, List<Key> keys, Keyless keyless) {
        if (!BUNDLE_TYPES.contains(bundle.path("mediaType").asString(""))) {
            return Verdict.refused(KIND, at, "the bundle is not a Sigstore bundle v0.3");
        }
        Optional<String> form = KeylessVerifier.bundleFormProblem(bundle);
        if (form.isPresent()) {
            return Verdict.refused(KIND, at, form.get());
        }
        Optional<java.security.cert.X509Certificate> leaf = KeylessVerifier.bundleCertificate(bundle);
        if (leaf.isPresent() && keyless.enabled()) {
            return keylessBundle(repository, subject, at, bundle, keyless);
        }
        JsonNode dsse = bundle.path("dsseEnvelope");
        if (dsse.isObject()) {
            return dsse(subject, at, dsse, keys);
        }
        JsonNode message = bundle.path("messageSignature");
        if (message.isObject()) {
            return messageSignature(repository, subject, at, message, keys);
        }
        return Verdict.refused(KIND, at, "the bundle holds neither a DSSE envelope nor a message signature");
    }

    private Verdict dsse(Digest subject, String at, JsonNode envelope, List<Key> keys) {
        String payloadType = envelope.path("payloadType").asString("");
        Optional<byte[]> payload = base64(envelope.path("payload").asString(""));
        if (!IN_TOTO.equals(payloadType) || payload.isEmpty()) {
            return Verdict.refused(KIND, at, "the DSSE envelope does not hold an in-toto statement");
        }
        byte[] pae = pae(payloadType, payload.get());
        Optional<Key> signer = Optional.empty();
        int seen = 0;
        for (JsonNode s : envelope.path("signatures")) {
            if (++seen > MAX_LAYERS || signer.isPresent()) {
                break;
            }
            Optional<byte[]> sig = base64(s.path("sig").asString(""));
            if (sig.isPresent()) {
                signer = signer(keys, pae, sig.get());
            }
        }
        if (signer.isEmpty()) {
            return Verdict.refused(KIND, at, NOT_TRUSTED);
        }
        String name = signer.get().name();
        return statementProblem(subject, payload.get())
                .map(problem -> Verdict.refused(KIND, at, problem))
                .orElseGet(() -> Verdict.verified(KIND, name, at, "signed by trusted key " + name));
    }

    /** The signed in-toto statement must be cosign's signature predicate about this artifact. */
    private static Optional<String> statementProblem(Digest subject, byte[] payload) {
        Optional<JsonNode> statement = parse(payload, MAX_PAYLOAD);
        if (statement.isEmpty()) {
            return Optional.of("the signed statement is not JSON");
        }
        if (!SIGN_PREDICATE.equals(statement.get().path("predicateType").asString(""))) {
            return Optional.of("the signed statement is an attestation, not a cosign signature");
        }
        String named = "";
        for (JsonNode s : statement.get().path("subject")) {
            String hex = s.path("digest").path(subject.algorithm().prefix()).asString("");
            if (hex.equals(subject.hex())) {
                return Optional.empty();
            }
            named = named.isEmpty() ? subject.algorithm().prefix() + ":" + hex : named;
        }
        return Optional.of("the signature is for " + shorten(named) + ", not this artifact");
    }

    /**
     * A keyless bundle: the certificate of its verification material, its {@code tlogEntries}, and
     * either a DSSE envelope (a {@code dsse} entry; the statement as for keyed signatures) or a
     * message signature over the artifact's manifest (a {@code hashedrekord} entry of its digest).
     */
    private Verdict keylessBundle(String repository, Digest subject, String at, JsonNode bundle, Keyless keyless) {
        JsonNode envelope = bundle.path("dsseEnvelope");
        if (envelope.isObject()) {
            String payloadType = envelope.path("payloadType").asString("");
            Optional<byte[]> payload = base64(envelope.path("payload").asString(""));
            if (!IN_TOTO.equals(payloadType) || payload.isEmpty()) {
                return Verdict.refused(KIND, at, "the DSSE envelope does not hold an in-toto statement");
            }
            KeylessVerifier.Signed signed = KeylessVerifier.Signed.dsse(pae(payloadType, payload.get()), payload.get());
            Verdict last = Verdict.refused(KIND, at, "the DSSE envelope has no signature");
            int seen = 0;
            for (JsonNode s : envelope.path("signatures")) {
                if (++seen > MAX_LAYERS) {
                    break;
                }
                Optional<byte[]> sig = base64(s.path("sig").asString(""));
                if (sig.isEmpty()) {
                    continue;
                }
                Verdict v = keylessVerdict(
                        at,
                        KeylessVerifier.verifyBundle(bundle, sig.get(), signed, keyless.root(), keyless.identities()),
                        () -> statementProblem(subject, payload.get()));
                if (v.verified()) {
                    return v;
                }
                last = v;
            }
            return last;
        }
        JsonNode message = bundle.path("messageSignature");
        if (!message.isObject()) {
            return Verdict.refused(KIND, at, "the bundle holds neither a DSSE envelope nor a message signature");
        }
        SignedMessage signed = signedMessage(repository, subject, at, message);
        if (signed.refusal().isPresent()) {
            return signed.refusal().get();
        }
        return keylessVerdict(
                at,
                KeylessVerifier.verifyBundle(
                        bundle,
                        signed.signature(),
                        KeylessVerifier.Signed.message(signed.manifest()),
                        keyless.root(),
                        keyless.identities()),
                Optional::empty);
    }

    /** A bundle's message signature and the manifest it signs, or why it cannot be about this artifact. */
    private record SignedMessage(Optional<Verdict> refusal, byte[] signature, byte[] manifest) {
        static SignedMessage refused(String at, String reason) {
            return new SignedMessage(Optional.of(Verdict.refused(KIND, at, reason)), new byte[0], new byte[0]);
        }
    }

    private SignedMessage signedMessage(String repository, Digest subject, String at, JsonNode message) {
        Optional<byte[]> sig = base64(message.path("signature").asString(""));
        if (sig.isEmpty()) {
            return SignedMessage.refused(at, "the message signature is not valid base64");
        }
        Optional<String> other = messageDigestProblem(subject, message);
        if (other.isPresent()) {
            return SignedMessage.refused(at, other.get());
        }
        // the signed message is the artifact's manifest itself, whose bytes have this digest
        Optional<RegistryContent.Manifest> manifest = content.manifest(repository, subject.toString());
        if (manifest.isEmpty()) {
            return SignedMessage.refused(at, "the artifact is gone");
        }
        return new SignedMessage(Optional.empty(), sig.get(), manifest.get().content());
    }

    private static Optional<String> messageDigestProblem(Digest subject, JsonNode message) {
        Optional<byte[]> digest =
                base64(message.path("messageDigest").path("digest").asString(""));
        String algorithm = message.path("messageDigest").path("algorithm").asString("");
        if (!"SHA2_256".equals(algorithm)
                || digest.isEmpty()
                || subject.algorithm() != Digest.Algorithm.SHA256
                || !HexFormat.of().formatHex(digest.get()).equals(subject.hex())) {
            return Optional.of("the message signature is for another digest, not this artifact");
        }
        return Optional.empty();
    }

    private Verdict messageSignature(String repository, Digest subject, String at, JsonNode message, List<Key> keys) {
        SignedMessage signed = signedMessage(repository, subject, at, message);
        if (signed.refusal().isPresent()) {
            return signed.refusal().get();
        }
        Optional<Key> signer = signer(keys, signed.manifest(), signed.signature());
        if (signer.isEmpty()) {
            return Verdict.refused(KIND, at, NOT_TRUSTED);
        }
        return Verdict.verified(
                KIND,
                signer.get().name(),
                at,
                "signed by trusted key " + signer.get().name());
    }

    /** DSSE's pre-authentication encoding, which its signatures sign. */
    static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + payload.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }

    private static Optional<Key> signer(List<Key> keys, byte[] message, byte[] signature) {
        for (Key key : keys) {
            if (key.key().type().verifies(key.key().key(), message, signature)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private Optional<byte[]> blob(String repository, JsonNode layer) {
        return SignatureContent.blob(content, repository, layer, MAX_PAYLOAD);
    }

    private static Optional<JsonNode> parse(byte[] bytes, int max) {
        return SignatureContent.object(bytes, max);
    }

    private static Optional<byte[]> base64(String text) {
        if (text.isEmpty() || text.length() > MAX_PAYLOAD * 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String shorten(String digest) {
        if (digest.isEmpty()) {
            return "another digest";
        }
        return digest.length() > 80 ? digest.substring(0, 80) + "…" : digest;
    }
}
