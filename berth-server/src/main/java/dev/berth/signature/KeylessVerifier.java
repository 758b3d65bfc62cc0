package dev.berth.signature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Offline verification of a keyless (Fulcio certificate) Sigstore signature against a trust root,
 * with the transparency-log evidence the signature carries. No network: Rekor is never asked; what
 * the signature brings (signed entry timestamp, inclusion proof and its signed checkpoint) is checked
 * against the log keys of the trust root.
 *
 * <p>The checks, in order: the certificate's key is one Berth verifies and the signature verifies
 * under it; a transparency log entry of a log the trust root names, whose body is this very signature,
 * certificate and artifact, with a signed entry timestamp by the log's key (the signing time is its
 * integrated time) and, when the entry has one, an inclusion proof leading to the root hash of a
 * checkpoint signed by the same key; the certificate issued by a certificate authority of the trust
 * root, everything valid at the signing time, for code signing; finally the certificate's OIDC issuer
 * (Fulcio's extensions 1.3.6.1.4.1.57264.1.8, else .1.1) and subject (its SAN) against the project's
 * trusted identities.
 */
final class KeylessVerifier {
    static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
    static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
    /** Transparency log entries of one signature looked at, at most. */
    static final int MAX_ENTRIES = 8;
    /** Inclusion proof hashes at most (a tree of 2^64 leaves needs 64). */
    static final int MAX_PROOF = 64;

    private KeylessVerifier() {}

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

    /**
     * What was signed: the exact bytes the signature is over, and how the log entry names them.
     *
     * @param digest for a {@code hashedrekord} entry, the SHA-256 of the signed artifact; for a
     *     {@code dsse} entry, the SHA-256 of the envelope's payload
     */
    record Signed(String entryKind, byte[] bytes, byte[] digest) {
        static Signed message(byte[] message) {
            return new Signed("hashedrekord", message, SigstoreTrustedRoot.sha256(message));
        }

        static Signed dsse(byte[] pae, byte[] payload) {
            return new Signed("dsse", pae, SigstoreTrustedRoot.sha256(payload));
        }
    }

    /** The outcome: on success the identity that trusted it and the certificate's issuer and subject. */
    record Outcome(boolean verified, String reason, Optional<KeylessIdentity> identity) {
        static Outcome refused(String reason) {
            return new Outcome(false, reason, Optional.empty());
        }
    }

    static Outcome verify(
            X509Certificate leaf,
            byte[] signature,
            Signed signed,
            List<TlogEntry> entries,
            SigstoreTrustedRoot root,
            List<KeylessIdentity> identities) {
        return verify(leaf, signature, signed, entries, List.of(), root, identities);
    }

    /**
     * @param timestamps the bundle's RFC 3161 timestamps (DER TimeStampResp each), possibly none
     */
    static Outcome verify(
            X509Certificate leaf,
            byte[] signature,
            Signed signed,
            List<TlogEntry> entries,
            List<byte[]> timestamps,
            SigstoreTrustedRoot root,
            List<KeylessIdentity> identities) {
        PublicKey key = leaf.getPublicKey();
        Optional<KeyType> type = KeyType.of(key);
        if (type.isEmpty()) {
            return Outcome.refused("the signing certificate's key is of a kind Berth does not verify");
        }
        if (!type.get().verifies(key, signed.bytes(), signature)) {
            return Outcome.refused(
                    "the signature does not verify under its certificate's key (the payload or signature was altered)");
        }
        if (entries.isEmpty()) {
            return Outcome.refused("the keyless signature has no transparency log entry (Rekor evidence is required)");
        }
        // one entry must be authenticated by its log (a SET, or an inclusion proof with a signed checkpoint)
        Optional<Logged> logged = Optional.empty();
        String failure = "";
        for (TlogEntry entry : entries.subList(0, Math.min(entries.size(), MAX_ENTRIES))) {
            Optional<SigstoreTrustedRoot.Log> log = root.tlog(entry.logId());
            Optional<String> problem = log.isEmpty()
                    ? Optional.of("the transparency log entry is from a log the trust root does not name")
                    : entryProblem(entry, leaf, signature, signed, log.get());
            if (problem.isEmpty()) {
                logged = Optional.of(new Logged(entry, log.get()));
                break;
            }
            failure = failure.isEmpty() ? problem.get() : failure;
        }
        if (logged.isEmpty()) {
            return Outcome.refused(failure);
        }
        // the signing times: the integrated time a SET signs, and every RFC 3161 timestamp
        List<Instant> times = new ArrayList<>();
        if (logged.get().entry().signedEntryTimestamp().isPresent()) {
            times.add(Instant.ofEpochSecond(logged.get().entry().integratedTime()));
        }
        if (timestamps.size() > Rfc3161Timestamps.MAX_TIMESTAMPS) {
            return Outcome.refused(
                    "the bundle has more than " + Rfc3161Timestamps.MAX_TIMESTAMPS + " RFC 3161 timestamps");
        }
        for (byte[] ts : timestamps) {
            Rfc3161Timestamps.Result r = Rfc3161Timestamps.verify(ts, signature, root);
            if (r.time().isEmpty()) {
                return Outcome.refused(r.problem());
            }
            times.add(r.time().get());
        }
        if (times.isEmpty()) {
            return Outcome.refused("the transparency log entry has no signed entry timestamp and the bundle no RFC 3161"
                    + " timestamp, so the signing time is not authenticated");
        }
        for (Instant t : times) {
            if (!logged.get().log().validAt(t)) {
                return Outcome.refused("the transparency log's key was not valid at the signing time " + t);
            }
            Optional<String> chain = chainProblem(leaf, root, t);
            if (chain.isPresent()) {
                return Outcome.refused(chain.get());
            }
        }
        if (!root.ctlogs().isEmpty()) {
            Optional<X509Certificate> issuing = root.authorities().stream()
                    .map(ca -> ca.chain().getFirst())
                    .filter(c -> leaf.getIssuerX500Principal().equals(c.getSubjectX500Principal())
                            && CertificateChains.signedBy(leaf, c))
                    .findFirst();
            Optional<String> sct = issuing.isEmpty()
                    ? Optional.of("the signing certificate is not issued by a certificate authority of the trust root")
                    : SignedCertificateTimestamps.problem(leaf, issuing.get(), root.ctlogs());
            if (sct.isPresent()) {
                return Outcome.refused(sct.get());
            }
        }
        String issuer = issuer(leaf).orElse("");
        String subject = subject(leaf).orElse("");
        if (issuer.isEmpty()) {
            return Outcome.refused("the signing certificate names no OIDC issuer (Fulcio extension)");
        }
        for (KeylessIdentity id : identities) {
            if (id.matches(issuer, subject)) {
                return new Outcome(
                        true,
                        "signed keyless by " + subject + " (issuer " + issuer + "), trusted identity " + id.name(),
                        Optional.of(id));
            }
        }
        boolean issuerKnown = identities.stream().anyMatch(id -> id.issuerMatches(issuer));
        return Outcome.refused(
                issuerKnown
                        ? "signed keyless by " + shorten(subject) + " (issuer " + shorten(issuer)
                                + "), which is not a trusted identity"
                        : "signed keyless with issuer " + shorten(issuer) + " (subject " + shorten(subject)
                                + "), which is not a trusted issuer");
    }

    // ---- transparency log ----

    /** The entry its log authenticated, and that log. */
    private record Logged(TlogEntry entry, SigstoreTrustedRoot.Log log) {}

    /**
     * Why the entry is not this signature's, authenticated by its log: a Rekor v1 entry has a SET
     * (and may have an inclusion proof, then checked too); a Rekor v2 entry has no SET nor integrated
     * time, only an inclusion proof with a signed checkpoint.
     */
    private static Optional<String> entryProblem(
            TlogEntry entry, X509Certificate leaf, byte[] signature, Signed signed, SigstoreTrustedRoot.Log log) {
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
            byte[] bodyBytes, X509Certificate leaf, byte[] signature, Signed signed) {
        Optional<JsonNode> body = SignatureContent.object(bodyBytes, CosignVerifier.MAX_PAYLOAD);
        if (body.isEmpty()) {
            return Optional.of("the transparency log entry's body is not JSON");
        }
        String kind = body.get().path("kind").asString("");
        String version = body.get().path("apiVersion").asString("");
        if (!("0.0.1".equals(version) || "0.0.2".equals(version))
                || !("hashedrekord".equals(kind) || "dsse".equals(kind))) {
            return Optional.of("the transparency log entry is of kind " + shorten(kind) + " " + shorten(version)
                    + "; Berth verifies hashedrekord and dsse entries of versions 0.0.1 and 0.0.2");
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
     * A Rekor v2 body (protobuf-specs {@code rekor/v2} Entry in its JSON form): {@code hashedrekord}
     * 0.0.2 records the SHA-256 of the signed bytes (for a DSSE envelope, of its PAE) and {@code dsse}
     * 0.0.2 the payload's; each names the signature and the verifier's DER certificate.
     */
    private static Optional<String> bodyV2Problem(
            String kind, JsonNode spec, X509Certificate leaf, byte[] signature, Signed signed) {
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

    private static final java.util.regex.Pattern PEM_BLOCK = java.util.regex.Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

    /** The first PEM certificate of a text (at most 64 KiB), if there is a valid one. */
    static Optional<X509Certificate> pemCertificate(String pem) {
        if (pem == null || pem.length() > CosignVerifier.MAX_PAYLOAD) {
            return Optional.empty();
        }
        java.util.regex.Matcher m = PEM_BLOCK.matcher(pem);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SigstoreTrustedRoot.certificate(
                    Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
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

    // ---- certificate chain ----

    private static Optional<String> chainProblem(X509Certificate leaf, SigstoreTrustedRoot root, Instant t) {
        Optional<String> timeProblem = Optional.empty();
        for (SigstoreTrustedRoot.CertificateAuthority ca : root.authorities()) {
            X509Certificate issuing = ca.chain().getFirst();
            if (!leaf.getIssuerX500Principal().equals(issuing.getSubjectX500Principal())
                    || !CertificateChains.signedBy(leaf, issuing)) {
                continue;
            }
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(leaf);
            chain.addAll(ca.chain());
            Optional<String> invalid = CertificateChains.invalidAt(chain, t);
            if (invalid.isPresent()) {
                timeProblem = timeProblem.or(() -> Optional.of(invalid.get() + " (signed at " + t + ")"));
                continue;
            }
            if (!ca.validAt(t)) {
                timeProblem = timeProblem.or(() ->
                        Optional.of("the certificate authority " + ca.uri() + " was not valid for issuing at " + t));
                continue;
            }
            if (leaf.getBasicConstraints() >= 0) {
                return Optional.of("the signing certificate is a CA certificate");
            }
            try {
                List<String> eku = leaf.getExtendedKeyUsage();
                if (eku == null || !eku.contains(CertificateChains.CODE_SIGNING)) {
                    return Optional.of("the signing certificate is not for code signing (extended key usage)");
                }
            } catch (CertificateParsingException e) {
                return Optional.of("the signing certificate's extended key usage is malformed");
            }
            return Optional.empty();
        }
        return Optional.of(timeProblem.orElse(
                "the signing certificate is not issued by a certificate authority of the trust root"));
    }

    // ---- Fulcio identity ----

    /** The OIDC issuer Fulcio recorded: extension .1.8 (a DER UTF8String), else the deprecated .1.1 (raw). */
    static Optional<String> issuer(X509Certificate cert) {
        byte[] v2 = octets(cert.getExtensionValue(ISSUER_V2));
        if (v2 != null) {
            byte[] utf8 = Der.content(v2, 0x0c);
            if (utf8 != null) {
                return Optional.of(new String(utf8, StandardCharsets.UTF_8));
            }
        }
        byte[] v1 = octets(cert.getExtensionValue(ISSUER_V1));
        return v1 == null ? Optional.empty() : Optional.of(new String(v1, StandardCharsets.UTF_8));
    }

    /** The certificate's identity: its first e-mail, URI or DNS subject alternative name. */
    static Optional<String> subject(X509Certificate cert) {
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names == null) {
                return Optional.empty();
            }
            for (List<?> name : names) {
                int type = (Integer) name.get(0);
                if ((type == 1 || type == 2 || type == 6) && name.get(1) instanceof String s) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
    }

    /** The content of the OCTET STRING {@link X509Certificate#getExtensionValue} returns. */
    private static byte[] octets(byte[] extensionValue) {
        return extensionValue == null ? null : Der.content(extensionValue, 0x04);
    }

    /** Just enough DER: the content of one element of an expected tag. */
    static final class Der {
        private Der() {}

        static byte[] content(byte[] der, int tag) {
            if (der.length < 2 || (der[0] & 0xff) != tag) {
                return null;
            }
            int len = der[1] & 0xff;
            int offset = 2;
            if (len > 0x80) {
                int n = len & 0x7f;
                if (n > 3 || der.length < 2 + n) {
                    return null;
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (der[2 + i] & 0xff);
                }
                offset = 2 + n;
            } else if (len == 0x80) {
                return null;
            }
            if (offset + len != der.length) {
                return null;
            }
            return Arrays.copyOfRange(der, offset, offset + len);
        }
    }

    // ---- reading the evidence of both cosign storage forms ----

    /** A Sigstore bundle's signing certificate ({@code certificate}, or the first of {@code x509CertificateChain}). */
    static Optional<X509Certificate> bundleCertificate(JsonNode bundle) {
        JsonNode material = bundle.path("verificationMaterial");
        String raw = material.path("certificate").path("rawBytes").asString("");
        if (raw.isEmpty()) {
            raw = material.path("x509CertificateChain")
                    .path("certificates")
                    .path(0)
                    .path("rawBytes")
                    .asString("");
        }
        byte[] der = decode(raw);
        if (der.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(SigstoreTrustedRoot.certificate(der));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A Sigstore bundle's RFC 3161 timestamps ({@code timestampVerificationData.rfc3161Timestamps}), DER. */
    static List<byte[]> bundleTimestamps(JsonNode bundle) {
        List<byte[]> timestamps = new ArrayList<>();
        for (JsonNode t : bundle.path("verificationMaterial")
                .path("timestampVerificationData")
                .path("rfc3161Timestamps")) {
            if (timestamps.size() > Rfc3161Timestamps.MAX_TIMESTAMPS) {
                break; // one too many is kept so that verify refuses the bundle
            }
            // protobuf JSON allows line-wrapped base64, which some signers write here
            String text = t.path("signedTimestamp").asString("");
            byte[] der;
            try {
                der = text.length() > 4 * Rfc3161Timestamps.MAX_BYTES
                        ? new byte[0]
                        : Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                der = new byte[0];
            }
            timestamps.add(der);
        }
        return timestamps;
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

    /**
     * cosign's {@code dev.sigstore.cosign/rfc3161timestamp} annotation of the tag scheme, {@code
     * {"SignedRFC3161Timestamp": b64}} (a timestamp over the raw signature, as in bundles); none
     * when absent. An annotation that is there but unreadable gives an empty token, which
     * verification refuses.
     */
    static List<byte[]> annotationTimestamps(String annotation) {
        if (annotation == null || annotation.isEmpty()) {
            return List.of();
        }
        Optional<JsonNode> json =
                SignatureContent.object(annotation.getBytes(StandardCharsets.UTF_8), CosignVerifier.MAX_PAYLOAD);
        return List.of(json.map(j -> decode(j.path("SignedRFC3161Timestamp").asString("")))
                .orElse(new byte[0]));
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

    // ---- helpers ----

    static byte[] hash(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] decode(String base64) {
        if (base64 == null || base64.isEmpty() || base64.length() > 4 * CosignVerifier.MAX_PAYLOAD) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static String shorten(String s) {
        if (s == null || s.isEmpty()) {
            return "(none)";
        }
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
