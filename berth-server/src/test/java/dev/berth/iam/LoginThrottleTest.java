package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.Closing;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Password guessing slows the guesser and nobody else. Behind a proxy every connection comes from
 * the proxy's address: an attacker hammering {@code admin} from one forwarded address must not stop
 * {@code admin} signing in from another, and the attacker itself is delayed, not locked out. A
 * forwarding header from a connection that is not a trusted proxy counts for nothing. Time is the
 * servers' injected clock, moved by the test.
 */
class LoginThrottleTest {
    private static TestDatabase proxiedDb;
    private static TestDatabase directDb;
    /** Trusts its callers (127.0.0.0/8) as proxies. */
    private static BerthServer proxied;
    /** Trusts no proxy: the default. */
    private static BerthServer direct;

    @BeforeAll
    static void start() {
        proxiedDb = TestDatabase.create();
        directDb = TestDatabase.create();
        proxied = BerthServer.withDatabase(
                proxiedDb, Map.of("berth.http.trusted-proxies", "10.0.0.0/8, 127.0.0.0/8"), MutableClock.Config.class);
        direct = BerthServer.withDatabase(directDb, Map.of(), MutableClock.Config.class);
    }

    @AfterAll
    static void stop() {
        Closing.all(proxied, direct, proxiedDb, directDb);
    }

