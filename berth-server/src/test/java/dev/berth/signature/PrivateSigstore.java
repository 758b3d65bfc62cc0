package dev.berth.signature;

import dev.berth.signature.NotationSigning.Issued;
import dev.berth.signature.NotationSigning.KeySpec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private Sigstore deployment made in the test: a Fulcio-like CA (root and intermediate), a
 * Rekor-like log key, and the {@code trusted_root.json} naming them, so that a site's own trust root
 * can be put through the API. It issues short-lived certificates with Fulcio's extensions and writes
 * log evidence in the exact formats Rekor does (hashedrekord body, signed entry timestamp over the
 * canonical JSON, RFC 9162 inclusion proof and a signed-note checkpoint). The formats are checked
 * against real public-good signatures by {@link KeylessVerificationTest}.
 */
final class PrivateSigstore {
    final Issued root;
    final Issued intermediate;
    final KeyPair log = KeySpec.EC256.generate();
    final byte[] logId;
    final Instant start = Instant.now().minusSeconds(3600);
    /** A CT log (its SCTs go into the certificates {@link #certificate(String, String, KeyPair)} issues). */
    final KeyPair ct = KeySpec.EC256.generate();

    final byte[] ctLogId;
    /** An RFC 3161 timestamp authority: a root and its time-stamping certificate. */
    final Issued tsaRoot;

    final Issued tsa;

    PrivateSigstore() {
        root = NotationSigning.issue(
                "O=Private Sigstore,CN=fulcio root",
                KeySpec.EC384.generate(),
                null,
                true,
                start,
                start.plusSeconds(86400 * 30));
        intermediate = NotationSigning.issue(
                "O=Private Sigstore,CN=fulcio intermediate",
                KeySpec.EC256.generate(),
                root,
                true,
                start,
                start.plusSeconds(86400 * 30));
        logId = SigstoreTrustedRoot.sha256(log.getPublic().getEncoded());
        ctLogId = SigstoreTrustedRoot.sha256(ct.getPublic().getEncoded());
        tsaRoot = NotationSigning.issue(
                "O=Private Sigstore,CN=tsa root",
                KeySpec.EC256.generate(),
                null,
                true,
                start,
                start.plusSeconds(86400));
        tsa = timestampingCertificate(tsaRoot, start, start.plusSeconds(86400));
    }

