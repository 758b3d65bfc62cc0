package dev.berth.user;

import static dev.berth.support.TestUsers.CONTENT_JSON;
import static dev.berth.support.TestUsers.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import dev.berth.support.TestUsers.PortalSession;
import dev.berth.support.TestUsers.TestUser;
import org.junit.jupiter.api.Test;

/** {@code PUT /users/{id}/password}: who may, what a new password must be, and what it ends. */
class PasswordChangeTest {
    private static final BerthServer server = BerthServer.shared();

    @Test
    void aUserChangesTheirPasswordByProvingTheOldOneAndTheOldOneDiesAtOnce() {
        TestUser user = TestUsers.create(server, "pw");
        // Used right before the change, so a remembered credential would still be warm.
        assertThat(user.client().get("/api/v2.0/users/current").status()).isEqualTo(200);

        assertThat(change(user.client(), user.id(), null, "Brand-New-Pass1").status())
                .isEqualTo(400);
        RegistryClient.Response wrongOld = change(user.client(), user.id(), "Not-The-Pass1", "Brand-New-Pass1");
        assertThat(wrongOld.status()).isEqualTo(403);
        RegistryClient.Response weak = change(user.client(), user.id(), user.password(), "weakpass");
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.json().path("errors").path(0).path("message").asString())
                .contains("upper-case");
        RegistryClient.Response same = change(user.client(), user.id(), user.password(), user.password());
        assertThat(same.status()).isEqualTo(400);
        assertThat(same.json().path("errors").path(0).path("message").asString())
                .contains("differ");
        assertThat(user.client().get("/api/v2.0/users/current").status()).isEqualTo(200);

        RegistryClient.Response ok = change(user.client(), user.id(), user.password(), "Brand-New-Pass1");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);

        assertThat(user.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
        assertThat(server.client(user.name(), "Brand-New-Pass1")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
        assertThat(TestUsers.login(server, user.name(), user.password()).status())
                .isEqualTo(401);
    }

    @Test
    void anAdministratorResetsAnotherUsersPasswordWithoutTheOldOneAndOthersCannot() {
        TestUser user = TestUsers.create(server, "reset");
        TestUser other = TestUsers.create(server, "meddler");
        assertThat(user.client().get("/api/v2.0/users/current").status()).isEqualTo(200);

        RegistryClient.Response meddling = change(other.client(), user.id(), user.password(), "Meddled-Pass1");
        assertThat(meddling.status()).isEqualTo(403);
        assertThat(change(server.anonymousClient(), user.id(), user.password(), "Meddled-Pass1")
                        .status())
                .isEqualTo(401);
        assertThat(user.client().get("/api/v2.0/users/current").status()).isEqualTo(200);

        assertThat(change(server.adminClient(), user.id(), null, "weak").status())
                .isEqualTo(400);
        RegistryClient.Response reset = change(server.adminClient(), user.id(), null, "Reset-By-Admin1");
        assertThat(reset.status()).as(reset.text()).isEqualTo(200);
        assertThat(user.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
        assertThat(server.client(user.name(), "Reset-By-Admin1")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
        assertThat(change(server.adminClient(), 987654321L, null, "Reset-By-Admin1")
                        .status())
                .isEqualTo(404);
        // Resetting to the same password succeeds: an admin's reset is no oracle for the current one.
        assertThat(change(server.adminClient(), user.id(), null, "Reset-By-Admin1")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aPasswordChangeEndsTheUsersOtherSessionsButNotTheOneThatMadeIt() {
        TestUser user = TestUsers.create(server, "sess");
        PortalSession making = TestUsers.signIn(server, user.name(), user.password());
        PortalSession elsewhere = TestUsers.signIn(server, user.name(), user.password());
        assertThat(elsewhere.client().get("/api/v2.0/users/current").status()).isEqualTo(200);

        RegistryClient.Response r = making.client()
                .send(
                        "PUT",
                        "/api/v2.0/users/" + user.id() + "/password",
                        passwordBody(user.password(), "Session-Pass1"),
                        "Content-Type",
                        "application/json",
                        "X-Harbor-CSRF-Token",
                        making.csrf());
        assertThat(r.status()).as(r.text()).isEqualTo(200);

        assertThat(making.client().get("/api/v2.0/users/current").status()).isEqualTo(200);
        assertThat(elsewhere.client().get("/api/v2.0/users/current").status()).isEqualTo(401);

        PortalSession third = TestUsers.signIn(server, user.name(), "Session-Pass1");
        assertThat(change(server.adminClient(), user.id(), null, "Admin-Reset-Pass1")
                        .status())
                .isEqualTo(200);
        assertThat(third.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
        assertThat(making.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
    }

    private static RegistryClient.Response change(RegistryClient client, long id, String old, String fresh) {
        return client.send("PUT", "/api/v2.0/users/" + id + "/password", passwordBody(old, fresh), CONTENT_JSON);
    }

    private static byte[] passwordBody(String old, String fresh) {
        return body(
                old == null
                        ? "{\"new_password\":\"" + fresh + "\"}"
                        : "{\"old_password\":\"" + old + "\",\"new_password\":\"" + fresh + "\"}");
    }
}
