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
 * certificate and artifact, authenticated by its log ({@link RekorEntries}); the signing times (the
 * integrated time a signed entry timestamp signs, every RFC 3161 timestamp); the certificate issued by a certificate authority of the trust
 * root, everything valid at the signing time, for code signing; finally the certificate's OIDC issuer
 * (Fulcio's extensions 1.3.6.1.4.1.57264.1.8, else .1.1) and subject (its SAN) against the project's
 * trusted identities.
 */
final class KeylessVerifier {
    static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
    static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";

    private KeylessVerifier() {}

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
            List<RekorEntries.TlogEntry> entries,
            SigstoreTrustedRoot root,
            List<KeylessIdentity> identities) {
        return verify(leaf, signature, signed, entries, List.of(), root, identities);
    }

    /**
     * One signature of a Sigstore bundle, with the bundle's evidence: its form ({@link
     * #bundleFormProblem}), certificate, transparency log entries and RFC 3161 timestamps.
     */
    static Outcome verifyBundle(
            JsonNode bundle,
            byte[] signature,
            Signed signed,
            SigstoreTrustedRoot root,
            List<KeylessIdentity> identities) {
        Optional<String> form = bundleFormProblem(bundle);
        if (form.isPresent()) {
            return Outcome.refused(form.get());
        }
        Optional<X509Certificate> leaf = bundleCertificate(bundle);
        if (leaf.isEmpty()) {
            return Outcome.refused("the bundle holds no signing certificate");
        }
        return verify(
                leaf.get(),
                signature,
                signed,
                RekorEntries.bundleEntries(bundle),
                bundleTimestamps(bundle),
                root,
                identities);
    }

    /**
     * @param timestamps the bundle's RFC 3161 timestamps (DER TimeStampResp each), possibly none
     */
    static Outcome verify(
            X509Certificate leaf,
            byte[] signature,
            Signed signed,
            List<RekorEntries.TlogEntry> entries,
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
        RekorEntries.Found found = RekorEntries.authenticated(entries, leaf, signature, signed, root);
        if (found.logged().isEmpty()) {
            return Outcome.refused(found.problem());
        }
        RekorEntries.Logged logged = found.logged().get();
        // the signing times: the integrated time a SET signs, and every RFC 3161 timestamp
        List<Instant> times = new ArrayList<>();
        if (logged.entry().signedEntryTimestamp().isPresent()) {
            times.add(Instant.ofEpochSecond(logged.entry().integratedTime()));
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
            if (!logged.log().validAt(t)) {
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

    /**
     * Why a bundle is refused for its form alone, as sigstore clients refuse it when reading it
     * (sigstore-go's bundle validation): from v0.2 on, a bundle with transparency log entries must
     * carry an inclusion proof (a signed entry timestamp alone is not enough), and from v0.3 on its
     * certificate is a single {@code certificate}, not an {@code x509CertificateChain}.
     */
    static Optional<String> bundleFormProblem(JsonNode bundle) {
        Optional<int[]> version = bundleVersion(bundle.path("mediaType").asString(""));
        if (version.isEmpty()) {
            return Optional.of("the bundle's media type names no Sigstore bundle version");
        }
        boolean v02 = version.get()[0] > 0 || version.get()[1] >= 2;
        boolean v03 = version.get()[0] > 0 || version.get()[1] >= 3;
        JsonNode material = bundle.path("verificationMaterial");
        JsonNode entries = material.path("tlogEntries");
        if (v02 && !entries.isEmpty()) {
            boolean proof = false;
            for (JsonNode e : entries) {
                proof |= e.path("inclusionProof").isObject();
            }
            if (!proof) {
                return Optional.of("the bundle's transparency log entries have no inclusion proof (required from"
                        + " Sigstore bundle v0.2 on; a signed entry timestamp alone is not enough)");
            }
        }
        if (v03 && material.has("x509CertificateChain")) {
            return Optional.of("the bundle holds a certificate chain, which Sigstore bundles v0.3 do not allow");
        }
        return Optional.empty();
    }

    private static final java.util.regex.Pattern BUNDLE_VERSION = java.util.regex.Pattern.compile(
            "application/vnd\\.dev\\.sigstore\\.bundle(?:\\+json;version=|\\.v)(\\d{1,3})\\.(\\d{1,3})(?:\\+json)?");

    /** The major and minor version a bundle media type names ({@code …bundle+json;version=0.1}, {@code …bundle.v0.3+json}). */
    static Optional<int[]> bundleVersion(String mediaType) {
        java.util.regex.Matcher m = BUNDLE_VERSION.matcher(mediaType);
        return m.matches()
                ? Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))})
                : Optional.empty();
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

    static String shorten(String s) {
        if (s == null || s.isEmpty()) {
            return "(none)";
        }
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
