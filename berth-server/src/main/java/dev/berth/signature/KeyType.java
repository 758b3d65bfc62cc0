package dev.berth.signature;

import java.security.AlgorithmParameters;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.EdDSAParameterSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of trusted public key a project may configure, and the only signature schemes each
 * accepts. The configured key's type decides the scheme, never anything the signature carries: an
 * RSA signature cannot verify under an ECDSA key, and no signature chooses a weaker hash.
 *
 * <p>The schemes are those cosign signs with (sigstore's defaults per key): ECDSA with ASN.1 DER
 * signatures, SHA-256 on P-256 and SHA-384 on P-384 (SHA-256 on P-384 too, which {@code cosign
 * verify --key} assumes by default and older cosign signed with); RSA PKCS#1 v1.5 with SHA-256;
 * Ed25519 pure and Ed25519ph (cosign's default for Ed25519 keys since it uploads to Rekor).
 */
enum KeyType {
    ECDSA_P256("ecdsa-p256"),
    ECDSA_P384("ecdsa-p384"),
    RSA("rsa"),
    ED25519("ed25519");

    static final int MIN_RSA_BITS = 2048;
    static final int MAX_RSA_BITS = 8192;
    private static final Set<String> P256 = Set.of("secp256r1", "1.2.840.10045.3.1.7", "NIST P-256", "prime256v1");
    private static final Set<String> P384 = Set.of("secp384r1", "1.3.132.0.34", "NIST P-384");

    private final String wire;

    KeyType(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }

    /** The type of a parsed key; empty for a key Berth does not accept (other curves, short RSA). */
    static Optional<KeyType> of(PublicKey key) {
        return switch (key) {
            case ECPublicKey ec ->
                curve(ec)
                        .flatMap(name -> P256.contains(name)
                                ? Optional.of(ECDSA_P256)
                                : P384.contains(name) ? Optional.of(ECDSA_P384) : Optional.empty());
            case RSAPublicKey rsa ->
                rsa.getModulus().bitLength() >= MIN_RSA_BITS && rsa.getModulus().bitLength() <= MAX_RSA_BITS
                        ? Optional.of(RSA)
                        : Optional.empty();
            case EdECPublicKey ed ->
                "Ed25519".equals(ed.getParams().getName()) ? Optional.of(ED25519) : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static Optional<String> curve(ECPublicKey key) {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(key.getParams());
            return Optional.of(params.getParameterSpec(ECGenParameterSpec.class).getName());
        } catch (java.security.GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code signature} over {@code message} verifies under {@code key}, with one of this
     * type's schemes. Malformed signatures are simply not valid.
     */
    boolean verifies(PublicKey key, byte[] message, byte[] signature) {
        if (of(key).orElse(null) != this) {
            return false; // a key of another type never verifies, whatever it was stored as
        }
        for (Scheme scheme : schemes()) {
            try {
                Signature verifier = Signature.getInstance(scheme.algorithm());
                if (scheme.prehash()) {
                    verifier.setParameter(new EdDSAParameterSpec(true));
                }
                verifier.initVerify(key);
                verifier.update(message);
                if (verifier.verify(signature)) {
                    return true;
                }
            } catch (SignatureException | InvalidKeyException e) {
                // malformed encoding or wrong length: not a valid signature under this scheme
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks " + scheme.algorithm(), e);
            }
        }
        return false;
    }

    private record Scheme(String algorithm, boolean prehash) {}

    private List<Scheme> schemes() {
        return switch (this) {
            case ECDSA_P256 -> List.of(new Scheme("SHA256withECDSA", false));
            case ECDSA_P384 -> List.of(new Scheme("SHA384withECDSA", false), new Scheme("SHA256withECDSA", false));
            case RSA -> List.of(new Scheme("SHA256withRSA", false));
            case ED25519 -> List.of(new Scheme("Ed25519", false), new Scheme("Ed25519", true));
        };
    }

    static Optional<KeyType> byWire(String wire) {
        for (KeyType t : values()) {
            if (t.wire.equals(wire)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    static {
        // fail at start, not at the first pull, if the JDK cannot do a scheme
        try {
            Signature.getInstance("Ed25519").setParameter(new EdDSAParameterSpec(true));
        } catch (java.security.GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
