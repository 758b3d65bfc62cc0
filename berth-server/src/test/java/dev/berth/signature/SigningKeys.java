package dev.berth.signature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.EdDSAParameterSpec;
import java.util.Base64;

/**
 * Key pairs of every type a trust policy accepts, signing as cosign does with each (sigstore's
 * default scheme for the key: ECDSA P-256 with SHA-256, P-384 with SHA-384, RSA PKCS#1 v1.5 with
 * SHA-256, Ed25519ph), made with the JDK for tests.
 */
enum SigningKeys {
    P256,
    P384,
    RSA2048,
    RSA3072,
    ED25519;

    KeyPair generate() {
        try {
            return switch (this) {
                case P256 -> ec("secp256r1");
                case P384 -> ec("secp384r1");
                case RSA2048 -> rsa(2048);
                case RSA3072 -> rsa(3072);
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs as cosign signs with a key of this type. */
    byte[] sign(KeyPair pair, byte[] message) {
        try {
            Signature s = switch (this) {
                case P256 -> Signature.getInstance("SHA256withECDSA");
                case P384 -> Signature.getInstance("SHA384withECDSA");
                case RSA2048, RSA3072 -> Signature.getInstance("SHA256withRSA");
                case ED25519 -> {
                    Signature ed = Signature.getInstance("Ed25519");
                    ed.setParameter(new EdDSAParameterSpec(true));
                    yield ed;
                }
            };
            s.initSign(pair.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sign(String algorithm, KeyPair pair, byte[] message) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(pair.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static KeyPair ec(String curve) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }
}
