package dev.berth.iam;

/**
 * How robot secrets are kept. A secret Berth generates is 32 random letters and digits (some 190 bits): its SHA-256 is
 * enough, and checking it costs nothing. A secret a user chooses may be guessable like a password,
 * so it is kept as a password is ({@link PasswordHasher}: bcrypt, salted). The stored form says
 * which it is, so rows written before chosen secrets were hashed slowly keep working.
 */
public final class RobotSecrets {
    private RobotSecrets() {}

    /** The stored form of a secret Berth generated. */
    public static String ofGenerated(String secret) {
        return PasswordRules.sha256(secret);
    }

    /** The stored form of a secret a user chose. */
    public static String ofChosen(PasswordHasher hasher, String secret) {
        return hasher.hash(secret);
    }

    static boolean matches(PasswordHasher hasher, String secret, String stored) {
        return stored.startsWith("$2")
                ? hasher.matches(secret, stored)
                : PasswordRules.constantTimeEquals(stored, PasswordRules.sha256(secret));
    }
}
