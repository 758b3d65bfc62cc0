package dev.berth.oidc;

import dev.berth.crypto.SecretBox;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code oidc_user} table: a user onboarded through the OIDC provider, their CLI secret and their
 * provider tokens, both sealed with Berth's key ({@link SecretBox}) under a context naming the user,
 * so a sealed value copied to another user's row does not open.
 */
@Repository
public class OidcUsers {
    private final JdbcClient jdbc;
    private final SecretBox box;

    OidcUsers(JdbcClient jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    /** Harbor's {@code OIDCUserInfo}; {@code secret} is the CLI secret in clear, for its owner only. */
    public record Meta(long id, long userId, String subiss, String secret, Instant creationTime, Instant updateTime) {
        @Override
        public String toString() {
            return "Meta[id=" + id + ", userId=" + userId + "]";
        }
    }

    /** The stored provider tokens of a user (opened), and when they were last checked at the provider. */
    record Stored(long userId, String refreshToken, Instant accessExpiry, Instant checkedAt) {
        @Override
        public String toString() {
            return "Stored[userId=" + userId + ", checkedAt=" + checkedAt + "]";
        }
    }

    /** The user's OIDC record, the secret opened. */
    public Optional<Meta> meta(long userId) {
        return jdbc.sql(
                        "SELECT id, user_id, subiss, secret, creation_time, update_time FROM oidc_user WHERE user_id = ?")
                .param(userId)
                .query((rs, i) -> new Meta(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        box.open(rs.getString(4), secretContext(userId)),
                        rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6).toInstant()))
                .optional();
    }

    /** Whether the user was onboarded through the OIDC provider. */
    public boolean isOidcUser(long userId) {
        return jdbc.sql("SELECT count(*) FROM oidc_user WHERE user_id = ?")
                        .param(userId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    Optional<Long> userBySubIss(String subiss) {
        return jdbc.sql("SELECT user_id FROM oidc_user WHERE subiss = ?")
                .param(subiss)
                .query(Long.class)
                .optional();
    }

    Optional<Stored> tokens(long userId) {
        return jdbc.sql("SELECT token, checked_at FROM oidc_user WHERE user_id = ?")
                .param(userId)
                .query((rs, i) -> {
                    String[] parts =
                            box.open(rs.getString(1), tokenContext(userId)).split("\n", 2);
                    return new Stored(
                            userId,
                            parts.length > 1 ? parts[1] : "",
                            Instant.ofEpochSecond(Long.parseLong(parts[0])),
                            rs.getTimestamp(2).toInstant());
                })
                .optional();
    }

    void insert(long userId, String subiss, String secret, OidcProvider.Tokens tokens, Instant now) {
        jdbc.sql("""
                        INSERT INTO oidc_user (user_id, subiss, secret, token, checked_at) VALUES (?, ?, ?, ?, ?)
                        """)
                .param(userId)
                .param(subiss)
                .param(box.seal(secret, secretContext(userId)))
                .param(sealTokens(userId, tokens))
                .param(Timestamp.from(now))
                .update();
    }

    /** Keeps the tokens of a new sign-in or a refresh; a refresh without a new refresh token keeps the old. */
    void updateTokens(long userId, OidcProvider.Tokens tokens, Instant now) {
        OidcProvider.Tokens kept = tokens;
        if (tokens.refreshToken().isEmpty()) {
            String old = tokens(userId).map(Stored::refreshToken).orElse("");
            kept = new OidcProvider.Tokens(tokens.idToken(), old, tokens.accessExpiry());
        }
        jdbc.sql("UPDATE oidc_user SET token = ?, checked_at = ?, update_time = now() WHERE user_id = ?")
                .param(sealTokens(userId, kept))
                .param(Timestamp.from(now))
                .param(userId)
                .update();
    }

    boolean setSecret(long userId, String secret) {
        return jdbc.sql("UPDATE oidc_user SET secret = ?, update_time = now() WHERE user_id = ?")
                        .param(box.seal(secret, secretContext(userId)))
                        .param(userId)
                        .update()
                > 0;
    }

    private String sealTokens(long userId, OidcProvider.Tokens t) {
        long expiry = t.accessExpiry().equals(Instant.MAX)
                ? Long.MAX_VALUE / 2
                : t.accessExpiry().getEpochSecond();
        return box.seal(expiry + "\n" + t.refreshToken(), tokenContext(userId));
    }

    private static String secretContext(long userId) {
        return "oidc_user/" + userId + "/secret";
    }

    private static String tokenContext(long userId) {
        return "oidc_user/" + userId + "/token";
    }
}
