package dev.berth.signature;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * Signed Certificate Timestamps embedded in a Fulcio certificate (RFC 6962 §3.3, extension
 * 1.3.6.1.4.1.11129.2.4.2), verified offline against the CT logs of the Sigstore trust root, as the
 * sigstore clients do: the certificate was logged as a precertificate, so each SCT signs the
 * certificate's TBS without the SCT list extension (and without the poison, which the final
 * certificate does not have), bound to the issuer's key hash. One SCT from a CT log of the trust
 * root, valid at the SCT's time, must verify.
 */
final class SignedCertificateTimestamps {
    static final String SCT_LIST = "1.3.6.1.4.1.11129.2.4.2";
    static final String POISON = "1.3.6.1.4.1.11129.2.4.3";
    /** SCTs looked at, at most (a certificate usually has one to three). */
    static final int MAX_SCTS = 16;

    private SignedCertificateTimestamps() {}

    /** One SCT as RFC 6962 §3.2 serializes it. */
    record Sct(int version, byte[] logId, long timestamp, byte[] extensions, int hashAlgorithm, byte[] signature) {}

    /**
     * Why the certificate has no valid SCT from a CT log of the trust root, or empty when one
     * verifies. {@code issuer} is the certificate that signed {@code leaf}.
     */
    static Optional<String> problem(
            X509Certificate leaf, X509Certificate issuer, List<SigstoreTrustedRoot.Log> ctlogs) {
        byte[] ext = leaf.getExtensionValue(SCT_LIST);
        if (ext == null) {
            return Optional.of("the signing certificate has no signed certificate timestamp (SCT), and the trust root"
                    + " names CT logs");
        }
        List<Sct> scts;
        byte[] tbs;
        try {
            byte[] outer = KeylessVerifier.Der.content(ext, 0x04);
            byte[] list = outer == null ? null : KeylessVerifier.Der.content(outer, 0x04);
            if (list == null) {
                return Optional.of("the signing certificate's SCT list is malformed");
            }
            scts = parseList(list);
            tbs = precertificateTbs(leaf.getTBSCertificate());
        } catch (RuntimeException | IOException | java.security.cert.CertificateEncodingException e) {
            return Optional.of("the signing certificate's SCT list is malformed");
        }
        byte[] issuerKeyHash = SigstoreTrustedRoot.sha256(issuer.getPublicKey().getEncoded());
        boolean knownLog = false;
        for (Sct sct : scts) {
            Optional<SigstoreTrustedRoot.Log> log = ctlogs.stream()
                    .filter(l -> Arrays.equals(l.logId(), sct.logId()))
                    .findFirst();
            if (log.isEmpty() || sct.version() != 0 || sct.hashAlgorithm() != 4) {
                continue; // another log's SCT, or not v1 with SHA-256
            }
            knownLog = true;
            Instant t = Instant.ofEpochMilli(sct.timestamp());
            if (!log.get().validAt(t)) {
                continue;
            }
            if (log.get().keyType().verifies(log.get().key(), signedData(sct, issuerKeyHash, tbs), sct.signature())) {
                return Optional.empty();
            }
        }
        return Optional.of(
                knownLog
                        ? "the signing certificate's SCT does not verify under the CT log's key (altered certificate)"
                        : "the signing certificate has no SCT from a CT log of the trust root");
    }

    /** The SignedCertificateTimestampList: a 2-byte length, then 2-byte-length-prefixed SCTs. */
    static List<Sct> parseList(byte[] list) {
        ByteBuffer in = ByteBuffer.wrap(list);
        int total = u16(in);
        if (total != in.remaining()) {
            throw new IllegalArgumentException("SCT list length");
        }
        List<Sct> scts = new ArrayList<>();
        while (in.hasRemaining() && scts.size() < MAX_SCTS) {
            int len = u16(in);
            if (len > in.remaining()) {
                throw new IllegalArgumentException("SCT length");
            }
            ByteBuffer s = in.slice(in.position(), len);
            in.position(in.position() + len);
            int version = s.get() & 0xff;
            byte[] logId = bytes(s, 32);
            long timestamp = s.getLong();
            byte[] extensions = bytes(s, u16(s));
            int hash = s.get() & 0xff;
            s.get(); // signature algorithm: the log key's type decides
            byte[] signature = bytes(s, u16(s));
            if (s.hasRemaining()) {
                throw new IllegalArgumentException("SCT trailing bytes");
            }
            scts.add(new Sct(version, logId, timestamp, extensions, hash, signature));
        }
        return scts;
    }

    /** RFC 6962 §3.2 digitally-signed struct of a precert_entry. */
    static byte[] signedData(Sct sct, byte[] issuerKeyHash, byte[] tbs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tbs.length + 64);
        out.write(0); // version v1
        out.write(0); // signature_type certificate_timestamp
        out.writeBytes(ByteBuffer.allocate(8).putLong(sct.timestamp()).array());
        out.write(0);
        out.write(1); // entry_type precert_entry
        out.writeBytes(issuerKeyHash);
        out.write((tbs.length >> 16) & 0xff);
        out.write((tbs.length >> 8) & 0xff);
        out.write(tbs.length & 0xff);
        out.writeBytes(tbs);
        out.write((sct.extensions().length >> 8) & 0xff);
        out.write(sct.extensions().length & 0xff);
        out.writeBytes(sct.extensions());
        return out.toByteArray();
    }

    /** The TBS certificate without the SCT list and poison extensions, DER as it was logged. */
    static byte[] precertificateTbs(byte[] tbsDer) throws IOException {
        ASN1Sequence tbs = ASN1Sequence.getInstance(tbsDer);
        ASN1EncodableVector out = new ASN1EncodableVector();
        for (ASN1Encodable element : tbs) {
            if (element instanceof ASN1TaggedObject tagged && tagged.getTagNo() == 3) {
                Extensions extensions = Extensions.getInstance(tagged, true);
                List<Extension> kept = new ArrayList<>();
                for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
                    String id = oid.getId();
                    if (!SCT_LIST.equals(id) && !POISON.equals(id)) {
                        kept.add(extensions.getExtension(oid));
                    }
                }
                out.add(new DERTaggedObject(true, 3, new Extensions(kept.toArray(Extension[]::new))));
            } else {
                out.add(element);
            }
        }
        return new DERSequence(out).getEncoded(ASN1Encoding.DER);
    }

    private static int u16(ByteBuffer in) {
        return in.getShort() & 0xffff;
    }

    private static byte[] bytes(ByteBuffer in, int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }
}
