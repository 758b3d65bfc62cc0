package dev.berth.iam;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Harbor's password rule, secret generation and constant-time comparison. */
public final class PasswordRules {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private PasswordRules() {}

    /** 8 to 128 characters with at least one upper-case letter, one lower-case letter and one digit. */
    public static boolean isStrong(String password) {
        if (password == null || password.length() < 8 || password.length() > 128) {
            return false;
        }
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        for (char c : password.toCharArray()) {
            upper |= Character.isUpperCase(c);
            lower |= Character.isLowerCase(c);
            digit |= Character.isDigit(c);
        }
        return upper && lower && digit;
    }

    /** A random secret of the given length that satisfies {@link #isStrong}. */
    public static String generate(int length) {
        while (true) {
            StringBuilder sb = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            if (isStrong(sb.toString())) {
                return sb.toString();
            }
        }
    }

    /** SHA-256 hex, for high-entropy secrets (robot secrets, session ids) where a slow hash adds nothing. */
    public static String sha256(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(
                a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
