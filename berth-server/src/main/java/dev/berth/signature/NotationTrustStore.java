package dev.berth.signature;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Notary Project X.509 trust store: a named set of certificates of one type ({@code ca} for the
 * {@code notary.x509} signing scheme, {@code signingAuthority} for {@code
 * notary.x509.signingAuthority}), given as PEM {@code CERTIFICATE} blocks. As in the specification,
 * a certificate is a CA certificate or a self-signed one.
 */
record NotationTrustStore(String type, String name, List<X509Certificate> certificates, String pem) {
    static final Set<String> TYPES = Set.of("ca", "signingAuthority");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final int MAX_CERTIFICATES = 32;
    static final int MAX_PEM = 128 * 1024;
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

    NotationTrustStore {
        certificates = List.copyOf(certificates);
    }

    String ref() {
        return type + ":" + name;
    }

    /** Parses and checks a store; {@link IllegalArgumentException} with a reason fit for a 400. */
    static NotationTrustStore parse(String type, String name, String pem) {
        if (type == null || !TYPES.contains(type)) {
            throw new IllegalArgumentException("type must be ca or signingAuthority");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "name is required: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("certificates is required (PEM CERTIFICATE blocks)");
        }
        if (pem.length() > MAX_PEM) {
            throw new IllegalArgumentException("certificates is longer than " + MAX_PEM + " characters");
        }
        if (!pem.replaceAll(BLOCK.pattern(), "").isBlank()) {
            throw new IllegalArgumentException(
                    "certificates must hold only PEM \"-----BEGIN CERTIFICATE-----\" blocks");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        StringBuilder normalised = new StringBuilder();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (certificates.size() >= MAX_CERTIFICATES) {
                throw new IllegalArgumentException("a trust store holds at most " + MAX_CERTIFICATES + " certificates");
            }
            byte[] der;
            X509Certificate certificate;
            try {
                der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
                certificate = (X509Certificate)
                        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            } catch (CertificateException | IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "certificate " + (certificates.size() + 1) + " is not a valid X.509 certificate");
            }
            if (certificate.getBasicConstraints() < 0 && !CertificateChains.selfSigned(certificate)) {
                throw new IllegalArgumentException("certificate " + (certificates.size() + 1) + " ("
                        + certificate.getSubjectX500Principal().getName()
                        + ") is neither a CA certificate nor self-signed");
            }
            certificates.add(certificate);
            normalised
                    .append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("certificates holds no PEM CERTIFICATE block");
        }
        return new NotationTrustStore(type, name, certificates, normalised.toString());
    }

    /** SHA-256 of a certificate's DER encoding, as Notation's thumbprints. */
    static String thumbprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
