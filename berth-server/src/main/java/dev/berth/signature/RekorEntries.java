package dev.berth.signature;

import static dev.berth.signature.KeylessVerifier.decode;
import static dev.berth.signature.KeylessVerifier.hash;
import static dev.berth.signature.KeylessVerifier.pemCertificate;
import static dev.berth.signature.KeylessVerifier.shorten;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The transparency log evidence of a keyless Sigstore signature, checked offline against the log
 * keys of a trust root (Rekor is never asked): the entry's body must record this very signature,
 * certificate and artifact, and the log must vouch for the entry with a signed entry timestamp
 * (Rekor v1) or an inclusion proof leading to a checkpoint it signed (both, when both are there).
 * Reads both forms cosign stores the evidence in: a Sigstore bundle's {@code tlogEntries} and the
 * tag scheme's {@code dev.sigstore.cosign/bundle} annotation.
 */
final class RekorEntries {
    /** Transparency log entries of one signature looked at, at most. */
    static final int MAX_ENTRIES = 8;
    /** Inclusion proof hashes at most (a tree of 2^64 leaves needs 64). */
    static final int MAX_PROOF = 64;

    private RekorEntries() {}

    /** A transparency log entry as a signature carries it, in either cosign storage form. */
    record TlogEntry(
            byte[] logId,
            long logIndex,
            long integratedTime,
            byte[] body,
            Optional<byte[]> signedEntryTimestamp,
            Optional<InclusionProof> proof) {}

    /** A Merkle audit path to a root hash, with the log's signed checkpoint of that root. */
    record InclusionProof(long logIndex, long treeSize, byte[] rootHash, List<byte[]> hashes, String checkpoint) {}

    /** The entry its log authenticated, and that log. */
    record Logged(TlogEntry entry, SigstoreTrustedRoot.Log log) {}

    /** The entry authenticated by its log, or (empty) the reason the first entry that is not gave. */
    record Found(Optional<Logged> logged, String problem) {}

    /**
     * The first of the signature's entries (at most {@link #MAX_ENTRIES} are looked at) that records
     * this signature, certificate and artifact and is authenticated by a log the trust root names.
     */
    static Found authenticated(
            List<TlogEntry> entries,
            X509Certificate leaf,
            byte[] signature,
            KeylessVerifier.Signed signed,
            SigstoreTrustedRoot root) {
        String failure = "";
        for (TlogEntry entry : entries.subList(0, Math.min(entries.size(), MAX_ENTRIES))) {
            Optional<SigstoreTrustedRoot.Log> log = root.tlog(entry.logId());
            Optional<String> problem = log.isEmpty()
                    ? Optional.of("the transparency log entry is from a log the trust root does not name")
                    : entryProblem(entry, leaf, signature, signed, log.get());
            if (problem.isEmpty()) {
                return new Found(Optional.of(new Logged(entry, log.get())), "");
            }
            failure = failure.isEmpty() ? problem.get() : failure;
        }
        return new Found(Optional.empty(), failure);
    }

    /**
     * Why the entry is not this signature's, authenticated by its log: a Rekor v1 entry has a SET
     * (and may have an inclusion proof, then checked too); a Rekor v2 entry has no SET nor integrated
     * time, only an inclusion proof with a signed checkpoint.
     */
    private static Optional<String> entryProblem(
            TlogEntry entry,
            X509Certificate leaf,
            byte[] signature,
            KeylessVerifier.Signed signed,
            SigstoreTrustedRoot.Log log) {
        Optional<String> body = bodyProblem(entry.body(), leaf, signature, signed);
        if (body.isPresent()) {
            return body;
        }
        if (entry.signedEntryTimestamp().isEmpty() && entry.proof().isEmpty()) {
            return Optional.of(
                    "the transparency log entry has neither a signed entry timestamp nor an inclusion proof");
        }
        if (entry.signedEntryTimestamp().isPresent()) {
            if (!setVerifies(entry, log)) {
                return Optional.of("the transparency log's signed entry timestamp does not verify (altered entry)");
            }
            Instant t = Instant.ofEpochSecond(entry.integratedTime());
            if (!log.validAt(t)) {
                return Optional.of("the transparency log's key was not valid at the entry's time " + t);
            }
        }
        if (entry.proof().isPresent()) {
            Optional<String> proof = proofProblem(entry, entry.proof().get(), log);
            if (proof.isPresent()) {
                return proof;
            }
        }
        return Optional.empty();
    }

