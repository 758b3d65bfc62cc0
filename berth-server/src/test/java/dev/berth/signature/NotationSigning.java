package dev.berth.signature;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import dev.berth.storage.Digest;
import dev.berth.support.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes Notation signatures in tests as the notation CLI lays them out: X.509 code-signing chains
 * (BouncyCastle), JWS envelopes (nimbus-jose-jwt) and COSE_Sign1 envelopes (the JDK, with CBOR
 * written here), and the OCI 1.1 signature manifest pushed as a referrer of the signed artifact.
 */
final class NotationSigning {
    static final String CTY = "application/vnd.cncf.notary.payload.v1+json";

    private NotationSigning() {}

    /** The key specs the Notary Project allows. */
    enum KeySpec {
        RSA2048,
        RSA3072,
        RSA4096,
        EC256,
        EC384,
        EC521;

        /** One key pair per spec for the test run: RSA key generation is slow on a loaded machine. */
        KeyPair shared() {
            return SHARED.computeIfAbsent(this, KeySpec::generate);
        }

        KeyPair generate() {
            try {
                return switch (this) {
                    case RSA2048 -> rsa(2048);
                    case RSA3072 -> rsa(3072);
                    case RSA4096 -> rsa(4096);
                    case EC256 -> ec("secp256r1");
                    case EC384 -> ec("secp384r1");
                    case EC521 -> ec("secp521r1");
                };
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        NotationAlgorithm algorithm() {
            return NotationAlgorithm.values()[ordinal()];
        }

        private static KeyPair rsa(int bits) throws GeneralSecurityException {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        }

        private static KeyPair ec(String curve) throws GeneralSecurityException {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        }
    }

    private static final Map<KeySpec, KeyPair> SHARED = new java.util.concurrent.ConcurrentHashMap<>();

    /** A certificate with its key pair. */
    record Issued(X509Certificate certificate, KeyPair keys) {}

    /** A root CA, an intermediate CA and a leaf code-signing certificate, leaf first. */
    record Chain(Issued leaf, Issued intermediate, Issued root) {
        List<X509Certificate> certificates() {
            return List.of(leaf.certificate(), intermediate.certificate(), root.certificate());
        }

        String rootPem() {
            return pem(root.certificate());
        }
    }

    static Chain chain(String leafSubject, KeySpec leafSpec, Instant notBefore, Instant notAfter) {
        Issued root = issue(
                "C=US,ST=WA,O=Berth Test,CN=Root " + leafSubject.hashCode(),
                KeySpec.EC384.generate(),
                null,
                true,
                notBefore.minusSeconds(86400),
                notAfter.plusSeconds(86400));
        Issued intermediate = issue(
                "C=US,ST=WA,O=Berth Test,CN=Intermediate",
                KeySpec.EC256.generate(),
                root,
                true,
                notBefore.minusSeconds(3600),
                notAfter.plusSeconds(3600));
        Issued leaf = issue(leafSubject, leafSpec.shared(), intermediate, false, notBefore, notAfter);
        return new Chain(leaf, intermediate, root);
    }

    static Issued issue(String subject, KeyPair keys, Issued issuer, boolean ca, Instant notBefore, Instant notAfter) {
        try {
            X500Name name = new X500Name(subject);
            X500Name issuerName = issuer == null
                    ? name
                    : X500Name.getInstance(
                            issuer.certificate().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    issuerName,
                    BigInteger.valueOf(System.nanoTime()),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    name,
                    keys.getPublic());
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            }
            KeyPair signer = issuer == null ? keys : issuer.keys();
            String algorithm = signer.getPrivate() instanceof ECPrivateKey ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
            return new Issued(certificate, keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Notation's payload: the signed artifact's descriptor. */
    static byte[] payload(String mediaType, Digest digest, long size) {
        return ("{\"targetArtifact\":{\"digest\":\"" + digest + "\",\"mediaType\":\"" + mediaType + "\",\"size\":"
                        + size + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** What goes into the protected header besides the algorithm. */
    record Claims(String scheme, Instant signingTime, Instant expiry) {
        static Claims now(Instant at) {
            return new Claims(NotationEnvelope.SCHEME_X509, at, null);
        }
    }

    /** A JWS envelope (JSON serialization, flattened) with the chain in x5c. */
    static byte[] jws(byte[] payload, List<X509Certificate> chain, KeyPair signer, NotationAlgorithm alg, Claims c) {
        try {
            List<String> critical = new ArrayList<>(List.of(NotationEnvelope.SIGNING_SCHEME));
            JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.parse(alg.jwsName()))
                    .contentType(CTY)
                    .customParam(NotationEnvelope.SIGNING_SCHEME, c.scheme())
                    .customParam(NotationEnvelope.SIGNING_TIME, c.signingTime().toString());
            if (c.expiry() != null) {
                header.customParam(NotationEnvelope.EXPIRY, c.expiry().toString());
                critical.add(NotationEnvelope.EXPIRY);
            }
            header.criticalParams(Set.copyOf(critical));
            JWSObject jws = new JWSObject(header.build(), new Payload(payload));
            JWSSigner s = signer.getPrivate() instanceof ECPrivateKey ec
                    ? new ECDSASigner(ec)
                    : new RSASSASigner(signer.getPrivate());
            jws.sign(s);
            List<String> x5c = new ArrayList<>();
            for (X509Certificate cert : chain) {
                x5c.add(Base64.getEncoder().encodeToString(cert.getEncoded()));
            }
            String[] parts = jws.serialize().split("\\.");
            return ("{\"payload\":\"" + parts[1] + "\",\"protected\":\"" + parts[0] + "\",\"header\":{\"x5c\":"
                            + x5c.stream()
                                    .map(x -> "\"" + x + "\"")
                                    .toList()
                                    .toString()
                                    .replace(" ", "")
                            + ",\"io.cncf.notary.signingAgent\":\"berth-test\"},\"signature\":\"" + parts[2] + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A COSE_Sign1 envelope (tag 18) with the chain in x5chain (label 33). */
    static byte[] cose(byte[] payload, List<X509Certificate> chain, KeyPair signer, NotationAlgorithm alg, Claims c) {
        Map<Object, Object> protectedHeader = new LinkedHashMap<>();
        protectedHeader.put(1L, (long) alg.coseId());
        List<Object> critical = new ArrayList<>(List.of(NotationEnvelope.SIGNING_SCHEME));
        if (c.expiry() != null) {
            critical.add(NotationEnvelope.EXPIRY);
        }
        protectedHeader.put(2L, critical);
        protectedHeader.put(3L, CTY);
        protectedHeader.put(NotationEnvelope.SIGNING_SCHEME, c.scheme());
        protectedHeader.put(
                NotationEnvelope.SIGNING_TIME, new Tagged(1, c.signingTime().getEpochSecond()));
        if (c.expiry() != null) {
            protectedHeader.put(
                    NotationEnvelope.EXPIRY, new Tagged(1, c.expiry().getEpochSecond()));
        }
        return cose(cbor(protectedHeader), payload, chain, signer, alg);
    }

    /** A COSE_Sign1 of a given (encoded) protected header. */
    static byte[] cose(
            byte[] protectedHeader,
            byte[] payload,
            List<X509Certificate> chain,
            KeyPair signer,
            NotationAlgorithm alg) {
        try {
            byte[] toSign = NotationEnvelope.sigStructure(protectedHeader, payload);
            Signature s;
            String hash = switch (alg) {
                case PS256, ES256 -> "SHA-256";
                case PS384, ES384 -> "SHA-384";
                case PS512, ES512 -> "SHA-512";
            };
            if (alg.name().startsWith("PS")) {
                s = Signature.getInstance("RSASSA-PSS");
                int saltLength = Integer.parseInt(hash.substring(4)) / 8;
                s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), saltLength, 1));
            } else {
                s = Signature.getInstance(hash.replace("-", "") + "withECDSAinP1363Format");
            }
            s.initSign(signer.getPrivate());
            s.update(toSign);
            byte[] signature = s.sign();
            List<Object> certs = new ArrayList<>();
            for (X509Certificate cert : chain) {
                certs.add(cert.getEncoded());
            }
            Map<Object, Object> unprotected = new LinkedHashMap<>();
            unprotected.put(33L, certs);
            unprotected.put("io.cncf.notary.signingAgent", "berth-test");
            return cbor(new Tagged(18, List.of(protectedHeader, unprotected, payload, signature)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CBOR tag around a value. */
    record Tagged(long tag, Object value) {}

    /** Encodes longs, strings, byte arrays, lists, maps and tags as CBOR (definite lengths). */
    static byte[] cbor(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        switch (value) {
            case Long l when l >= 0 -> head(out, 0, l);
            case Long l -> head(out, 1, -1 - l);
            case String s -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                head(out, 3, b.length);
                out.writeBytes(b);
            }
            case byte[] b -> {
                head(out, 2, b.length);
                out.writeBytes(b);
            }
            case List<?> list -> {
                head(out, 4, list.size());
                list.forEach(v -> write(out, v));
            }
            case Map<?, ?> map -> {
                head(out, 5, map.size());
                map.forEach((k, v) -> {
                    write(out, k);
                    write(out, v);
                });
            }
            case Tagged t -> {
                head(out, 6, t.tag());
                write(out, t.value());
            }
            default -> throw new IllegalArgumentException(String.valueOf(value));
        }
    }

    static void head(ByteArrayOutputStream out, int major, long n) {
        NotationEnvelope.head(out, major, n);
    }

    /** Pushes an envelope as Notation does: an OCI 1.1 referrer of the subject, one envelope layer. */
    static Digest push(
            RegistryClient client,
            String repo,
            Digest subject,
            String subjectMediaType,
            long subjectSize,
            String envelopeType,
            byte[] envelope) {
        Digest layer = client.pushBlob(repo, envelope);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        Digest emptyDigest = client.pushBlob(repo, empty);
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor("application/vnd.oci.empty.v1+json", emptyDigest, empty.length),
                List.of(RegistryClient.descriptor(envelopeType, layer, envelope.length)),
                RegistryClient.descriptor(subjectMediaType, subject, subjectSize),
                NotationVerifier.ARTIFACT_TYPE);
        return client.pushManifest(repo, Digest.sha256(manifest).toString(), RegistryClient.OCI_MANIFEST, manifest);
    }
}
