package dev.berth.remote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Registry logins that a cloud adapter got by exchanging an endpoint's credential (an ECR
 * authorization token, a Google access token), kept until shortly before they expire so that each
 * task does not ask again. Keyed by a hash of the endpoint's type, URL and credential: a changed
 * credential is a new key, and no secret is held as a key.
 */
final class ExchangedLogins {
    /** Given up this long before the provider's expiry, so a login is not used as it lapses. */
    static final Duration MARGIN = Duration.ofMinutes(5);
    /** Kept at most this long whatever the provider says (Harbor keeps ECR's for an hour). */
    static final Duration LONGEST = Duration.ofHours(1);

    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    ExchangedLogins(Clock clock) {
        this.clock = clock;
    }

    /** A login that lasts until {@code expires}. */
    record Login(DistributionAdapter.Session session, Instant expires) {}

    private record Entry(DistributionAdapter.Session session, Instant until) {}

    DistributionAdapter.Session get(RemoteRegistry registry, Supplier<Login> exchange) {
        String key = key(registry);
        Instant now = clock.instant();
        Entry known = entries.get(key);
        if (known != null && now.isBefore(known.until())) {
            return known.session();
        }
        Login fresh = exchange.get();
        Instant until = fresh.expires().minus(MARGIN);
        if (until.isAfter(now.plus(LONGEST))) {
            until = now.plus(LONGEST);
        }
        entries.entrySet().removeIf(e -> !now.isBefore(e.getValue().until()));
        entries.put(key, new Entry(fresh.session(), until));
        return fresh.session();
    }

    private static String key(RemoteRegistry registry) {
        Credential c = registry.credential().orElse(new Credential(null, "", ""));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part :
                    new String[] {registry.type(), registry.url(), c.type(), c.accessKey(), c.accessSecret()}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
