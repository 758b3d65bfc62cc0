package dev.berth.iam;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Hashes user passwords with bcrypt (adaptive, salted). Passwords may be 128 characters and bcrypt
 * reads only 72 bytes, so the password is first condensed with SHA-256 (base64, 44 bytes).
 */
@Component
public class PasswordHasher {
    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(10);
    // Compared against when the user does not exist, so timing does not reveal existence.
    private final String decoy = bcrypt.encode(condense("decoy-password-Aa1"));

    public String hash(String password) {
        return bcrypt.encode(condense(password));
    }

    public boolean matches(String password, String hash) {
        return bcrypt.matches(condense(password), hash);
    }

    /** Spends the time a real check would, for a user that does not exist. */
    public void burn(String password) {
        bcrypt.matches(condense(password), decoy);
    }

    private static String condense(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