    /** The log entry's body must record this signature, this certificate and this artifact. */
    private static Optional<String> bodyProblem(
            byte[] bodyBytes, X509Certificate leaf, byte[] signature, KeylessVerifier.Signed signed) {
        Optional<JsonNode> body = SignatureContent.object(bodyBytes, CosignVerifier.MAX_PAYLOAD);
        if (body.isEmpty()) {
            return Optional.of("the transparency log entry's body is not JSON");
        }
        String kind = body.get().path("kind").asString("");
        String version = body.get().path("apiVersion").asString("");
        if ("intoto".equals(kind)) {
            return intotoProblem(version, body.get().path("spec"), leaf, signature, signed);
        }
        if (!("0.0.1".equals(version) || "0.0.2".equals(version))
                || !("hashedrekord".equals(kind) || "dsse".equals(kind))) {
            return Optional.of("the transparency log entry is of kind " + shorten(kind) + " " + shorten(version)
                    + "; Berth verifies hashedrekord and dsse entries of versions 0.0.1 and 0.0.2 and intoto 0.0.2");
        }
        if ("0.0.2".equals(version)) {
            return bodyV2Problem(kind, body.get().path("spec"), leaf, signature, signed);
        }
        if (!kind.equals(signed.entryKind())) {
            return Optional.of("the transparency log entry is of kind " + kind + ", not " + signed.entryKind());
        }
        JsonNode spec = body.get().path("spec");
        String digestHex = HexFormat.of().formatHex(signed.digest());
        if ("hashedrekord".equals(kind)) {
            JsonNode hash = spec.path("data").path("hash");
            if (!"sha256".equals(hash.path("algorithm").asString(""))
                    || !digestHex.equals(hash.path("value").asString(""))) {
                return Optional.of("the transparency log entry is for another artifact");
            }
            if (!Arrays.equals(
                    signature, decode(spec.path("signature").path("content").asString("")))) {
                return Optional.of("the transparency log entry records another signature");
            }
            if (!sameCertificate(
                    leaf,
                    spec.path("signature").path("publicKey").path("content").asString(""))) {
                return Optional.of("the transparency log entry records another certificate");
            }
            return Optional.empty();
        }
        if (!"sha256".equals(spec.path("payloadHash").path("algorithm").asString(""))
                || !digestHex.equals(spec.path("payloadHash").path("value").asString(""))) {
            return Optional.of("the transparency log entry is for another DSSE payload");
        }
        for (JsonNode s : spec.path("signatures")) {
            if (Arrays.equals(signature, decode(s.path("signature").asString("")))
                    && sameCertificate(leaf, s.path("verifier").asString(""))) {
                return Optional.empty();
            }
        }
        return Optional.of("the transparency log entry records another signature or certificate");
    }

    /**
     * An {@code intoto} 0.0.2 body (how sigstore clients logged DSSE attestations before the {@code
     * dsse} kind, npm provenance among them): the envelope's payload type and signatures without the
     * payload, its hash and the payload's. The signature is base64 of the envelope's base64 text and
     * the verifier a base64 PEM certificate. As for {@code dsse}, the payload hash and one signature
     * with its certificate must be this signature's; the envelope hash is not recomputed (it hashes
     * the envelope as the client serialised it; sigstore clients do not check it either). Version
     * 0.0.1 records no signature, so it cannot tie the entry to this one: refused.
     */
    private static Optional<String> intotoProblem(
            String version, JsonNode spec, X509Certificate leaf, byte[] signature, KeylessVerifier.Signed signed) {
        if (!"0.0.2".equals(version)) {
            return Optional.of("the transparency log entry is of kind intoto " + shorten(version)
                    + "; Berth verifies intoto entries of version 0.0.2 only (earlier ones record no signature)");
        }
        if (!"dsse".equals(signed.entryKind())) {
            return Optional.of(
                    "the transparency log entry is of kind intoto (a DSSE envelope), not " + signed.entryKind());
        }
        JsonNode content = spec.path("content");
        if (!"sha256".equals(content.path("payloadHash").path("algorithm").asString(""))
                || !HexFormat.of()
                        .formatHex(signed.digest())
                        .equals(content.path("payloadHash").path("value").asString(""))) {
            return Optional.of("the transparency log entry is for another DSSE payload");
        }
        int seen = 0;
        for (JsonNode s : content.path("envelope").path("signatures")) {
            if (++seen > MAX_ENTRIES) {
                break;
            }
            byte[] sig = decode(new String(decode(s.path("sig").asString("")), StandardCharsets.US_ASCII));
            if (Arrays.equals(signature, sig)
                    && sameCertificate(leaf, s.path("publicKey").asString(""))) {
                return Optional.empty();
            }
        }
        return Optional.of("the transparency log entry records another signature or certificate");
    }

