package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.TestUsers;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Password guessing is throttled per name and address, without letting strangers lock users out. */
class LoginThrottleTest {
    private final BerthServer server = BerthServer.shared();

    @Test
    void failuresFromOneAddressDoNotLockOutAnother() {
        String name = "throttle-" + UUID.randomUUID().toString().substring(0, 8);
        TestUsers.createUser(server, name, "Right-Pass-2026");
        CredentialAuthenticator credentials = server.bean(CredentialAuthenticator.class);
        for (int i = 0; i < CredentialAuthenticator.MAX_FAILURES; i++) {
            assertThat(credentials.authenticate(name, "Wrong-Pass-" + i, "192.0.2.1"))
                    .isInstanceOf(CredentialAuthenticator.Result.Failure.class);
        }
        // The guesser is now refused even with the right password...
        assertThat(credentials.authenticate(name, "Right-Pass-2026", "192.0.2.1"))
                .isInstanceOf(CredentialAuthenticator.Result.Throttled.class);
        // ...while the user, elsewhere, logs in.
        assertThat(credentials.authenticate(name, "Right-Pass-2026", "198.51.100.7"))
                .isInstanceOf(CredentialAuthenticator.Result.Success.class);
    }

    @Test
    void concurrentChecksOfOneCredentialAllSucceed() throws Exception {
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
}
