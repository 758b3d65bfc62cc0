package dev.berth.signature;

import dev.berth.storage.Digest;
import dev.berth.support.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Pushes signatures laid out as cosign lays them out, over the registry API: the tag scheme
 * ({@code sha256-<hex>.sig}, an image manifest whose layers are simple-signing payloads with the
 * signature in an annotation) and OCI 1.1 referrers carrying a Sigstore bundle v0.3 with a DSSE
 * envelope (what {@code cosign sign --new-bundle-format} pushes).
 */
final class CosignLayouts {
    static final String BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private CosignLayouts() {}

    /** cosign's simple-signing payload for an image digest. */
    static byte[] payload(String reference, Digest subject) {
        return ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + reference
                        + "\"},\"image\":{\"docker-manifest-digest\":\"" + subject
                        + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Pushes {@code payload} and {@code signature} as the tag-scheme signature of {@code subject}. */
    static Digest pushTagSignature(
            RegistryClient client, String repo, Digest subject, byte[] payload, byte[] signature) {
        return pushTagSignature(client, repo, subject, payload, signature, java.util.Map.of());
    }

    /** The same with more layer annotations (a keyless signature's certificate and Rekor bundle). */
    static Digest pushTagSignature(
            RegistryClient client,
            String repo,
            Digest subject,
            byte[] payload,
            byte[] signature,
            java.util.Map<String, String> annotations) {
        StringBuilder more = new StringBuilder();
        annotations.forEach((k, v) -> more.append(",\"")
                .append(k)
                .append("\":\"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                .append('"'));
        Digest layer = client.pushBlob(repo, payload);
        byte[] config =
                ("{\"architecture\":\"\",\"os\":\"\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                                + layer + "\"]}}")
                        .getBytes(StandardCharsets.UTF_8);
        Digest configDigest = client.pushBlob(repo, config);
        String layerDescriptor = "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\""
                + layer + "\",\"size\":" + payload.length
                + ",\"annotations\":{\"dev.cosignproject.cosign/signature\":\""
                + Base64.getEncoder().encodeToString(signature) + "\"" + more + "}}";
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(RegistryClient.OCI_CONFIG, configDigest, config.length),
                List.of(layerDescriptor),
                null,
                null);
        return client.pushManifest(repo, tagOf(subject), RegistryClient.OCI_MANIFEST, manifest);
    }

    static String tagOf(Digest subject) {
        return subject.toString().replace("sha256:", "sha256-") + ".sig";
    }

    /** The in-toto statement cosign signs in a bundle: predicate type sign/v1 about the digest. */
    static byte[] statement(Digest subject, String predicateType) {
        return ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"sha256\":\"" + subject.hex()
                        + "\"}}],\"predicateType\":\"" + predicateType + "\",\"predicate\":{}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A bundle v0.3 holding a DSSE envelope of the statement with this signature over its PAE. */
    static byte[] dsseBundle(byte[] statement, byte[] signature, String keyHint) {
        return ("{\"mediaType\":\"" + BUNDLE + "\",\"verificationMaterial\":{\"publicKey\":{\"hint\":\"" + keyHint
                        + "\"},\"tlogEntries\":[]},\"dsseEnvelope\":{\"payload\":\""
                        + Base64.getEncoder().encodeToString(statement)
                        + "\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\""
                        + Base64.getEncoder().encodeToString(signature) + "\"}]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Pushes a bundle as an OCI 1.1 referrer of the subject, as cosign's new bundle format does. */
    static Digest pushBundle(RegistryClient client, String repo, Digest subject, byte[] subjectBytes, byte[] bundle) {
        Digest layer = client.pushBlob(repo, bundle);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        Digest emptyDigest = client.pushBlob(repo, empty);
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor("application/vnd.oci.empty.v1+json", emptyDigest, empty.length),
                List.of(RegistryClient.descriptor(BUNDLE, layer, bundle.length)),
                RegistryClient.descriptor(RegistryClient.OCI_MANIFEST, subject, subjectBytes.length),
                BUNDLE);
        return client.pushManifest(repo, Digest.sha256(manifest).toString(), RegistryClient.OCI_MANIFEST, manifest);
    }
}
