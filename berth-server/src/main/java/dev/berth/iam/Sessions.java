package dev.berth.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Portal sessions, kept in the database so any replica can serve any request. The cookie holds a
 * random id; the table holds its hash and the session's CSRF token.
 */
@Service
public class Sessions {
    public static final String COOKIE = "sid";
    public static final String CSRF_HEADER = "X-Harbor-CSRF-Token";
    public static final String CSRF_COOKIE = "__csrf";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration defaultTimeout;
    private final IdentitySettings settings;

    Sessions(
            JdbcClient jdbc,
            Clock clock,
            @Value("${berth.session-timeout:60m}") Duration defaultTimeout,
            IdentitySettings settings) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.defaultTimeout = defaultTimeout;
        this.settings = settings;
    }

    public record Session(String id, long userId, String csrfToken, Instant expiresAt) {}

    public Session create(long userId) {
        String id = PasswordRules.generate(43);
        String csrf = PasswordRules.generate(32);
        Instant expires = clock.instant().plus(timeout());
        jdbc.sql("INSERT INTO web_session (id_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)")
                .param(PasswordRules.sha256(id))
                .param(userId)
                .param(csrf)
                .param(java.sql.Timestamp.from(expires))
                .update();
        // expired by the same clock that set the expiry (not the database's), so a test's clock rules both
        jdbc.sql("DELETE FROM web_session WHERE expires_at < ?")
                .param(java.sql.Timestamp.from(clock.instant()))
                .update();
        return new Session(id, userId, csrf, expires);
    }

    /** The live session for a cookie value; sliding expiry is renewed on use. */
    public Optional<Session> find(String id) {
        if (id == null || id.length() > 128) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant renewed = now.plus(timeout());
        return jdbc.sql("""
                        UPDATE web_session SET expires_at = ?
                        WHERE id_hash = ? AND expires_at > ?
                        RETURNING user_id, csrf_token, expires_at
                        """)
                .param(java.sql.Timestamp.from(renewed))
                .param(PasswordRules.sha256(id))
                .param(java.sql.Timestamp.from(now))
                .query((rs, i) -> new Session(
                        id, rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant()))
                .optional();
    }

    /**
     * Keeps what an identity provider gave this session (sealed by the caller: Berth's sessions do
     * not read it), for the session's sign-out.
     */
    public void attachProviderToken(String id, String sealed) {
        jdbc.sql("UPDATE web_session SET provider_token = ? WHERE id_hash = ?")
                .param(sealed)
                .param(PasswordRules.sha256(id))
                .update();
    }

    /** What {@link #attachProviderToken} kept for the live session, if anything. */
    public Optional<String> providerToken(String id) {
        if (id == null || id.length() > 128) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT provider_token FROM web_session WHERE id_hash = ? AND expires_at > ?")
                .param(PasswordRules.sha256(id))
                .param(java.sql.Timestamp.from(clock.instant()))
                .query((rs, i) -> Optional.ofNullable(rs.getString(1)))
                .optional()
                .flatMap(o -> o);
    }

    public void delete(String id) {
        jdbc.sql("DELETE FROM web_session WHERE id_hash = ?")
                .param(PasswordRules.sha256(id))
                .update();
    }

    public void deleteAllOf(long userId) {
        jdbc.sql("DELETE FROM web_session WHERE user_id = ?").param(userId).update();
    }

    /** Ends every session of the user but the one given (the caller's own, after a password change). */
    public void deleteAllOfExcept(long userId, String keptId) {
        jdbc.sql("DELETE FROM web_session WHERE user_id = ? AND id_hash <> ?")
                .param(userId)
                .param(PasswordRules.sha256(keptId))
                .update();
    }

    /** The idle timeout: the {@code session_timeout} setting, else {@code berth.session-timeout}. */
    public Duration timeout() {
        return settings.sessionTimeout().orElse(defaultTimeout);
    }
}
