package dev.berth.system;

import static dev.berth.support.TestUsers.CONTENT_JSON;
import static dev.berth.support.TestUsers.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import dev.berth.support.TestUsers.TestUser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code /ping}, {@code /systeminfo}, {@code /health} and {@code /configurations} over HTTP. */
class SystemApiTest {
    private static final BerthServer server = BerthServer.shared();

    @Test
    void pingAnswersPongToAnyone() {
        RegistryClient.Response r = server.anonymousClient().get("/api/v2.0/ping");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("Pong");
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    }

    @Test
    void systemInfoShowsAnonymousCallersOnlyThePublicPart() {
        JsonNode anonymous =
                server.anonymousClient().get("/api/v2.0/systeminfo").json();
        assertThat(names(anonymous))
                .containsExactlyInAnyOrder(
                        "auth_mode", "primary_auth_mode", "self_registration", "banner_message", "oidc_provider_name");
        assertThat(anonymous.path("auth_mode").asString()).isEqualTo("db_auth");
        assertThat(anonymous.path("primary_auth_mode").asBoolean()).isFalse();

        TestUser user = TestUsers.create(server, "info");
        JsonNode full = user.client().get("/api/v2.0/systeminfo").json();
        assertThat(names(full))
                .contains(
                        "harbor_version",
                        "external_url",
                        "registry_url",
                        "has_ca_root",
                        "read_only",
                        "project_creation_restriction",
                        "current_time");
        assertThat(full.path("harbor_version").asString()).isNotBlank().doesNotContain("@");
        assertThat(full.path("has_ca_root").asBoolean()).isFalse();
        assertThat(full.path("read_only").asBoolean()).isFalse();
        assertThat(full.path("external_url").asString()).startsWith("http");
        assertThat(full.path("registry_url").asString()).doesNotContain("://");
    }

    @Test
    void healthReallyAsksTheDatabase() {
        RegistryClient.Response r = server.anonymousClient().get("/api/v2.0/health");
        assertThat(r.status()).isEqualTo(200);
        JsonNode health = r.json();
        assertThat(health.path("status").asString()).isEqualTo("healthy");
        List<String> components = new ArrayList<>();
        health.path("components").forEach(c -> {
            components.add(c.path("name").asString());
            assertThat(c.path("status").asString()).isEqualTo("healthy");
            assertThat(c.has("error")).isFalse();
        });
        assertThat(components).containsExactly("core", "database", "storage"); // redis only when configured
    }

    @Test
    void configurationsAreForAdministratorsOnly() {
        TestUser user = TestUsers.create(server, "cfg");
        assertThat(server.anonymousClient().get("/api/v2.0/configurations").status())
                .isEqualTo(401);
        assertThat(user.client().get("/api/v2.0/configurations").status()).isEqualTo(403);
        RegistryClient.Response put = user.client()
                .send("PUT", "/api/v2.0/configurations", body("{\"self_registration\":true}"), CONTENT_JSON);
        assertThat(put.status()).isEqualTo(403);
        assertThat(server.anonymousClient()
                        .send("PUT", "/api/v2.0/configurations", body("{\"self_registration\":true}"), CONTENT_JSON)
                        .status())
                .isEqualTo(401);
        assertThat(configuration("self_registration").path("value").asBoolean()).isFalse();

        JsonNode all = server.adminClient().get("/api/v2.0/configurations").json();
        assertThat(names(all))
                .contains(
                        "auth_mode",
                        "self_registration",
                        "project_creation_restriction",
                        "token_expiration",
                        "robot_token_duration",
                        "robot_name_prefix",
                        "session_timeout");
        assertThat(all.path("auth_mode").path("value").asString()).isEqualTo("db_auth");
        assertThat(all.path("robot_name_prefix").path("value").asString()).isEqualTo("robot$");
        assertThat(all.path("robot_name_prefix").path("editable").asBoolean()).isFalse();
        assertThat(all.path("self_registration").path("editable").asBoolean()).isTrue();
        assertThat(all.path("token_expiration").path("value").isIntegralNumber())
                .isTrue();
    }

