package dev.berth.signature;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo, as {@code cosign generate-key-pair} writes
 * {@code cosign.pub}) parsed into a key of a {@link KeyType}. One key per PEM; anything else is
 * refused with a reason fit for a 400.
 */
record PublicKeyPem(KeyType type, PublicKey key, String pem, String fingerprint) {
    static final int MAX_PEM = 16 * 1024;
    private static final Pattern BLOCK =
            Pattern.compile("\\A\\s*-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----\\s*\\z");

    static PublicKeyPem parse(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("public_key is required (a PEM PUBLIC KEY)");
        }
        if (pem.length() > MAX_PEM) {
            throw new IllegalArgumentException("public_key is longer than " + MAX_PEM + " characters");
        }
        Matcher m = BLOCK.matcher(pem);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "public_key must be exactly one PEM block \"-----BEGIN PUBLIC KEY-----\"");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public_key is not valid base64");
        }
        PublicKey key = decode(der)
                .orElseThrow(() -> new IllegalArgumentException(
                        "public_key is not an ECDSA (P-256, P-384), RSA or Ed25519 public key"));
        KeyType type = KeyType.of(key)
                .orElseThrow(() -> new IllegalArgumentException("public_key must be ECDSA on P-256 or P-384, RSA of "
                        + KeyType.MIN_RSA_BITS + " to " + KeyType.MAX_RSA_BITS + " bits, or Ed25519"));
        return new PublicKeyPem(type, key, normalised(der), fingerprint(der));
    }

    private static Optional<PublicKey> decode(byte[] der) {
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return Optional.of(KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der)));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm
            }
        }
        return Optional.empty();
    }

    private static String normalised(byte[] der) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** SHA-256 of the DER SubjectPublicKeyInfo, as sigstore's key ids. */
    static String fingerprint(byte[] der) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
