package dev.berth.iam;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A registry token names the account it was issued to by id, with a stamp of that account's
 * credentials: a fingerprint of the password hash and administrator flag of a user, of the secret
 * hash, state, expiry and last update of a robot. A token is honoured only while the account still
 * exists under that id and its stamp is unchanged, so a password change, a robot's new secret, a
 * disabled robot or a deleted account void the tokens issued before, and a token never passes to a
 * later account of the same name.
 *
 * <p>Stamps are remembered with the {@link CredentialEpoch} read before they were looked up, and
 * trusted only while it is unchanged: one sequence read per request (as for Basic credentials), and
 * every replica sees a change as soon as it commits.
 */
@Component
public class CredentialStamps {
    /** The account a token is bound to. */
    public record Subject(Kind kind, long id) {}

    public enum Kind {
        USER,
        ROBOT
    }

    /** A subject and its stamp, as a token carries them. */
    public record Binding(Subject subject, String stamp) {}

    private record Remembered(Optional<String> stamp, long epoch) {}

    private final JdbcClient jdbc;
    private final CredentialEpoch epoch;
    private final Cache<Subject, Remembered> stamps =
            Caffeine.newBuilder().maximumSize(20_000).build();

    CredentialStamps(JdbcClient jdbc, CredentialEpoch epoch) {
        this.jdbc = jdbc;
        this.epoch = epoch;
    }

    /** The binding of a principal that can hold a token; empty for anyone else (anonymous). */
    public Optional<Binding> bindingOf(Principal principal) {
        Optional<Subject> subject = switch (principal) {
            case Principal.User u -> Optional.of(new Subject(Kind.USER, u.id()));
            case Principal.Robot r -> Optional.of(new Subject(Kind.ROBOT, r.id()));
            case Principal.Anonymous a -> Optional.empty();
            case Principal.TokenHolder t -> Optional.empty();
        };
        return subject.flatMap(s -> current(s).map(stamp -> new Binding(s, stamp)));
    }

    /** Whether a token's binding still holds: the account exists under that id with that stamp. */
    public boolean holds(Binding binding) {
        return current(binding.subject())
                .map(stamp -> PasswordRules.constantTimeEquals(stamp, binding.stamp()))
                .orElse(false);
    }

    private Optional<String> current(Subject subject) {
        long now = epoch.current();
        Remembered remembered = stamps.getIfPresent(subject);
        if (remembered == null || remembered.epoch() != now) {
            remembered = new Remembered(read(subject), now);
            stamps.put(subject, remembered);
        }
        return remembered.stamp();
    }

    private Optional<String> read(Subject subject) {
        String sql = switch (subject.kind()) {
            case USER -> "SELECT 'user' || id || '|' || password_hash || '|' || sysadmin FROM app_user WHERE id = ?";
            case ROBOT ->
                "SELECT 'robot' || id || '|' || secret_hash || '|' || disabled || '|' || expires_at || '|' || update_time"
                        + " FROM robot WHERE id = ?";
        };
        return jdbc.sql(sql)
                .param(subject.id())
                .query(String.class)
                .optional()
                .map(state -> PasswordRules.sha256(state).substring(0, 32));
    }
}
