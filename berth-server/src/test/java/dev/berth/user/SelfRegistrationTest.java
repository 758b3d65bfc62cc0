package dev.berth.user;

import static dev.berth.support.TestUsers.CONTENT_JSON;
import static dev.berth.support.TestUsers.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import dev.berth.support.TestUsers.TestUser;
import org.junit.jupiter.api.Test;

/**
 * Anonymous sign-up through {@code POST /api/v2.0/users}: off by default, and when on it can never
 * make an administrator, whatever the body says (CVE-2019-16097).
 */
class SelfRegistrationTest {
    private static final BerthServer server = BerthServer.shared();

    @Test
    void selfRegistrationIsOffByDefault() {
        String name = TestUsers.uniqueName("nosignup");
        RegistryClient.Response r =
                server.anonymousClient().send("POST", "/api/v2.0/users", TestUsers.json(name), CONTENT_JSON);
        assertThat(r.status()).isEqualTo(401);
        assertThat(server.adminClient()
                        .get("/api/v2.0/users?q=username%3D" + name)
                        .header("X-Total-Count"))
                .hasValue("0");
        assertThat(server.anonymousClient()
                        .get("/api/v2.0/systeminfo")
                        .json()
                        .path("self_registration")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void aSelfRegisteredUserIsNeverAnAdministrator() {
        setSelfRegistration(true);
        try {
            assertThat(server.anonymousClient()
                            .get("/api/v2.0/systeminfo")
                            .json()
                            .path("self_registration")
                            .asBoolean())
                    .isTrue();
            String name = TestUsers.uniqueName("signup");
            String password = "Signed-Up-Pass1";
            RegistryClient.Response r = server.anonymousClient()
                    .send(
                            "POST",
                            "/api/v2.0/users",
                            body("{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.com\","
                                    + "\"realname\":\"Eve\",\"password\":\"" + password + "\","
                                    + "\"sysadmin_flag\":true,\"admin_role_in_auth\":true,\"has_admin_role\":true,"
                                    + "\"role_id\":1,\"user_id\":1,\"unknown_field\":{\"nested\":[1,2]}}"),
                            CONTENT_JSON);
            assertThat(r.status()).as(r.text()).isEqualTo(201);

            RegistryClient eve = server.client(name, password);
            RegistryClient.Response me = eve.get("/api/v2.0/users/current");
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.json().path("sysadmin_flag").asBoolean()).isFalse();
            assertThat(me.json().path("admin_role_in_auth").asBoolean()).isFalse();
            assertThat(eve.get("/api/v2.0/users").status()).isEqualTo(403);
            assertThat(eve.get("/api/v2.0/configurations").status()).isEqualTo(403);

            String weakName = TestUsers.uniqueName("weak");
            RegistryClient.Response weak = server.anonymousClient()
                    .send(
                            "POST",
                            "/api/v2.0/users",
                            body("{\"username\":\"" + weakName + "\",\"email\":\"" + weakName
                                    + "@example.com\",\"realname\":\"W\",\"password\":\"password\"}"),
                            CONTENT_JSON);
            assertThat(weak.status()).isEqualTo(400);

            RegistryClient.Response taken =
                    server.anonymousClient().send("POST", "/api/v2.0/users", TestUsers.json(name), CONTENT_JSON);
            assertThat(taken.status()).isEqualTo(409);
        } finally {
            setSelfRegistration(false);
        }
    }

    @Test
    void aSignedInUserCannotRegisterOthersEvenWhenSelfRegistrationIsOn() {
        TestUser user = TestUsers.create(server, "signedin");
        setSelfRegistration(true);
        try {
            RegistryClient.Response r = user.client()
                    .send("POST", "/api/v2.0/users", TestUsers.json(TestUsers.uniqueName("sock")), CONTENT_JSON);
            assertThat(r.status()).isEqualTo(403);
        } finally {
            setSelfRegistration(false);
        }
    }

    static void setSelfRegistration(boolean on) {
        RegistryClient.Response r = server.adminClient()
                .send("PUT", "/api/v2.0/configurations", body("{\"self_registration\":" + on + "}"), CONTENT_JSON);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
}
