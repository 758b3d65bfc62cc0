package dev.berth.iam;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.cache.CacheInvalidations;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Checks a username and password (or robot name and secret). Repeated failures for one name from
 * one address are throttled: after {@value #MAX_FAILURES} failures within {@link #WINDOW} every
 * attempt for that name from that address is refused until the window passes, so passwords cannot
 * be guessed at speed.
 */
@Service
public class CredentialAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(CredentialAuthenticator.class);
    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(5);

    /** Why a login failed; the client hears only "unauthorized" or "too many attempts". */
    public sealed interface Result {
        record Success(Principal principal) implements Result {}

        record Failure() implements Result {}

        record Throttled() implements Result {}
    }

    /** The name under which other replicas hear that remembered credentials are void. */
    private static final String CACHE = "credentials";

    private final UserRecords users;
    private final RobotRecords robots;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final Cache<String, AtomicInteger> failures =
            Caffeine.newBuilder().expireAfterWrite(WINDOW).maximumSize(100_000).build();
    // Registry clients send Basic credentials on every request; remember good ones briefly so
    // bcrypt runs once per minute per credential, not per request.
    private final Cache<String, Remembered> verified = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(60))
            .maximumSize(10_000)
            .build();

    private final CacheInvalidations invalidations;
    private final CredentialEpoch epoch;

    /** A verified credential and the {@link CredentialEpoch} value read before it was checked. */
    private record Remembered(Principal principal, long epoch) {}

    CredentialAuthenticator(
            UserRecords users,
            RobotRecords robots,
            PasswordHasher hasher,
            Clock clock,
            CacheInvalidations invalidations,
            CredentialEpoch epoch) {
        this.epoch = epoch;
        this.users = users;
        this.robots = robots;
        this.hasher = hasher;
        this.clock = clock;
        this.invalidations = invalidations;
        invalidations.onInvalidate(CACHE, key -> verified.invalidateAll());
    }

    public Result authenticate(String name, String secret) {
        return authenticate(name, secret, "");
    }

    /**
     * @param clientAddress where the attempt comes from: failures are counted per name and address,
     *     so a stranger guessing passwords elsewhere cannot lock a user out
     */
    public Result authenticate(String name, String secret, String clientAddress) {
        if (name == null || secret == null || name.isEmpty()) {
            return new Result.Failure();
        }
        String throttleKey = name + "|" + clientAddress;
        AtomicInteger failed = failures.getIfPresent(throttleKey);
        if (failed != null && failed.get() >= MAX_FAILURES) {
            log.info("event=login_throttled principal={} client={}", name, clientAddress);
            return new Result.Throttled();
        }
        // One check per credential at a time: requests arriving while it runs wait for its answer
        // instead of each running bcrypt when a remembered credential has just expired.
        // Remembered credentials count only while no replica has changed any since (CredentialEpoch).
        long now = epoch.current();
        String key = PasswordRules.sha256(name + "\u0000" + secret);
        Remembered remembered = verified.getIfPresent(key);
        if (remembered == null || remembered.epoch() != now) {
            remembered = verified.asMap()
                    .compute(
                            key,
                            (k, known) -> known != null && known.epoch() == now
                                    ? known
                                    : (name.startsWith(RobotRecords.PREFIX) ? robot(name, secret) : user(name, secret))
                                            .map(p -> new Remembered(p, now))
                                            .orElse(null));
        }
        Principal principal = remembered == null ? null : remembered.principal();
        if (principal == null) {
            failures.get(throttleKey, k -> new AtomicInteger()).incrementAndGet();
            log.info("event=login_failed principal={} client={}", name, clientAddress);
            return new Result.Failure();
        }
        failures.invalidate(throttleKey);
        return new Result.Success(principal);
    }

    public boolean isCurrentPassword(long userId, String password) {
        return password != null
                && users.passwordHash(userId)
                        .map(hash -> hasher.matches(password, hash))
                        .orElse(false);
    }

    /**
     * Forgets remembered credentials, after a password change, a robot update or a delete, on every
     * replica: this one at once, the others at their next request after the change commits.
     */
    public void forgetAll() {
        verified.invalidateAll();
        invalidations.invalidate(CACHE, CacheInvalidations.ALL);
        epoch.advance();
    }

    private Optional<Principal> user(String name, String password) {
        Optional<UserAccount> account = users.findByName(name);
        if (account.isEmpty()) {
            hasher.burn(password);
            return Optional.empty();
        }
        String hash = users.passwordHash(account.get().id()).orElse("");
        return hasher.matches(password, hash) ? Optional.of(account.get().principal()) : Optional.empty();
    }

    private Optional<Principal> robot(String name, String secret) {
        return robots.findByLoginName(name)
                .filter(r -> PasswordRules.constantTimeEquals(r.secretHash(), PasswordRules.sha256(secret)))
                .filter(r -> !r.disabled())
                .filter(r ->
                        r.expiresAt() < 0 || r.expiresAt() > clock.instant().getEpochSecond())
                .map(r -> new Principal.Robot(r.id(), r.fullName(), r.projectId(), robots.permissions(r.id())));
    }
}
