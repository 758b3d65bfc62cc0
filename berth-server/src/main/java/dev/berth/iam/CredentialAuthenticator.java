package dev.berth.iam;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.cache.CacheInvalidations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Checks a username and password (or robot name and secret). Guessing is slowed per name and client
 * address (the client as {@link dev.berth.http.ClientAddress} names it behind trusted proxies; an
 * IPv6 client by its /64): the first {@value #FREE_FAILURES} failures cost nothing, then each
 * further attempt from that address must wait a delay that doubles with every failure, from {@link
 * #FIRST_DELAY} up to {@link #MAX_DELAY}. An attempt made during the delay is refused without being
 * checked, so the delay also holds against parallel requests; one made after it is checked as
 * usual, and a success clears the record. Nothing is ever locked: the same name from any other
 * address is unaffected, so an attacker slows only itself, and after the delay the right password
 * works again from the attacker's address too. Records are kept in memory, per replica, for {@link
 * #MEMORY} after the last failure; the injected clock measures all of it.
 */
@Service
public class CredentialAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(CredentialAuthenticator.class);
    /** Failures from one address that are not slowed (typing mistakes). */
    static final int FREE_FAILURES = 5;

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(60);
    /**
     * How long a verified credential is remembered; for a directory user this is also how long a
     * verified bind stands in for the next one (the directory is asked again after it).
     */
    public static final Duration REMEMBERED = Duration.ofSeconds(60);

    /** How long a record of failures outlives the last one. */
    static final Duration MEMORY = Duration.ofMinutes(15);

    /** Why a login failed; the client hears only "unauthorized" or "too many attempts". */
    public sealed interface Result {
        record Success(Principal principal) implements Result {}

        record Failure() implements Result {}

        /**
         * The directory that checks this user's password could not be asked; nothing stored in
         * Berth is used instead. {@code reason} is fit to show the client.
         */
        record Unavailable(String reason) implements Result {}

        /** @param retryAfter when the next attempt from this address will be checked */
        record Throttled(Duration retryAfter) implements Result {
            /** Whole seconds for {@code Retry-After}, at least 1. */
            public long retryAfterSeconds() {
                return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            }
        }
    }

    /** Failures of one name from one address, and when the next attempt may be checked. */
    private record Failures(int count, Instant nextCheck) {}

    /** The name under which other replicas hear that remembered credentials are void. */
    private static final String CACHE = "credentials";

    private final UserRecords users;
    private final RobotRecords robots;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final Cache<String, Failures> failures;
    // Registry clients send Basic credentials on every request; remember good ones briefly so
    // bcrypt runs once per minute per credential, not per request.
    // Measured by the injected clock, like the group memberships a directory login records.
    private final Cache<String, Remembered> verified;

    private final CacheInvalidations invalidations;
    private final CredentialEpoch epoch;
    private final ObjectProvider<DirectoryLogin> directory;

    /** A verified credential and the {@link CredentialEpoch} value read before it was checked. */
    private record Remembered(Principal principal, long epoch) {}

    CredentialAuthenticator(
            UserRecords users,
            RobotRecords robots,
            PasswordHasher hasher,
            Clock clock,
            CacheInvalidations invalidations,
            CredentialEpoch epoch,
            ObjectProvider<DirectoryLogin> directory) {
        this.epoch = epoch;
        this.directory = directory;
        this.users = users;
        this.robots = robots;
        this.hasher = hasher;
        this.clock = clock;
        this.invalidations = invalidations;
        this.verified = Caffeine.newBuilder()
                .expireAfterWrite(REMEMBERED)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .maximumSize(10_000)
                .build();
        this.failures = Caffeine.newBuilder()
                .expireAfterWrite(MEMORY)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .maximumSize(100_000)
                .build();
        invalidations.onInvalidate(CACHE, key -> verified.invalidateAll());
    }

    public Result authenticate(String name, String secret) {
        return authenticate(name, secret, "");
    }

    /**
     * @param clientAddress where the attempt comes from: failures are counted per name and address,
     *     so a stranger guessing passwords elsewhere slows only itself
     */
    public Result authenticate(String name, String secret, String clientAddress) {
        if (name == null || secret == null || name.isEmpty()) {
            return new Result.Failure();
        }
        String throttleKey = name + "|" + scope(clientAddress);
        Instant start = clock.instant();
        // Refused unchecked during a delay, even a credential verified a moment ago: the memory of
        // verified credentials must not let a slowed guesser try on at full speed.
        Failures past = failures.getIfPresent(throttleKey);
        if (past != null && past.count() >= FREE_FAILURES && start.isBefore(past.nextCheck())) {
            return throttled(name, clientAddress, start, past.nextCheck());
        }
        // One check per credential at a time: requests arriving while it runs wait for its answer
        // instead of each running bcrypt when a remembered credential has just expired.
        // Remembered credentials count only while no replica has changed any since (CredentialEpoch).
        long now = epoch.current();
        String key = PasswordRules.sha256(name + "\u0000" + secret);
        Instant[] refusedUntil = {null};
        String[] unavailable = {null};
        Remembered remembered = verified.getIfPresent(key);
        if (remembered == null || remembered.epoch() != now) {
            remembered = verified.asMap().compute(key, (k, known) -> {
                if (known != null && known.epoch() == now) {
                    return known;
                }
                Optional<Instant> refused = claimCheck(throttleKey, start);
                if (refused.isPresent()) {
                    refusedUntil[0] = refused.get();
                    return null;
                }
                Optional<Principal> checked;
                if (name.startsWith(RobotRecords.PREFIX)) {
                    checked = robot(name, secret);
                } else if (byDirectory(name)) {
                    checked = switch (activeDirectory().orElseThrow().login(name, secret)) {
                        case DirectoryLogin.Outcome.Success s -> Optional.of(s.user());
                        case DirectoryLogin.Outcome.Refused r -> Optional.empty();
                        case DirectoryLogin.Outcome.Unavailable u -> {
                            unavailable[0] = u.reason();
                            yield Optional.empty();
                        }
                    };
                } else {
                    checked = user(name, secret);
                }
                return checked.map(p -> new Remembered(p, now)).orElse(null);
            });
        }
        if (refusedUntil[0] != null) {
            return throttled(name, clientAddress, start, refusedUntil[0]);
        }
        if (unavailable[0] != null) {
            // Not the client's fault: not counted against it.
            failures.invalidate(throttleKey);
            log.warn(
                    "event=login_directory_unavailable principal={} client={} reason=\"{}\"",
                    name,
                    clientAddress,
                    unavailable[0]);
            return new Result.Unavailable(unavailable[0]);
        }
        Principal principal = remembered == null ? null : remembered.principal();
        if (principal == null) {
            log.info("event=login_failed principal={} client={}", name, clientAddress);
            return new Result.Failure();
        }
        failures.invalidate(throttleKey);
        return new Result.Success(principal);
    }

    /**
     * Counts a check as a failure before it runs (a success clears the count), so parallel guesses
     * are counted one by one and none slips past the free ones or the delay; empty when the check
     * may run, else when the next one may.
     */
    private Optional<Instant> claimCheck(String throttleKey, Instant now) {
        Instant[] refusedUntil = {null};
        failures.asMap().compute(throttleKey, (k, f) -> {
            int count = f == null ? 0 : f.count();
            if (count >= FREE_FAILURES && now.isBefore(f.nextCheck())) {
                refusedUntil[0] = f.nextCheck();
                return f;
            }
            int counted = count + 1;
            return new Failures(counted, counted < FREE_FAILURES ? now : now.plus(delayAfter(counted)));
        });
        return Optional.ofNullable(refusedUntil[0]);
    }

    private static Result throttled(String name, String clientAddress, Instant now, Instant nextCheck) {
        log.info("event=login_throttled principal={} client={}", name, clientAddress);
        return new Result.Throttled(Duration.between(now, nextCheck));
    }

    /** The wait before the next check after {@code count} failures (at least {@link #FREE_FAILURES}). */
    static Duration delayAfter(int count) {
        int doublings = Math.min(count - FREE_FAILURES, 16);
        Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** What failures are counted under: the address, or for IPv6 its /64 (one host's usual share). */
    private static String scope(String clientAddress) {
        if (clientAddress.indexOf(':') < 0) {
            return clientAddress;
        }
        try {
            byte[] a = java.net.InetAddress.getByName(clientAddress).getAddress();
            if (a.length != 16) {
                return clientAddress;
            }
            return java.util.HexFormat.of().formatHex(a, 0, 8) + "::/64";
        } catch (java.net.UnknownHostException e) {
            return clientAddress;
        }
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

    /**
     * Whether this user's password is the directory's to check: in a directory mode every user but
     * the local {@code admin} (Harbor's rule, so that a broken directory never locks the
     * administrator out).
     */
    private boolean byDirectory(String name) {
        return !LOCAL_ADMIN.equals(name) && activeDirectory().isPresent();
    }

    /** The directory the configured authentication mode sends logins to, if any. */
    private Optional<DirectoryLogin> activeDirectory() {
        return directory.orderedStream().filter(DirectoryLogin::active).findFirst();
    }

    /**
     * Whether the portal's sign-in form may check this user's password: always for the local
     * {@code admin} and in {@code db_auth}; in a directory mode when the directory says so (LDAP yes,
     * OIDC no: its users sign in through the provider).
     */
    public boolean portalPasswordsAllowed(String name) {
        return LOCAL_ADMIN.equals(name)
                || activeDirectory().map(DirectoryLogin::portalPasswords).orElse(true);
    }

    /** The administrator created at first start, who always signs in with the local password. */
    public static final String LOCAL_ADMIN = "admin";

    /** Whether passwords of users other than {@link #LOCAL_ADMIN} are checked by a directory now. */
    public boolean directoryActive() {
        return activeDirectory().isPresent();
    }

    private Optional<Principal> user(String name, String password) {
        Optional<UserAccount> account = users.findByName(name);
        if (account.isEmpty()) {
            hasher.burn(password);
            return Optional.empty();
        }
        String hash = users.passwordHash(account.get().id()).orElse("");
        if (!hasher.matches(password, hash)) {
            return Optional.empty();
        }
        if (PasswordHasher.isImported(hash)) {
            // Harbor's PBKDF2 (4096 rounds, 16 bytes) is weak: replaced by bcrypt once the password is known.
            users.setPasswordHash(account.get().id(), hasher.hash(password));
        }
        return Optional.of(account.get().principal());
    }

    private Optional<Principal> robot(String name, String secret) {
        return robots.findByLoginName(name)
                .filter(r -> RobotSecrets.matches(hasher, secret, r.secretHash()))
                .filter(r -> !r.disabled())
                .filter(r ->
                        r.expiresAt() < 0 || r.expiresAt() > clock.instant().getEpochSecond())
                .map(r -> new Principal.Robot(r.id(), r.fullName(), r.projectId(), robots.permissions(r.id())));
    }
}
