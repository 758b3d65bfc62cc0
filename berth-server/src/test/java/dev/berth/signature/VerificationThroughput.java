package dev.berth.signature;

import dev.berth.registry.RegistryContent;
import dev.berth.signature.NotationSigning.Chain;
import dev.berth.signature.NotationSigning.Claims;
import dev.berth.signature.NotationSigning.KeySpec;
import dev.berth.storage.Digest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Signature verifications per second on one thread, per kind: the cryptographic and parsing work of
 * one verification, without the registry reads (run by {@code bench/signatures.sh}; not a test).
 * Prints one line per kind: {@code kind ops_per_second}.
 */
public final class VerificationThroughput {
    private VerificationThroughput() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        Map<String, BooleanSupplier> kinds = new LinkedHashMap<>();
        byte[] message = "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8);
        for (SigningKeys type : SigningKeys.values()) {
            KeyPair pair = type.generate();
            PublicKeyPem key = PublicKeyPem.parse(SigningKeys.pem(pair));
            byte[] sig = type.sign(pair, message);
            kinds.put("cosign-" + key.type().wire(), () -> key.type().verifies(key.key(), message, sig));
        }
        Instant now = Instant.now();
        byte[] manifest = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
        RegistryContent.Manifest artifact = new RegistryContent.Manifest(
                Digest.sha256(manifest), "application/vnd.oci.image.manifest.v1+json", manifest);
        byte[] payload = NotationSigning.payload(artifact.mediaType(), artifact.digest(), manifest.length);
        NotaryTrustPolicy.Entry entry = new NotaryTrustPolicy.Entry(
                "bench",
                List.of("*"),
                new NotaryTrustPolicy.Verification("strict", null),
                List.of("ca:bench"),
                List.of("x509.subject: C=US, ST=WA, O=Berth"));
        for (KeySpec spec : List.of(KeySpec.EC256, KeySpec.RSA2048, KeySpec.RSA3072)) {
            Chain chain = NotationSigning.chain(
                    "C=US,ST=WA,O=Berth,CN=bench", spec, now.minusSeconds(60), now.plusSeconds(86400));
            Map<String, NotationTrustStore> stores =
                    Map.of("ca:bench", NotationTrustStore.parse("ca", "bench", chain.rootPem()));
            Claims claims = Claims.now(now.minusSeconds(1));
            byte[] jws = NotationSigning.jws(
                    payload, chain.certificates(), chain.leaf().keys(), spec.algorithm(), claims);
            byte[] cose = NotationSigning.cose(
                    payload, chain.certificates(), chain.leaf().keys(), spec.algorithm(), claims);
            kinds.put(
                    "notation-jws-" + spec.algorithm(),
                    () -> NotationVerifier.judge(entry, stores, NotationEnvelope.JWS, jws, artifact, now, "s")
                            .verified());
            kinds.put(
                    "notation-cose-" + spec.algorithm(),
                    () -> NotationVerifier.judge(entry, stores, NotationEnvelope.COSE, cose, artifact, now, "s")
                            .verified());
        }
        // keyless: a real public-good bundle (sigstore-java's test data) judged whole from its JSON:
        // parse, signature, SET, inclusion proof and checkpoint, Fulcio chain, identity
        try (var bundleIn = VerificationThroughput.class.getResourceAsStream(
                        "/signature/fixtures/sigstore/bundle.v3_1.sigstore");
                var artifactIn =
                        VerificationThroughput.class.getResourceAsStream("/signature/fixtures/sigstore/artifact.txt");
                var rootIn = VerificationThroughput.class.getResourceAsStream(SigstoreRoots.SHIPPED)) {
            byte[] bundleBytes = bundleIn.readAllBytes();
            byte[] artifactBytes = artifactIn.readAllBytes();
            SigstoreTrustedRoot root = SigstoreTrustedRoot.parse(rootIn.readAllBytes());
            List<KeylessIdentity> ids = List.of(
                    KeylessIdentity.of(1, "bench", "https://accounts.google.com", null, "appu@google.com", null));
            kinds.put("cosign-keyless-bundle", () -> {
                tools.jackson.databind.JsonNode bundle = SignatureContent.object(
                                bundleBytes, CosignVerifier.MAX_PAYLOAD)
                        .orElseThrow();
                byte[] sig = java.util.Base64.getDecoder()
                        .decode(bundle.path("messageSignature")
                                .path("signature")
                                .asString());
                return KeylessVerifier.verify(
                                KeylessVerifier.bundleCertificate(bundle).orElseThrow(),
                                sig,
                                KeylessVerifier.Signed.message(artifactBytes),
                                RekorEntries.bundleEntries(bundle),
                                root,
                                ids)
                        .verified();
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (Map.Entry<String, BooleanSupplier> kind : kinds.entrySet()) {
            run(kind.getValue(), 0.5); // warm up
            System.out.printf("%s %.0f%n", kind.getKey(), run(kind.getValue(), seconds));
        }
    }

    private static double run(BooleanSupplier verification, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long n = 0;
        while (System.nanoTime() < end) {
            if (!verification.getAsBoolean()) {
                throw new IllegalStateException("a benchmark signature did not verify");
            }
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
