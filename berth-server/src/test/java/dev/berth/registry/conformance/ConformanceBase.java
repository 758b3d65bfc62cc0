package dev.berth.registry.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/** What every conformance suite shares: a started Berth, a client, unique repository names. */
abstract class ConformanceBase {
    protected RegistryClient client;
    protected String repo;

    /** The server under test; each subclass decides how it was started. */
    protected abstract BerthServer server();

    @BeforeEach
    void setUpClient() {
        server().ensureProject("conformance", false);
        client = server().adminClient();
        repo = uniqueRepo();
    }

    protected static String uniqueRepo() {
        return "conformance/r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    protected static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random().nextBytes(b);
        return b;
    }

    protected static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static void assertError(RegistryClient.Response r, int status, String code) {
        assertThat(r.status()).as("status of %s", r.text()).isEqualTo(status);
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(r.errorCode()).as("error code in %s", r.text()).isEqualTo(code);
        assertThat(r.json().path("errors").path(0).path("message").isString()).isTrue();
    }
}