    /**
     * A Rekor v2 body (protobuf-specs {@code rekor/v2} Entry in its JSON form): {@code hashedrekord}
     * 0.0.2 records the SHA-256 of the signed bytes (for a DSSE envelope, of its PAE) and {@code dsse}
     * 0.0.2 the payload's; each names the signature and the verifier's DER certificate.
     */
    private static Optional<String> bodyV2Problem(
            String kind, JsonNode spec, X509Certificate leaf, byte[] signature, KeylessVerifier.Signed signed) {
        if ("hashedrekord".equals(kind)) {
            JsonNode v = spec.path("hashedRekordV002");
            JsonNode data = v.path("data");
            if (!"SHA2_256".equals(data.path("algorithm").asString(""))
                    || !MessageDigest.isEqual(
                            SigstoreTrustedRoot.sha256(signed.bytes()),
                            decode(data.path("digest").asString("")))) {
                return Optional.of("the transparency log entry is for another artifact");
            }
            return v2SignatureProblem(v.path("signature"), leaf, signature)
                    .map(p -> "the transparency log entry records another " + p);
        }
        if (!"dsse".equals(signed.entryKind())) {
            return Optional.of("the transparency log entry is of kind dsse, not " + signed.entryKind());
        }
        JsonNode v = spec.path("dsseV002");
        JsonNode hash = v.path("payloadHash");
        if (!"SHA2_256".equals(hash.path("algorithm").asString(""))
                || !MessageDigest.isEqual(
                        signed.digest(), decode(hash.path("digest").asString("")))) {
            return Optional.of("the transparency log entry is for another DSSE payload");
        }
        int seen = 0;
        for (JsonNode s : v.path("signatures")) {
            if (++seen > MAX_ENTRIES) {
                break;
            }
            if (v2SignatureProblem(s, leaf, signature).isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of("the transparency log entry records another signature or certificate");
    }

    /** A v2 {@code Signature}: content and a verifier holding the very certificate; else what differs. */
    private static Optional<String> v2SignatureProblem(JsonNode sig, X509Certificate leaf, byte[] signature) {
        if (!Arrays.equals(signature, decode(sig.path("content").asString("")))) {
            return Optional.of("signature");
        }
        byte[] der = decode(
                sig.path("verifier").path("x509Certificate").path("rawBytes").asString(""));
        try {
            if (der.length == 0 || !Arrays.equals(der, leaf.getEncoded())) {
                return Optional.of("certificate");
            }
        } catch (GeneralSecurityException e) {
            return Optional.of("certificate");
        }
        return Optional.empty();
    }

    private static boolean sameCertificate(X509Certificate leaf, String base64Pem) {
        byte[] pem = decode(base64Pem);
        if (pem.length == 0) {
            return false;
        }
        try {
            Optional<X509Certificate> cert = pemCertificate(new String(pem, StandardCharsets.US_ASCII));
            return cert.isPresent() && Arrays.equals(cert.get().getEncoded(), leaf.getEncoded());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The SET signs the canonical JSON of the entry's body, integrated time, log id and index. */
    private static boolean setVerifies(TlogEntry entry, SigstoreTrustedRoot.Log log) {
        String canonical = "{\"body\":\"" + Base64.getEncoder().encodeToString(entry.body()) + "\",\"integratedTime\":"
                + entry.integratedTime() + ",\"logID\":\"" + HexFormat.of().formatHex(entry.logId())
                + "\",\"logIndex\":" + entry.logIndex() + "}";
        return log.keyType()
                .verifies(
                        log.key(),
                        canonical.getBytes(StandardCharsets.UTF_8),
                        entry.signedEntryTimestamp().orElseThrow());
    }

    private static Optional<String> proofProblem(TlogEntry entry, InclusionProof proof, SigstoreTrustedRoot.Log log) {
        if (proof.hashes().size() > MAX_PROOF || proof.logIndex() < 0 || proof.logIndex() >= proof.treeSize()) {
            return Optional.of("the inclusion proof is malformed");
        }
        byte[] leafHash = hash(new byte[] {0}, entry.body());
        byte[] computed = rootFromPath(proof.logIndex(), proof.treeSize(), leafHash, proof.hashes());
        if (computed == null || !MessageDigest.isEqual(computed, proof.rootHash())) {
            return Optional.of("the inclusion proof does not lead to the log's root hash (altered proof or entry)");
        }
        return checkpointProblem(proof, log);
    }

    /** RFC 9162 §2.1.3.2: the root hash an audit path leads to, or null when the path does not fit. */
    static byte[] rootFromPath(long index, long size, byte[] leafHash, List<byte[]> path) {
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = hash(new byte[] {1}, p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = hash(new byte[] {1}, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    /**
     * The checkpoint is a signed note: origin, tree size, base64 root hash (and optional lines), a
     * blank line, then signature lines {@code — <name> <base64(key hint ‖ signature)>}. One of them
     * must verify under the log's key, and the note must name the proof's tree size and root hash.
     */
    private static Optional<String> checkpointProblem(InclusionProof proof, SigstoreTrustedRoot.Log log) {
        String note = proof.checkpoint();
        int split = note.indexOf("\n\n");
        if (split < 0 || note.length() > 16 * 1024) {
            return Optional.of("the inclusion proof's checkpoint is malformed");
        }
        String text = note.substring(0, split + 1);
        String[] lines = text.split("\n");
        if (lines.length < 3) {
            return Optional.of("the inclusion proof's checkpoint is malformed");
        }
        boolean signedByLog = false;
        for (String line : note.substring(split + 2).split("\n")) {
            if (!line.startsWith("\u2014 ")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            byte[] sig = decode(line.substring(space + 1));
            // the key hint (first 4 bytes) names the log: the first 4 bytes of its log id
            if (sig.length > 4
                    && log.logId().length >= 4
                    && Arrays.equals(Arrays.copyOf(sig, 4), Arrays.copyOf(log.logId(), 4))
                    && log.keyType()
                            .verifies(
                                    log.key(),
                                    text.getBytes(StandardCharsets.UTF_8),
                                    Arrays.copyOfRange(sig, 4, sig.length))) {
                signedByLog = true;
                break;
            }
        }
        if (!signedByLog) {
            return Optional.of("the inclusion proof's checkpoint is not signed by the transparency log's key");
        }
        if (!lines[1].equals(Long.toString(proof.treeSize())) || !Arrays.equals(decode(lines[2]), proof.rootHash())) {
            return Optional.of("the inclusion proof's checkpoint names another tree size or root hash");
        }
        return Optional.empty();
    }

    /** A Sigstore bundle's transparency log entries ({@code verificationMaterial.tlogEntries}). */
    static List<TlogEntry> bundleEntries(JsonNode bundle) {
        List<TlogEntry> entries = new ArrayList<>();
        for (JsonNode e : bundle.path("verificationMaterial").path("tlogEntries")) {
            if (entries.size() >= MAX_ENTRIES) {
                break;
            }
            byte[] set = decode(
                    e.path("inclusionPromise").path("signedEntryTimestamp").asString(""));
            JsonNode p = e.path("inclusionProof");
            Optional<InclusionProof> proof = Optional.empty();
            if (p.isObject()) {
                List<byte[]> hashes = new ArrayList<>();
                for (JsonNode h : p.path("hashes")) {
                    if (hashes.size() > MAX_PROOF) {
                        break;
                    }
                    hashes.add(decode(h.asString("")));
                }
                proof = Optional.of(new InclusionProof(
                        number(p.path("logIndex")),
                        number(p.path("treeSize")),
                        decode(p.path("rootHash").asString("")),
                        hashes,
                        p.path("checkpoint").path("envelope").asString("")));
            }
            entries.add(new TlogEntry(
                    decode(e.path("logId").path("keyId").asString("")),
                    number(e.path("logIndex")),
                    number(e.path("integratedTime")),
                    decode(e.path("canonicalizedBody").asString("")),
                    set.length == 0 ? Optional.empty() : Optional.of(set),
                    proof));
        }
        return entries;
    }

    /**
     * cosign's {@code dev.sigstore.cosign/bundle} annotation of the tag scheme: {@code
     * {"SignedEntryTimestamp": b64, "Payload": {"body": b64, "integratedTime", "logIndex", "logID": hex}}}.
     */
    static List<TlogEntry> annotationEntries(String annotation) {
        Optional<JsonNode> json = annotation == null
                ? Optional.empty()
                : SignatureContent.object(annotation.getBytes(StandardCharsets.UTF_8), CosignVerifier.MAX_PAYLOAD);
        if (json.isEmpty()) {
            return List.of();
        }
        JsonNode payload = json.get().path("Payload");
        byte[] logId;
        try {
            logId = HexFormat.of().parseHex(payload.path("logID").asString(""));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        byte[] set = decode(json.get().path("SignedEntryTimestamp").asString(""));
        return List.of(new TlogEntry(
                logId,
                number(payload.path("logIndex")),
                number(payload.path("integratedTime")),
                decode(payload.path("body").asString("")),
                set.length == 0 ? Optional.empty() : Optional.of(set),
                Optional.empty()));
    }

    /** int64 fields are JSON strings in the protobuf JSON form and numbers in cosign's annotation. */
    private static long number(JsonNode n) {
        if (n.isNumber()) {
            return n.asLong();
        }
        try {
            return Long.parseLong(n.asString(""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
