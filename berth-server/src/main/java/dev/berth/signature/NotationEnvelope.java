package dev.berth.signature;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.cbor.CBORFactory;
import tools.jackson.dataformat.cbor.CBORMapper;

/**
 * A Notary Project signature envelope, parsed and its integrity checked: the JWS JSON
 * serialization ({@code application/jose+json}) or a COSE_Sign1 ({@code application/cose}), as the
 * Notary Project signature specification lays them out. Integrity means: the signature verifies
 * under the first certificate of the envelope's own chain, with the one algorithm that
 * certificate's key allows, and every critical header is one the specification defines.
 * Whether that certificate is trusted is not this class's business ({@link NotationVerifier}).
 *
 * @param payload the signed payload (a JSON descriptor of the signed artifact)
 * @param chain the certificate chain, signing certificate first
 * @param signingTime the signer's claimed signing time ({@code notary.x509}: not authentic)
 * @param authenticSigningTime the signing time a signing authority vouches for
 */
record NotationEnvelope(
        byte[] payload,
        String signingScheme,
        Instant signingTime,
        Optional<Instant> expiry,
        Optional<Instant> authenticSigningTime,
        List<X509Certificate> chain,
        NotationAlgorithm algorithm) {
    static final String JWS = "application/jose+json";
    static final String COSE = "application/cose";
    static final Set<String> MEDIA_TYPES = Set.of(JWS, COSE);
    static final String PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json";
    static final String SCHEME_X509 = "notary.x509";
    static final String SCHEME_SIGNING_AUTHORITY = "notary.x509.signingAuthority";
    static final String SIGNING_SCHEME = "io.cncf.notary.signingScheme";
    static final String SIGNING_TIME = "io.cncf.notary.signingTime";
    static final String EXPIRY = "io.cncf.notary.expiry";
    static final String AUTHENTIC_SIGNING_TIME = "io.cncf.notary.authenticSigningTime";
    /** Envelopes beyond this are not parsed: real ones are a few KiB (a chain of a few certificates). */
    static final int MAX_ENVELOPE = 64 * 1024;

    static final int MAX_CHAIN = 10;
    private static final int MAX_DEPTH = 16;
    private static final Set<String> CRITICAL = Set.of(SIGNING_SCHEME, EXPIRY, AUTHENTIC_SIGNING_TIME);
    private static final JsonMapper JSON = JsonMapper.builder(JsonMapper.builder()
                    .build()
                    .tokenStreamFactory()
                    .rebuild()
                    .streamReadConstraints(limits())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final CBORMapper CBOR = CBORMapper.builder(
                    CBORFactory.builder().streamReadConstraints(limits()).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static StreamReadConstraints limits() {
        return StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxDocumentLength(MAX_ENVELOPE)
                .maxStringLength(MAX_ENVELOPE)
                .build();
    }

    /** An envelope that is malformed or whose signature does not verify; the message is the reason. */
    static final class Invalid extends RuntimeException {
        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    NotationEnvelope {
        chain = List.copyOf(chain);
    }

    X509Certificate signingCertificate() {
        return chain.getFirst();
    }

    /** Parses an envelope of {@code mediaType} and checks its integrity; {@link Invalid} otherwise. */
    static NotationEnvelope parse(String mediaType, byte[] bytes) {
        if (bytes.length > MAX_ENVELOPE) {
            throw new Invalid("the signature envelope is larger than " + MAX_ENVELOPE + " bytes");
        }
        return switch (mediaType) {
            case JWS -> jws(bytes);
            case COSE -> cose(bytes);
            default -> throw new Invalid("the signature envelope type " + mediaType + " is not JWS or COSE");
        };
    }

    // --- JWS (JSON serialization, flattened) ---

    private static NotationEnvelope jws(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new Invalid("the JWS envelope is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("the JWS envelope is not a JSON object");
        }
        String protectedPart = root.path("protected").asString("");
        String payloadPart = root.path("payload").asString("");
        String signaturePart = root.path("signature").asString("");
        if (protectedPart.isEmpty() || payloadPart.isEmpty() || signaturePart.isEmpty()) {
            throw new Invalid("the JWS envelope lacks its protected header, payload or signature");
        }
        List<X509Certificate> chain = new ArrayList<>();
        JsonNode x5c = root.path("header").path("x5c");
        if (!x5c.isArray()) {
            throw new Invalid("the JWS envelope has no certificate chain (x5c)");
        }
        for (JsonNode c : x5c) {
            chain.add(certificate(base64(c.asString(""))));
        }
        checkChainSize(chain);
        // The protected header is JSON too: read it within the same limits before nimbus does.
        JsonNode protectedJson;
        try {
            protectedJson = JSON.readTree(Base64URL.from(protectedPart).decode());
        } catch (JacksonException | IllegalArgumentException e) {
            throw new Invalid("the JWS protected header is not valid JSON");
        }
        if (protectedJson == null || !protectedJson.isObject()) {
            throw new Invalid("the JWS protected header is not a JSON object");
        }
        JWSObject jws;
        try {
            jws = new JWSObject(new Base64URL(protectedPart), new Base64URL(payloadPart), new Base64URL(signaturePart));
        } catch (ParseException e) {
            throw new Invalid("the JWS protected header is not valid: " + e.getMessage());
        }
        JWSHeader header = jws.getHeader();
        NotationAlgorithm algorithm = algorithmFor(
                chain.getFirst(),
                NotationAlgorithm.byJws(header.getAlgorithm().getName()),
                header.getAlgorithm().getName());
        if (!PAYLOAD_TYPE.equals(header.getContentType())) {
            throw new Invalid("the JWS payload content type (cty) is not " + PAYLOAD_TYPE);
        }
        Set<String> critical = header.getCriticalParams() == null ? Set.of() : header.getCriticalParams();
        String scheme = stringParam(header.getCustomParam(SIGNING_SCHEME), SIGNING_SCHEME);
        Instant signingTime = time(header.getCustomParam(SIGNING_TIME), SIGNING_TIME)
                .orElseThrow(() -> new Invalid("the JWS envelope has no signing time"));
        Optional<Instant> expiry = time(header.getCustomParam(EXPIRY), EXPIRY);
        Optional<Instant> authentic = time(header.getCustomParam(AUTHENTIC_SIGNING_TIME), AUTHENTIC_SIGNING_TIME);
        checkCritical(critical, expiry.isPresent(), authentic.isPresent());
        boolean valid;
        try {
            JWSVerifier verifier = switch (chain.getFirst().getPublicKey()) {
                case RSAPublicKey rsa -> new RSASSAVerifier(rsa, CRITICAL);
                case ECPublicKey ec -> new ECDSAVerifier(ec, CRITICAL);
                default -> throw new Invalid("the signing certificate's key is neither RSA nor ECDSA");
            };
            valid = jws.verify(verifier);
        } catch (JOSEException e) {
            valid = false;
        }
        if (!valid) {
            throw new Invalid("the signature does not verify under its signing certificate (altered, or forged)");
        }
        return new NotationEnvelope(
                jws.getPayload().toBytes(), scheme, signingTime, expiry, authentic, chain, algorithm);
    }

    private static String stringParam(Object value, String name) {
        if (value instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new Invalid("the envelope has no " + name);
    }

    private static Optional<Instant> time(Object value, String name) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String s)) {
            throw new Invalid(name + " is not an RFC 3339 time");
        }
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            throw new Invalid(name + " is not an RFC 3339 time");
        }
    }

    // --- COSE_Sign1 ---

    private static NotationEnvelope cose(byte[] bytes) {
        JsonNode root;
        try {
            root = CBOR.readTree(bytes);
        } catch (JacksonException e) {
            throw new Invalid("the COSE envelope is not valid CBOR");
        }
        if (root == null || !root.isArray() || root.size() != 4) {
            throw new Invalid("the COSE envelope is not a COSE_Sign1 (an array of four)");
        }
        byte[] protectedBytes = binary(root.get(0), "protected header");
        JsonNode unprotected = root.get(1);
        byte[] payload = binary(root.get(2), "payload");
        byte[] signature = binary(root.get(3), "signature");
        if (!unprotected.isObject()) {
            throw new Invalid("the COSE unprotected header is not a map");
        }
        JsonNode header;
        try {
            header = CBOR.readTree(protectedBytes);
        } catch (JacksonException e) {
            throw new Invalid("the COSE protected header is not valid CBOR");
        }
        if (header == null || !header.isObject()) {
            throw new Invalid("the COSE protected header is not a map");
        }
        List<X509Certificate> chain = new ArrayList<>();
        JsonNode x5chain = unprotected.path("33");
        if (x5chain.isBinary()) {
            chain.add(certificate(binary(x5chain, "certificate")));
        } else {
            for (JsonNode c : x5chain) {
                chain.add(certificate(binary(c, "certificate")));
            }
        }
        checkChainSize(chain);
        JsonNode alg = header.path("1");
        NotationAlgorithm algorithm = algorithmFor(
                chain.getFirst(),
                alg.isIntegralNumber() ? NotationAlgorithm.byCose(alg.asLong()) : Optional.empty(),
                alg.asString(String.valueOf(alg)));
        if (!PAYLOAD_TYPE.equals(header.path("3").asString(""))) {
            throw new Invalid("the COSE payload content type is not " + PAYLOAD_TYPE);
        }
        Set<String> critical = new HashSet<>();
        for (JsonNode c : header.path("2")) {
            critical.add(c.asString(String.valueOf(c)));
        }
        String scheme = header.path(SIGNING_SCHEME).asString("");
        if (scheme.isEmpty()) {
            throw new Invalid("the envelope has no " + SIGNING_SCHEME);
        }
        Instant signingTime = epoch(header.path(SIGNING_TIME), SIGNING_TIME)
                .orElseThrow(() -> new Invalid("the COSE envelope has no signing time"));
        Optional<Instant> expiry = epoch(header.path(EXPIRY), EXPIRY);
        Optional<Instant> authentic = epoch(header.path(AUTHENTIC_SIGNING_TIME), AUTHENTIC_SIGNING_TIME);
        checkCritical(critical, expiry.isPresent(), authentic.isPresent());
        if (!algorithm.verifiesRaw(chain.getFirst().getPublicKey(), sigStructure(protectedBytes, payload), signature)) {
            throw new Invalid("the signature does not verify under its signing certificate (altered, or forged)");
        }
        return new NotationEnvelope(payload, scheme, signingTime, expiry, authentic, chain, algorithm);
    }

    private static Optional<Instant> epoch(JsonNode value, String name) {
        if (value.isMissingNode()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber()) {
            throw new Invalid(name + " is not a CBOR date (seconds since the epoch)");
        }
        return Optional.of(Instant.ofEpochSecond(value.asLong()));
    }

    private static byte[] binary(JsonNode node, String what) {
        if (node == null || !node.isBinary()) {
            throw new Invalid("the COSE " + what + " is not a byte string");
        }
        return node.binaryValue();
    }

    /** COSE's Sig_structure for COSE_Sign1 with no external data: ["Signature1", protected, h'', payload]. */
    static byte[] sigStructure(byte[] protectedHeader, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(protectedHeader.length + payload.length + 32);
        out.write(0x84);
        byte[] context = "Signature1".getBytes(StandardCharsets.US_ASCII);
        head(out, 3, context.length);
        out.writeBytes(context);
        head(out, 2, protectedHeader.length);
        out.writeBytes(protectedHeader);
        head(out, 2, 0);
        head(out, 2, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** A CBOR item head: major type and length (or value), in the shortest form. */
    static void head(ByteArrayOutputStream out, int major, long length) {
        int type = major << 5;
        if (length < 24) {
            out.write(type | (int) length);
            return;
        }
        int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x100000000L ? 4 : 8;
        out.write(type | (23 + Integer.numberOfTrailingZeros(bytes) + 1));
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write((int) (length >> shift));
        }
    }

    // --- shared ---

    /** The algorithm the signing certificate's key allows, which must be the one the envelope names. */
    private static NotationAlgorithm algorithmFor(
            X509Certificate signer, Optional<NotationAlgorithm> named, String namedText) {
        NotationAlgorithm allowed = NotationAlgorithm.forKey(signer.getPublicKey())
                .orElseThrow(() -> new Invalid("the signing certificate's key is not one the Notary Project allows"
                        + " (RSA 2048/3072/4096, ECDSA P-256/P-384/P-521)"));
        if (named.isEmpty() || named.get() != allowed) {
            throw new Invalid("the envelope's algorithm " + shorten(namedText)
                    + " does not match the signing key, which" + " signs with " + allowed.jwsName());
        }
        return allowed;
    }

    private static void checkCritical(Set<String> critical, boolean expiry, boolean authenticSigningTime) {
        if (!critical.contains(SIGNING_SCHEME)
                || (expiry && !critical.contains(EXPIRY))
                || (authenticSigningTime && !critical.contains(AUTHENTIC_SIGNING_TIME))) {
            throw new Invalid(
                    "the envelope does not mark its signing scheme, expiry or authentic signing time critical");
        }
        for (String c : critical) {
            if (!CRITICAL.contains(c)) {
                throw new Invalid("the envelope has a critical header Berth does not know: " + shorten(c));
            }
        }
    }

    private static void checkChainSize(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new Invalid("the envelope has no certificate chain");
        }
        if (chain.size() > MAX_CHAIN) {
            throw new Invalid("the envelope's certificate chain is longer than " + MAX_CHAIN);
        }
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid("a certificate of the chain is not valid base64");
        }
    }

    static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new Invalid("a certificate of the chain is not a valid X.509 certificate");
        }
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