    @Test
    void badConfigurationChangesAreRefusedWholesale() {
        int before = configuration("robot_token_duration").path("value").asInt();
        for (String bad : List.of(
                "{\"robot_token_duration\":7,\"no_such_item\":1}",
                "{\"robot_token_duration\":7,\"self_registration\":\"yes\"}",
                "{\"robot_token_duration\":7,\"project_creation_restriction\":\"nobody\"}",
                "{\"robot_token_duration\":7,\"token_expiration\":0}",
                "{\"robot_token_duration\":7,\"session_timeout\":-5}",
                "{\"robot_token_duration\":7,\"token_expiration\":1.5}",
                "{\"robot_token_duration\":7,\"auth_mode\":\"uaa_auth\"}",
                "{\"robot_token_duration\":7,\"ldap_scope\":3}",
                "{\"robot_token_duration\":7,\"robot_name_prefix\":\"bot$\"}",
                "{\"robot_token_duration\":7,\"read_only\":\"yes\"}",
                "[1,2]",
                "\"self_registration\"")) {
            RegistryClient.Response r =
                    server.adminClient().send("PUT", "/api/v2.0/configurations", body(bad), CONTENT_JSON);
            assertThat(r.status()).as(bad + " -> " + r.text()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("BAD_REQUEST");
        }
        assertThat(configuration("robot_token_duration").path("value").asInt()).isEqualTo(before);

        // Writing back what was read is fine, fixed items included.
        RegistryClient.Response same = server.adminClient()
                .send(
                        "PUT",
                        "/api/v2.0/configurations",
                        body("{\"auth_mode\":\"db_auth\",\"robot_name_prefix\":\"robot$\",\"read_only\":false}"),
                        CONTENT_JSON);
        assertThat(same.status()).as(same.text()).isEqualTo(200);
    }

    @Test
    void configurationChangesTakeEffectAndAreAuditedWithoutValues() {
        RegistryClient.Response put = server.adminClient()
                .send(
                        "PUT",
                        "/api/v2.0/configurations",
                        body("{\"token_expiration\":7,\"session_timeout\":45,\"robot_token_duration\":12}"),
                        CONTENT_JSON);
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        try {
            assertThat(configuration("token_expiration").path("value").asInt()).isEqualTo(7);
            assertThat(configuration("session_timeout").path("value").asInt()).isEqualTo(45);
            assertThat(configuration("robot_token_duration").path("value").asInt())
                    .isEqualTo(12);
            JsonNode token = server.adminClient()
                    .get("/service/token?service=berth&scope=repository:library/x:pull")
                    .json();
            assertThat(token.path("expires_in").asLong()).isEqualTo(7 * 60);

            JdbcClient jdbc = server.bean(JdbcClient.class);
            List<String> audited = jdbc.sql("""
                            SELECT resource FROM audit_log
                            WHERE resource_type = 'configuration' AND operation = 'update' AND username = 'admin'
                            ORDER BY id DESC LIMIT 3
                            """).query(String.class).list();
            assertThat(audited)
                    .containsExactlyInAnyOrder("token_expiration", "session_timeout", "robot_token_duration");
        } finally {
            server.adminClient()
                    .send(
                            "PUT",
                            "/api/v2.0/configurations",
                            body("{\"token_expiration\":30,\"session_timeout\":60,\"robot_token_duration\":30}"),
                            CONTENT_JSON);
        }
    }

    @Test
    void projectCreationRestrictionDecidesWhoCreatesProjects() {
        TestUser user = TestUsers.create(server, "creator");
        setRestriction("adminonly");
        try {
            assertThat(user.client()
                            .get("/api/v2.0/systeminfo")
                            .json()
                            .path("project_creation_restriction")
                            .asString())
                    .isEqualTo("adminonly");
            String refused = TestUsers.uniqueName("refused");
            assertThat(createProject(user.client(), refused).status()).isEqualTo(403);
            assertThat(server.adminClient()
                            .head("/api/v2.0/projects?project_name=" + refused)
                            .status())
                    .isEqualTo(404);
            assertThat(createProject(server.adminClient(), TestUsers.uniqueName("byadmin"))
                            .status())
                    .isEqualTo(201);
        } finally {
            setRestriction("everyone");
        }
        assertThat(createProject(user.client(), TestUsers.uniqueName("allowed")).status())
                .isEqualTo(201);
    }

    private static RegistryClient.Response createProject(RegistryClient client, String name) {
        return client.send("POST", "/api/v2.0/projects", body("{\"project_name\":\"" + name + "\"}"), CONTENT_JSON);
    }

    private static void setRestriction(String value) {
        RegistryClient.Response r = server.adminClient()
                .send(
                        "PUT",
                        "/api/v2.0/configurations",
                        body("{\"project_creation_restriction\":\"" + value + "\"}"),
                        CONTENT_JSON);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    private static JsonNode configuration(String name) {
        return server.adminClient().get("/api/v2.0/configurations").json().path(name);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
