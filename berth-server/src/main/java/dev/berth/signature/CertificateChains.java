package dev.berth.signature;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Checks of a code-signing certificate chain as the Notary Project's signature specification
 * requires them: signing certificate first, each certificate issued and signed by the next, the last
 * one a self-signed root; the signing certificate for digital signatures (and code signing, when it
 * names extended key usages), not a CA; the others CAs allowed to sign certificates, within their
 * path length.
 */
final class CertificateChains {
    static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;

    private CertificateChains() {}

    /** What is wrong with the chain's shape, if anything (validity in time is {@link #invalidAt}). */
    static Optional<String> problem(List<X509Certificate> chain) {
        X509Certificate leaf = chain.getFirst();
        if (leaf.getBasicConstraints() >= 0 && chain.size() > 1) {
            return Optional.of("the signing certificate is a CA certificate");
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage == null || !usage[DIGITAL_SIGNATURE]) {
            return Optional.of("the signing certificate is not for digital signatures (key usage)");
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CODE_SIGNING)) {
                return Optional.of("the signing certificate is not for code signing (extended key usage)");
            }
        } catch (CertificateParsingException e) {
            return Optional.of("the signing certificate's extended key usage is malformed");
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate child = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                return Optional.of("certificate " + (i + 1) + " of the chain is not issued by the next one");
            }
            if (!signedBy(child, issuer)) {
                return Optional.of("certificate " + (i + 1) + " of the chain is not signed by the next one");
            }
            int pathLength = issuer.getBasicConstraints();
            boolean[] issuerUsage = issuer.getKeyUsage();
            if (pathLength < 0 || issuerUsage == null || !issuerUsage[KEY_CERT_SIGN]) {
                return Optional.of("certificate " + (i + 2) + " of the chain is not a CA that may sign certificates");
            }
            if (pathLength < i) { // i intermediate CAs sit below this issuer
                return Optional.of("certificate " + (i + 2) + " of the chain exceeds its path length");
            }
        }
        if (!selfSigned(chain.getLast())) {
            return Optional.of("the chain does not end with a self-signed root certificate");
        }
        return Optional.empty();
    }

    /** The first certificate of the chain not valid at {@code at}, described; empty when all are. */
    static Optional<String> invalidAt(List<X509Certificate> chain, Instant at) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            String which = i == 0 ? "the signing certificate" : "certificate " + (i + 1) + " of the chain";
            if (at.isAfter(c.getNotAfter().toInstant())) {
                return Optional.of(which + " expired on " + c.getNotAfter().toInstant());
            }
            if (at.isBefore(c.getNotBefore().toInstant())) {
                return Optional.of(
                        which + " is not valid before " + c.getNotBefore().toInstant());
            }
        }
        return Optional.empty();
    }

    static boolean selfSigned(X509Certificate c) {
        return c.getIssuerX500Principal().equals(c.getSubjectX500Principal()) && signedBy(c, c);
    }

    static boolean signedBy(X509Certificate child, X509Certificate issuer) {
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