    @Test
    void anAttackerBehindTheProxySlowsOnlyItself() {
        RegistryClient attacker = forwardedFor(proxied, "203.0.113.9", "admin", "Wrong-Guess-1");
        int throttled = 0;
        for (int i = 0; i < 40; i++) {
            int status = attacker.get("/api/v2.0/users/current").status();
            assertThat(status).isIn(401, 429);
            throttled += status == 429 ? 1 : 0;
        }
        assertThat(throttled).as("the guesser is slowed").isGreaterThan(30);
        // Prepending addresses of its own does not get the attacker out of its delay: the proxy
        // appends the real one, and that is what counts.
        assertThat(client(proxied, "admin", "Wrong-Guess-2", "X-Forwarded-For", "198.51.100.7, 203.0.113.9")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(429);

        // admin, from another address behind the same proxy, works on every way in.
        RegistryClient admin = forwardedFor(proxied, "198.51.100.7", "admin", BerthServer.ADMIN_PASSWORD);
        RegistryClient.check(admin.get("/api/v2.0/users/current"), 200);
        RegistryClient.check(admin.get("/service/token?service=berth&scope=registry:catalog:*"), 200);
        RegistryClient.check(admin.get("/v2/"), 200);
        RegistryClient.Response login = proxied.anonymousClient()
                .send(
                        "POST",
                        "/c/login",
                        TestUsers.body("principal=admin&password=" + BerthServer.ADMIN_PASSWORD),
                        "Content-Type",
                        "application/x-www-form-urlencoded",
                        "X-Forwarded-For",
                        "198.51.100.7");
        RegistryClient.check(login, 200);
    }

    @Test
    void theGuesserIsDelayedNotLockedOut() {
        String name = "delayed-" + UUID.randomUUID().toString().substring(0, 8);
        TestUsers.createUser(proxied, name, "Right-Pass-2026");
        MutableClock clock = proxied.bean(MutableClock.class);
        RegistryClient guesser = forwardedFor(proxied, "203.0.113.50", name, "Wrong-Pass-2026");
        for (int i = 0; i < CredentialAuthenticator.FREE_FAILURES; i++) {
            assertThat(guesser.get("/api/v2.0/users/current").status()).isEqualTo(401);
        }
        // From now on, attempts during the delay are refused unchecked, the right password too.
        RegistryClient rightFromThere = forwardedFor(proxied, "203.0.113.50", name, "Right-Pass-2026");
        RegistryClient.Response refused = rightFromThere.get("/api/v2.0/users/current");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.errorCode()).isEqualTo("TOO_MANY_REQUEST");
        long retryAfter = Long.parseLong(refused.header("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, CredentialAuthenticator.MAX_DELAY.toSeconds());
        // So does the portal's sign-in.
        RegistryClient.Response portal = proxied.anonymousClient()
                .send(
                        "POST",
                        "/c/login",
                        TestUsers.body("principal=" + name + "&password=Right-Pass-2026"),
                        "Content-Type",
                        "application/x-www-form-urlencoded",
                        "X-Forwarded-For",
                        "203.0.113.50");
        assertThat(portal.status()).isEqualTo(429);
        assertThat(portal.header("Retry-After")).isPresent();
        // The registry answers in its own format.
        RegistryClient.Response registry = guesser.get("/v2/");
        assertThat(registry.status()).isEqualTo(429);
        assertThat(registry.errorCode()).isEqualTo("TOOMANYREQUESTS");

        // Each failure after the delay doubles it, up to the cap; never a lock.
        for (int i = 0; i < 12; i++) {
            clock.advance(Duration.ofSeconds(retryAfter));
            assertThat(guesser.get("/api/v2.0/users/current").status()).isEqualTo(401);
            RegistryClient.Response next = guesser.get("/api/v2.0/users/current");
            assertThat(next.status()).isEqualTo(429);
            long longer = Long.parseLong(next.header("Retry-After").orElseThrow());
            assertThat(longer).isBetween(retryAfter, CredentialAuthenticator.MAX_DELAY.toSeconds());
            retryAfter = longer;
        }
        assertThat(retryAfter).isEqualTo(CredentialAuthenticator.MAX_DELAY.toSeconds());

        // After the delay the right password works from the guesser's address as well, and clears the record.
        clock.advance(Duration.ofSeconds(retryAfter));
        RegistryClient.check(rightFromThere.get("/api/v2.0/users/current"), 200);
        assertThat(guesser.get("/api/v2.0/users/current").status()).isEqualTo(401);
        RegistryClient.check(rightFromThere.get("/api/v2.0/users/current"), 200);
    }

    @Test
    void forwardingHeadersFromAnUntrustedConnectionAreIgnored() {
        String name = "direct-" + UUID.randomUUID().toString().substring(0, 8);
        TestUsers.createUser(direct, name, "Right-Pass-2026");
        // Every attempt claims another client; all of them are the connection's address all the same.
        for (int i = 0; i < CredentialAuthenticator.FREE_FAILURES; i++) {
            assertThat(forwardedFor(direct, "203.0.113." + i, name, "Wrong-Pass-2026")
                            .get("/api/v2.0/users/current")
                            .status())
                    .isEqualTo(401);
        }
        assertThat(forwardedFor(direct, "198.51.100.99", name, "Right-Pass-2026")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(429);
        assertThat(client(direct, name, "Right-Pass-2026", "Forwarded", "for=198.51.100.98")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(429);
        // The delay passes on the server's clock, not in this test's time.
        direct.bean(MutableClock.class).advance(CredentialAuthenticator.FIRST_DELAY);
        RegistryClient.check(
                forwardedFor(direct, "198.51.100.99", name, "Right-Pass-2026").get("/api/v2.0/users/current"), 200);
    }

    @Test
    void concurrentChecksOfOneCredentialAllSucceed() throws Exception {
        BerthServer server = BerthServer.shared();
        String name = "burst-" + UUID.randomUUID().toString().substring(0, 8);
        TestUsers.createUser(server, name, "Burst-Pass-2026");
        CredentialAuthenticator credentials = server.bean(CredentialAuthenticator.class);
        credentials.forgetAll();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<CredentialAuthenticator.Result>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> credentials.authenticate(name, "Burst-Pass-2026", "127.0.0.1")));
            }
            for (Future<CredentialAuthenticator.Result> r : results) {
                assertThat(r.get()).isInstanceOf(CredentialAuthenticator.Result.Success.class);
            }
        }
    }

    private static RegistryClient forwardedFor(BerthServer server, String address, String user, String password) {
        return client(server, user, password, "X-Forwarded-For", address);
    }

    private static RegistryClient client(
            BerthServer server, String user, String password, String header, String value) {
        return new RegistryClient(
                server.baseUri(), Map.of("Authorization", BerthServer.basic(user, password), header, value));
    }
}