    /** A time-stamping certificate (critical EKU timeStamping, as RFC 3161 wants) issued by {@code ca}. */
    static Issued timestampingCertificate(Issued ca, Instant notBefore, Instant notAfter) {
        try {
            KeyPair keys = KeySpec.EC256.generate();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(
                            ca.certificate().getSubjectX500Principal().getEncoded()),
                    BigInteger.valueOf(System.nanoTime()),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    new X500Name("O=Private Sigstore,CN=tsa"),
                    keys.getPublic());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
            X509Certificate c = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                            .build(ca.keys().getPrivate())));
            return new Issued(c, keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The trusted_root.json of this deployment with its CT log and timestamp authority too. */
    String trustedRootWithCtAndTsa() {
        return trustedRoot()
                .replace(
                        "\"ctlogs\":[]",
                        "\"ctlogs\":[{\"baseUrl\":\"https://ctfe.private.example\",\"hashAlgorithm\":\"SHA2_256\","
                                + "\"publicKey\":{\"rawBytes\":\""
                                + b64(ct.getPublic().getEncoded())
                                + "\",\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"validFor\":{\"start\":\"" + start
                                + "\"}},\"logId\":{\"keyId\":\"" + b64(ctLogId) + "\"}}]")
                .replace(
                        "\"timestampAuthorities\":[]",
                        "\"timestampAuthorities\":[{\"subject\":{\"organization\":\"Private Sigstore\",\"commonName\":"
                                + "\"tsa\"},\"uri\":\"https://tsa.private.example\",\"certChain\":{\"certificates\":["
                                + "{\"rawBytes\":\"" + der(tsa.certificate()) + "\"},{\"rawBytes\":\""
                                + der(tsaRoot.certificate()) + "\"}]},\"validFor\":{\"start\":\"" + start + "\"}}]");
    }

    /**
     * An RFC 3161 TimeStampResp (DER) over the SHA-256 of {@code signature} at {@code time}, signed by
     * {@code by} (a time-stamping certificate), with that certificate embedded.
     */
    static byte[] timestamp(byte[] signature, Issued by, Instant time) {
        try {
            var generator = new org.bouncycastle.tsp.TimeStampTokenGenerator(
                    new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder()
                            .build("SHA256withECDSA", by.keys().getPrivate(), by.certificate()),
                    new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder()
                            .build()
                            .get(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                                    org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256)),
                    new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.2"));
            generator.addCertificates(new org.bouncycastle.cert.jcajce.JcaCertStore(List.of(by.certificate())));
            var request = new org.bouncycastle.tsp.TimeStampRequestGenerator()
                    .generate(
                            org.bouncycastle.tsp.TSPAlgorithms.SHA256,
                            SigstoreTrustedRoot.sha256(signature),
                            BigInteger.valueOf(System.nanoTime()));
            return new org.bouncycastle.tsp.TimeStampResponseGenerator(
                            generator, org.bouncycastle.tsp.TSPAlgorithms.ALLOWED)
                    .generate(request, BigInteger.valueOf(System.nanoTime()), Date.from(time))
                    .getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The trusted_root.json of this deployment. */
    String trustedRoot() {
        return "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\",\"tlogs\":[{\"baseUrl\":"
                + "\"https://rekor.private.example\",\"hashAlgorithm\":\"SHA2_256\",\"publicKey\":{\"rawBytes\":\""
                + b64(log.getPublic().getEncoded())
                + "\",\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"validFor\":{\"start\":\""
                + start + "\"}},\"logId\":{\"keyId\":\"" + b64(logId)
                + "\"}}],\"certificateAuthorities\":[{\"subject\":"
                + "{\"organization\":\"Private Sigstore\",\"commonName\":\"fulcio\"},\"uri\":\"https://fulcio.private.example\","
                + "\"certChain\":{\"certificates\":[{\"rawBytes\":\"" + der(intermediate.certificate())
                + "\"},{\"rawBytes\":\""
                + der(root.certificate()) + "\"}]},\"validFor\":{\"start\":\"" + start + "\"}}],\"ctlogs\":[],"
                + "\"timestampAuthorities\":[]}";
    }

    /** A Fulcio-style signing certificate for an e-mail identity, valid for ten minutes from now. */
    Issued certificate(String issuer, String email) {
        return certificate(issuer, email, null);
    }

    /**
     * The same with an embedded SCT signed by {@code ctKey} under this deployment's CT log id (a CT
     * log's key, or another key claiming to be it), over the precertificate as RFC 6962 defines it:
     * the certificate's TBS without the SCT list. {@code null}: no SCT.
     */
    Issued certificate(String issuer, String email, KeyPair ctKey) {
        try {
            KeyPair keys = KeySpec.EC256.generate();
            Instant now = Instant.now().minusSeconds(5);
            BigInteger serial = BigInteger.valueOf(System.nanoTime());
            X509Certificate pre = build(issuer, email, keys, now, serial, null);
            if (ctKey == null) {
                return new Issued(pre, keys);
            }
            long when = now.toEpochMilli() + 1000;
            SignedCertificateTimestamps.Sct unsigned =
                    new SignedCertificateTimestamps.Sct(0, ctLogId, when, new byte[0], 4, new byte[0]);
            byte[] signed = SignedCertificateTimestamps.signedData(
                    unsigned,
                    SigstoreTrustedRoot.sha256(
                            intermediate.certificate().getPublicKey().getEncoded()),
                    pre.getTBSCertificate());
            byte[] sig = sign(ctKey, signed);
            java.io.ByteArrayOutputStream sct = new java.io.ByteArrayOutputStream();
            sct.write(0);
            sct.writeBytes(ctLogId);
            sct.writeBytes(java.nio.ByteBuffer.allocate(8).putLong(when).array());
            sct.writeBytes(new byte[] {0, 0, 4, 3, (byte) (sig.length >> 8), (byte) sig.length});
            sct.writeBytes(sig);
            byte[] one = sct.toByteArray();
            byte[] list = new byte[4 + one.length];
            list[0] = (byte) ((one.length + 2) >> 8);
            list[1] = (byte) (one.length + 2);
            list[2] = (byte) (one.length >> 8);
            list[3] = (byte) one.length;
            System.arraycopy(one, 0, list, 4, one.length);
            return new Issued(build(issuer, email, keys, now, serial, list), keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate build(
            String issuer, String email, KeyPair keys, Instant now, BigInteger serial, byte[] scts) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(
                            intermediate.certificate().getSubjectX500Principal().getEncoded()),
                    serial,
                    Date.from(now),
                    Date.from(now.plusSeconds(600)),
                    new X500Name(""),
                    keys.getPublic());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            b.addExtension(
                    Extension.subjectAlternativeName,
                    true,
                    new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
            b.addExtension(new Extension(
                    new ASN1ObjectIdentifier(KeylessVerifier.ISSUER_V1),
                    false,
                    issuer.getBytes(StandardCharsets.UTF_8)));
            b.addExtension(new Extension(
                    new ASN1ObjectIdentifier(KeylessVerifier.ISSUER_V2),
                    false,
                    new DERUTF8String(issuer).getEncoded()));
            if (scts != null) {
                b.addExtension(new Extension(
                        new ASN1ObjectIdentifier(SignedCertificateTimestamps.SCT_LIST),
                        false,
                        new org.bouncycastle.asn1.DEROctetString(scts).getEncoded()));
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                            .build(intermediate.keys().getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sign(KeyPair keys, byte[] message) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A log entry as Rekor writes it for a signature over {@code artifact}. */
    record Entry(byte[] body, long logIndex, long integratedTime, byte[] set, Proof proof) {}

    record Proof(long index, long treeSize, byte[] root, List<byte[]> hashes, String checkpoint) {}

    Entry log(byte[] artifact, byte[] signature, X509Certificate cert) {
        String body = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":"
                + "\"sha256\",\"value\":\"" + HexFormat.of().formatHex(SigstoreTrustedRoot.sha256(artifact))
                + "\"}},\"signature\":{\"content\":\"" + b64(signature) + "\",\"publicKey\":{\"content\":\""
                + b64(NotationSigning.pem(cert).getBytes(StandardCharsets.US_ASCII)) + "\"}}}}";
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        long logIndex = 1000 + (System.nanoTime() & 0xffff);
        long integratedTime = Instant.now().getEpochSecond();
        String canonical = "{\"body\":\"" + b64(bodyBytes) + "\",\"integratedTime\":" + integratedTime + ",\"logID\":\""
                + HexFormat.of().formatHex(logId) + "\",\"logIndex\":" + logIndex + "}";
        byte[] set = sign(log, canonical.getBytes(StandardCharsets.UTF_8));
        // a tree of 7 leaves with this entry at index 5
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            leaves.add(KeylessVerifier.hash(new byte[] {0}, i == 5 ? bodyBytes : ("other " + i).getBytes()));
        }
        byte[] treeRoot = mth(leaves);
        List<byte[]> path = path(5, leaves);
        String note = "rekor.private.example - 42\n7\n" + b64(treeRoot) + "\n";
        byte[] sig = sign(log, note.getBytes(StandardCharsets.UTF_8));
        byte[] hinted = new byte[4 + sig.length];
        System.arraycopy(logId, 0, hinted, 0, 4);
        System.arraycopy(sig, 0, hinted, 4, sig.length);
        String checkpoint = note + "\n\u2014 rekor.private.example " + b64(hinted) + "\n";
        return new Entry(bodyBytes, logIndex, integratedTime, set, new Proof(5, 7, treeRoot, path, checkpoint));
    }

    /** cosign's dev.sigstore.cosign/bundle annotation for an entry. */
    String annotation(Entry e) {
        return "{\"SignedEntryTimestamp\":\"" + b64(e.set()) + "\",\"Payload\":{\"body\":\"" + b64(e.body())
                + "\",\"integratedTime\":" + e.integratedTime() + ",\"logIndex\":" + e.logIndex() + ",\"logID\":\""
                + HexFormat.of().formatHex(logId) + "\"}}";
    }

    /** A bundle v0.3 with a message signature over an artifact (an image manifest) and its log entry. */
    String messageBundle(byte[] artifact, byte[] signature, X509Certificate cert, Entry e) {
        StringBuilder hashes = new StringBuilder();
        for (byte[] h : e.proof().hashes()) {
            hashes.append(hashes.isEmpty() ? "" : ",")
                    .append('"')
                    .append(b64(h))
                    .append('"');
        }
        return "{\"mediaType\":\"" + CosignLayouts.BUNDLE
                + "\",\"verificationMaterial\":{\"certificate\":{\"rawBytes\":\""
                + der(cert) + "\"},\"tlogEntries\":[{\"logIndex\":\"" + e.logIndex() + "\",\"logId\":{\"keyId\":\""
                + b64(logId) + "\"},\"kindVersion\":{\"kind\":\"hashedrekord\",\"version\":\"0.0.1\"},"
                + "\"integratedTime\":\"" + e.integratedTime() + "\",\"inclusionPromise\":{\"signedEntryTimestamp\":\""
                + b64(e.set()) + "\"},\"inclusionProof\":{\"logIndex\":\""
                + e.proof().index() + "\",\"rootHash\":\""
                + b64(e.proof().root()) + "\",\"treeSize\":\"" + e.proof().treeSize() + "\",\"hashes\":[" + hashes
                + "],\"checkpoint\":{\"envelope\":" + json(e.proof().checkpoint()) + "}},\"canonicalizedBody\":\""
                + b64(e.body())
                + "\"}]},\"messageSignature\":{\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":\""
                + b64(SigstoreTrustedRoot.sha256(artifact)) + "\"},\"signature\":\"" + b64(signature) + "\"}}";
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** RFC 6962 Merkle tree hash. */
    static byte[] mth(List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return leaves.getFirst();
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return KeylessVerifier.hash(new byte[] {1}, mth(leaves.subList(0, k)), mth(leaves.subList(k, leaves.size())));
    }

    /** RFC 6962 audit path of leaf m. */
    static List<byte[]> path(int m, List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return new ArrayList<>();
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        List<byte[]> p;
        if (m < k) {
            p = path(m, leaves.subList(0, k));
            p.add(mth(leaves.subList(k, leaves.size())));
        } else {
            p = path(m - k, leaves.subList(k, leaves.size()));
            p.add(mth(leaves.subList(0, k)));
        }
        return p;
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static String der(X509Certificate c) {
        try {
            return b64(c.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
