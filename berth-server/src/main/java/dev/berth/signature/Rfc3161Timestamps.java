package dev.berth.signature;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * RFC 3161 timestamps of a Sigstore bundle ({@code timestampVerificationData.rfc3161Timestamps},
 * each a DER TimeStampResp), verified offline against the timestamp authorities of the trust root,
 * as the sigstore clients do: the token is signed by a TSA certificate that chains to one of the
 * trust root's TSA chains (the token's embedded certificates are used only when they chain there),
 * the ESS signing-certificate attribute names it, it is for time stamping, every certificate of
 * the chain and the authority's {@code validFor} window cover the time, and the message imprint is
 * the hash of the bundle's signature. The token's {@code genTime} is then an authenticated signing
 * time.
 */
final class Rfc3161Timestamps {
    /** Timestamps of one bundle looked at, at most. */
    static final int MAX_TIMESTAMPS = 8;
    /** One timestamp response at most (the public-good TSA's are about 1.3 KiB). */
    static final int MAX_BYTES = 32 * 1024;

    private static final Map<String, String> DIGESTS = Map.of(
            "2.16.840.1.101.3.4.2.1", "SHA-256",
            "2.16.840.1.101.3.4.2.2", "SHA-384",
            "2.16.840.1.101.3.4.2.3", "SHA-512");

    private Rfc3161Timestamps() {}

    /** A verified time, or why the timestamp is not one. */
    record Result(Optional<Instant> time, String problem) {
        static Result refused(String problem) {
            return new Result(Optional.empty(), problem);
        }
    }

    static Result verify(byte[] der, byte[] signature, SigstoreTrustedRoot root) {
        if (der.length == 0 || der.length > MAX_BYTES) {
            return Result.refused("an RFC 3161 timestamp is empty, not base64 or larger than " + MAX_BYTES + " bytes");
        }
        TimeStampToken token;
        try {
            token = token(der);
        } catch (Exception e) {
            return Result.refused("an RFC 3161 timestamp is not a DER TimeStampResp or token");
        }
        if (token == null) {
            return Result.refused("an RFC 3161 timestamp response carries no token (not granted)");
        }
        var info = token.getTimeStampInfo();
        String digest = DIGESTS.get(info.getMessageImprintAlgOID().getId());
        if (digest == null) {
            return Result.refused("an RFC 3161 timestamp's message imprint uses an unsupported hash");
        }
        try {
            if (!MessageDigest.isEqual(
                    MessageDigest.getInstance(digest).digest(signature), info.getMessageImprintDigest())) {
                return Result.refused("the RFC 3161 timestamp is for another signature (message imprint)");
            }
        } catch (GeneralSecurityException e) {
            return Result.refused("an RFC 3161 timestamp's message imprint uses an unsupported hash");
        }
        Instant time = info.getGenTime().toInstant();
        String failure = "the RFC 3161 timestamp is not signed by a timestamp authority of the trust root";
        for (SigstoreTrustedRoot.CertificateAuthority tsa : root.timestampAuthorities()) {
            for (List<X509Certificate> chain : candidateChains(token, tsa)) {
                X509Certificate signer = chain.getFirst();
                if (!token.getSID().match(holder(signer))) {
                    continue;
                }
                try {
                    SignerInformationVerifier verifier = new JcaSimpleSignerInfoVerifierBuilder().build(signer);
                    // signature, ESS signing certificate, time-stamping EKU, signer valid at genTime
                    token.validate(verifier);
                } catch (Exception e) {
                    failure = "the RFC 3161 timestamp does not verify under the timestamp authority's certificate";
                    continue;
                }
                Optional<String> invalid = CertificateChains.invalidAt(chain, time);
                if (invalid.isPresent()) {
                    failure = "the timestamp authority's "
                            + invalid.get().replaceFirst("^the signing certificate", "certificate") + " (timestamp "
                            + time + ")";
                    continue;
                }
                if (!tsa.validAt(time)) {
                    failure = "the timestamp authority " + tsa.uri() + " was not valid at the timestamp's time " + time;
                    continue;
                }
                return new Result(Optional.of(time), "");
            }
        }
        return Result.refused(failure);
    }

    private static TimeStampToken token(byte[] der) throws Exception {
        try {
            return new TimeStampResponse(der).getTimeStampToken();
        } catch (Exception notResponse) {
            return new TimeStampToken(new CMSSignedData(der));
        }
    }

    /**
     * The chains the token may be signed with under one authority: its chain as the trust root has
     * it, and an embedded certificate signed by the first certificate of that chain followed by it.
     */
    private static List<List<X509Certificate>> candidateChains(
            TimeStampToken token, SigstoreTrustedRoot.CertificateAuthority tsa) {
        List<List<X509Certificate>> chains = new ArrayList<>();
        chains.add(tsa.chain());
        int n = 0;
        for (X509CertificateHolder h : token.getCertificates().getMatches(null)) {
            if (++n > 10) {
                break;
            }
            try {
                X509Certificate c = SigstoreTrustedRoot.certificate(h.getEncoded());
                if (!c.equals(tsa.chain().getFirst())
                        && c.getIssuerX500Principal()
                                .equals(tsa.chain().getFirst().getSubjectX500Principal())
                        && CertificateChains.signedBy(c, tsa.chain().getFirst())) {
                    List<X509Certificate> chain = new ArrayList<>();
                    chain.add(c);
                    chain.addAll(tsa.chain());
                    chains.add(chain);
                }
            } catch (Exception e) {
                // not a usable certificate
            }
        }
        return chains;
    }

    private static X509CertificateHolder holder(X509Certificate c) {
        try {
            return new X509CertificateHolder(c.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
