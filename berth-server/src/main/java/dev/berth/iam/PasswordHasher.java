package dev.berth.iam;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Hashes user passwords with bcrypt (adaptive, salted). Passwords may be 128 characters and bcrypt
 * reads only 72 bytes, so the password is first condensed with SHA-256 (base64, 44 bytes).
 */
@Component
public class PasswordHasher {
    private static final String HARBOR_PREFIX = "harbor-pbkdf2$";
    private static final int HARBOR_ROUNDS = 4096;
    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(10);
    // Compared against when the user does not exist, so timing does not reveal existence.
    private final String decoy = bcrypt.encode(condense("decoy-password-Aa1"));

    public String hash(String password) {
        return bcrypt.encode(condense(password));
    }

    public boolean matches(String password, String hash) {
        if (hash.startsWith(HARBOR_PREFIX)) {
            return matchesHarbor(password, hash);
        }
        return bcrypt.matches(condense(password), hash);
    }

    /** Whether the hash was carried over from Harbor and should be replaced by a bcrypt one at next login. */
    public static boolean isImported(String hash) {
        return hash.startsWith(HARBOR_PREFIX);
    }

    /**
     * The stored form of a password hash imported from Harbor: Harbor keeps the hex of a 16-byte
     * PBKDF2 key (4096 rounds, HMAC-SHA256, or HMAC-SHA1 for accounts older than Harbor 1.9) with a
     * per-user salt; {@code harbor-pbkdf2$<sha256|sha1>$<salt>$<hex>}.
     */
    public static Optional<String> importedHarborHash(String version, String salt, String hex) {
        if (salt == null || hex == null || !hex.matches("[0-9a-f]{32}") || salt.contains("$")) {
            return Optional.empty();
        }
        String alg = version == null || version.isBlank() ? "sha1" : version;
        if (!alg.equals("sha256") && !alg.equals("sha1")) {
            return Optional.empty();
        }
        return Optional.of(HARBOR_PREFIX + alg + "$" + salt + "$" + hex);
    }

    private static boolean matchesHarbor(String password, String hash) {
        String[] parts = hash.split("\\$", -1);
        if (parts.length != 4) {
            return false;
        }
        String algorithm = switch (parts[1]) {
            case "sha256" -> "PBKDF2WithHmacSHA256";
            case "sha1" -> "PBKDF2WithHmacSHA1";
            default -> "";
        };
        if (algorithm.isEmpty()) {
            return false;
        }
        try {
            // SunJCE's PBKDF2 encodes the password's chars as UTF-8, as Harbor's []byte(password).
            PBEKeySpec spec = new PBEKeySpec(
                    password.toCharArray(), parts[2].getBytes(StandardCharsets.UTF_8), HARBOR_ROUNDS, 128);
            byte[] key =
                    SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
            spec.clearPassword();
            return MessageDigest.isEqual(
                    HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII),
                    parts[3].getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            return false;
        }
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
