package dev.berth.signature;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Optional;

/**
 * The signature algorithms of the Notary Project signature specification, each bound to one key
 * spec: RSASSA-PSS with SHA-256/384/512 for RSA 2048/3072/4096 and ECDSA with SHA-256/384/512 on
 * P-256/P-384/P-521. The signing certificate's key decides the algorithm; an envelope that names
 * another one (an RSA algorithm for an EC key, a weaker hash for a bigger key) is refused.
 */
enum NotationAlgorithm {
    PS256("PS256", -37, "SHA-256", 32),
    PS384("PS384", -38, "SHA-384", 48),
    PS512("PS512", -39, "SHA-512", 64),
    ES256("ES256", -7, "SHA-256", 32),
    ES384("ES384", -35, "SHA-384", 48),
    ES512("ES512", -36, "SHA-512", 64);

    private final String jws;
    private final int cose;
    private final String hash;
    private final int hashLength;

    NotationAlgorithm(String jws, int cose, String hash, int hashLength) {
        this.jws = jws;
        this.cose = cose;
        this.hash = hash;
        this.hashLength = hashLength;
    }

    String jwsName() {
        return jws;
    }

    int coseId() {
        return cose;
    }

    /** The one algorithm a certificate's key may sign with; empty for keys the spec does not allow. */
    static Optional<NotationAlgorithm> forKey(PublicKey key) {
        return switch (key) {
            case RSAPublicKey rsa ->
                switch (rsa.getModulus().bitLength()) {
                    case 2048 -> Optional.of(PS256);
                    case 3072 -> Optional.of(PS384);
                    case 4096 -> Optional.of(PS512);
                    default -> Optional.empty();
                };
            case ECPublicKey ec ->
                switch (ec.getParams().getCurve().getField().getFieldSize()) {
                    case 256 -> Optional.of(ES256);
                    case 384 -> Optional.of(ES384);
                    case 521 -> Optional.of(ES512);
                    default -> Optional.empty();
                };
            default -> Optional.empty();
        };
    }

    static Optional<NotationAlgorithm> byJws(String name) {
        for (NotationAlgorithm a : values()) {
            if (a.jws.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    static Optional<NotationAlgorithm> byCose(long id) {
        for (NotationAlgorithm a : values()) {
            if (a.cose == id) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code signature} over {@code data} verifies under {@code key} with this algorithm:
     * PSS with MGF1 of the same hash and a salt of the hash's length; ECDSA signatures as COSE
     * writes them (r || s, fixed length). Malformed signatures are simply not valid.
     */
    boolean verifiesRaw(PublicKey key, byte[] data, byte[] signature) {
        if (forKey(key).orElse(null) != this) {
            return false;
        }
        try {
            Signature verifier;
            if (name().startsWith("PS")) {
                verifier = Signature.getInstance("RSASSA-PSS");
                verifier.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), hashLength, 1));
            } else {
                verifier = Signature.getInstance(hash.replace("-", "") + "withECDSAinP1363Format");
            }
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (SignatureException | InvalidKeyException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + this, e);
        }
    }
}
