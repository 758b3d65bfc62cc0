package dev.berth.user;

import static dev.berth.support.TestUsers.CONTENT_JSON;
import static dev.berth.support.TestUsers.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import dev.berth.support.TestUsers.PortalSession;
import dev.berth.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What needs a server of its own: a session timeout of two seconds, and a known set of
 * administrators (on the shared server other tests may promote users at any time).
 */
class FreshServerUserTest {
    private static TestDatabase db;
    private static BerthServer server;
    private static MutableClock clock;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        server = BerthServer.withDatabase(db, Map.of("berth.session-timeout", "2s"), MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void anIdleSessionExpires() {
        TestUser user = TestUsers.create(server, "idle");
        PortalSession s = TestUsers.signIn(server, user.name(), user.password());
        assertThat(s.client().get("/api/v2.0/users/current").status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(3)); // past the idle timeout, without waiting for it
        assertThat(s.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
        RegistryClient.Response write = s.client()
                .send(
                        "PUT",
                        "/api/v2.0/users/" + user.id(),
                        body("{\"comment\":\"late\"}"),
                        "Content-Type",
                        "application/json",
                        "X-Harbor-CSRF-Token",
                        s.csrf());
        assertThat(write.status()).isEqualTo(401);
        assertThat(server.adminClient()
                        .get("/api/v2.0/users/" + user.id())
                        .json()
                        .path("comment")
                        .asString())
                .isEqualTo("test");
    }

    @Test
    void theLastAdministratorCannotBeDemoted() {
        long adminId = server.adminClient()
                .get("/api/v2.0/users/current")
                .json()
                .path("user_id")
                .asLong();
        RegistryClient.Response alone = sysadmin(server.adminClient(), adminId, false);
        assertThat(alone.status()).as(alone.text()).isEqualTo(403);
        assertThat(server.adminClient().get("/api/v2.0/users").status()).isEqualTo(200);

        TestUser deputy = TestUsers.create(server, "deputy");
        assertThat(sysadmin(server.adminClient(), deputy.id(), true).status()).isEqualTo(200);
        try {
            // With a second administrator, stepping down is allowed ...
            assertThat(sysadmin(server.adminClient(), adminId, false).status()).isEqualTo(200);
            assertThat(server.adminClient().get("/api/v2.0/users").status()).isEqualTo(403);
            // ... and then the deputy is the last one.
            RegistryClient.Response last = sysadmin(deputy.client(), deputy.id(), false);
            assertThat(last.status()).isEqualTo(403);
            assertThat(deputy.client().get("/api/v2.0/users").status()).isEqualTo(200);
        } finally {
            assertThat(sysadmin(deputy.client(), adminId, true).status()).isEqualTo(200);
        }
    }

    private static RegistryClient.Response sysadmin(RegistryClient client, long id, boolean flag) {
        return client.send(
                "PUT", "/api/v2.0/users/" + id + "/sysadmin", body("{\"sysadmin_flag\":" + flag + "}"), CONTENT_JSON);
    }
}
