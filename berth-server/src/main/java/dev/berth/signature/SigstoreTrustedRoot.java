package dev.berth.signature;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A Sigstore trust root in the {@code trusted_root.json} format (the protobuf-specs {@code
 * TrustedRoot} message in its JSON form): the Fulcio certificate authorities and the Rekor
 * transparency logs keyless verification needs, the CT logs whose SCTs a Fulcio certificate must
 * carry, and the RFC 3161 timestamp authorities, each with its validity window.
 */
record SigstoreTrustedRoot(
        List<CertificateAuthority> authorities,
        List<Log> tlogs,
        List<Log> ctlogs,
        List<CertificateAuthority> timestampAuthorities) {
    static final String MEDIA_TYPE_PREFIX = "application/vnd.dev.sigstore.trustedroot";
    /** A trust root beyond this is refused: the public-good one is about 7 KiB. */
    static final int MAX_BYTES = 1024 * 1024;

    SigstoreTrustedRoot {
        authorities = List.copyOf(authorities);
        tlogs = List.copyOf(tlogs);
        ctlogs = List.copyOf(ctlogs);
        timestampAuthorities = List.copyOf(timestampAuthorities);
    }

    /**
     * A Fulcio CA, or an RFC 3161 timestamp authority: its chain (issuing or time-stamping
     * certificate first, root last) and when it was valid.
     */
    record CertificateAuthority(String uri, List<X509Certificate> chain, Instant start, Optional<Instant> end) {
        boolean validAt(Instant t) {
            return !t.isBefore(start) && end.map(e -> !t.isAfter(e)).orElse(true);
        }
    }

    /** A transparency log: its key, the key's id (SHA-256 of its DER form) and validity window. */
    record Log(String baseUrl, byte[] logId, PublicKey key, KeyType keyType, Instant start, Optional<Instant> end) {
        boolean validAt(Instant t) {
            return !t.isBefore(start) && end.map(e -> !t.isAfter(e)).orElse(true);
        }
    }

    Optional<Log> tlog(byte[] logId) {
        return tlogs.stream().filter(l -> Arrays.equals(l.logId(), logId)).findFirst();
    }

    /** Parses a trust root document; {@link IllegalArgumentException} with a reason when it is not one. */
    static SigstoreTrustedRoot parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw new IllegalArgumentException("the trust root is larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root = SignatureContent.object(json, MAX_BYTES)
                .orElseThrow(() -> new IllegalArgumentException("the trust root is not a JSON object"));
        String mediaType = root.path("mediaType").asString("");
        if (!mediaType.startsWith(MEDIA_TYPE_PREFIX)) {
            throw new IllegalArgumentException("mediaType must be " + MEDIA_TYPE_PREFIX + "+json;version=0.1");
        }
        List<CertificateAuthority> cas = authorities(root.path("certificateAuthorities"), "certificate authority ");
        List<Log> logs = logs(root.path("tlogs"), "transparency log ");
        List<Log> ctlogs = logs(root.path("ctlogs"), "CT log ");
        List<CertificateAuthority> tsas = authorities(root.path("timestampAuthorities"), "timestamp authority ");
        if (cas.isEmpty() || logs.isEmpty()) {
            throw new IllegalArgumentException(
                    "the trust root needs at least one certificate authority and one transparency log");
        }
        return new SigstoreTrustedRoot(cas, logs, ctlogs, tsas);
    }

    /** Fulcio CAs or timestamp authorities (the same {@code CertificateAuthority} message). */
    private static List<CertificateAuthority> authorities(JsonNode array, String kind) {
        List<CertificateAuthority> authorities = new ArrayList<>();
        int i = 0;
        for (JsonNode ca : array) {
            i++;
            String what = kind + i;
            List<X509Certificate> chain = new ArrayList<>();
            for (JsonNode c : ca.path("certChain").path("certificates")) {
                chain.add(certificate(base64(c.path("rawBytes").asString(""), what)));
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(what + " has no certificates");
            }
            JsonNode valid = ca.path("validFor");
            authorities.add(new CertificateAuthority(
                    ca.path("uri").asString(""), List.copyOf(chain), start(valid, what), end(valid)));
        }
        return authorities;
    }

    /** Transparency or CT logs: key (SPKI, or PKCS#1 for RSA as some CT logs have it), log id, validity. */
    private static List<Log> logs(JsonNode array, String kind) {
        List<Log> logs = new ArrayList<>();
        int i = 0;
        for (JsonNode log : array) {
            i++;
            String what = kind + i;
            JsonNode pk = log.path("publicKey");
            byte[] der = base64(pk.path("rawBytes").asString(""), what);
            PublicKey key = pk.path("keyDetails").asString("").startsWith("PKCS1_RSA")
                    ? pkcs1RsaKey(der, what)
                    : publicKey(der, what);
            KeyType type = KeyType.of(key)
                    .orElseThrow(() -> new IllegalArgumentException(what + " has a key type Berth does not verify"));
            // the log id as the root declares it (for Rekor v1 and CT logs, the SHA-256 of the DER key)
            byte[] logId = base64(log.path("logId").path("keyId").asString(""), what + " logId");
            JsonNode valid = pk.path("validFor");
            logs.add(new Log(log.path("baseUrl").asString(""), logId, key, type, start(valid, what), end(valid)));
        }
        return logs;
    }

    private static PublicKey pkcs1RsaKey(byte[] der, String what) {
        try {
            org.bouncycastle.asn1.pkcs.RSAPublicKey k = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new java.security.spec.RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(what + ": the public key is not a PKCS#1 RSA key");
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("a certificate is not DER X.509");
        }
    }

    private static PublicKey publicKey(byte[] der, String what) {
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next kind
            }
        }
        throw new IllegalArgumentException(what + ": the public key is not a DER SubjectPublicKeyInfo");
    }

    private static byte[] base64(String text, String what) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            if (bytes.length == 0) {
                throw new IllegalArgumentException(what + ": empty rawBytes");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": not base64");
        }
    }

    private static Instant start(JsonNode validFor, String what) {
        String start = validFor.path("start").asString("");
        if (start.isEmpty()) {
            throw new IllegalArgumentException(what + " has no validFor.start");
        }
        return instant(start, what);
    }

    private static Optional<Instant> end(JsonNode validFor) {
        String end = validFor.path("end").asString("");
        return end.isEmpty() ? Optional.empty() : Optional.of(instant(end, "validFor.end"));
    }

    private static Instant instant(String text, String what) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + ": " + text + " is not an RFC 3339 time");
        }
    }
}
