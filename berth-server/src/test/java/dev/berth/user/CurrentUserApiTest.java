package dev.berth.user;

import static dev.berth.support.TestUsers.CONTENT_JSON;
import static dev.berth.support.TestUsers.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.PasswordRules;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import dev.berth.support.TestUsers.TestUser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code /users/current}, {@code /users/current/permissions} and {@code /users/search}. */
class CurrentUserApiTest {
    private static final BerthServer server = BerthServer.shared();

    @Test
    void theCurrentUserIsTheCallerAndOnlyForUsers() {
        TestUser a = TestUsers.create(server, "cur");
        JsonNode me = a.client().get("/api/v2.0/users/current").json();
        assertThat(me.path("user_id").asLong()).isEqualTo(a.id());
        assertThat(me.path("username").asString()).isEqualTo(a.name());
        assertThat(me.has("password")).isFalse();

        assertThat(server.anonymousClient().get("/api/v2.0/users/current").status())
                .isEqualTo(401);
        assertThat(server.client(a.name(), "Wrong-Pass1")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);

        String secret = "Robot-Secret-" + TestUsers.uniqueName("s");
        String robot = systemRobot(secret);
        RegistryClient.Response asRobot = server.client(robot, secret).get("/api/v2.0/users/current");
        assertThat(asRobot.status()).as(asRobot.text()).isEqualTo(412);
    }

    @Test
    void searchIsForSignedInCallersAndShowsOnlyIdAndName() {
        String prefix = TestUsers.uniqueName("srch");
        TestUser a = TestUsers.create(server, prefix);
        TestUser b = TestUsers.create(server, prefix);
        TestUser c = TestUsers.create(server, prefix);

        RegistryClient.Response anonymous = server.anonymousClient().get("/api/v2.0/users/search?username=" + prefix);
        assertThat(anonymous.status()).isEqualTo(401);

        RegistryClient.Response page =
                a.client().get("/api/v2.0/users/search?username=" + prefix.toUpperCase() + "&page_size=2");
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.header("X-Total-Count")).hasValue("3");
        assertThat(page.header("Link")).hasValueSatisfying(l -> assertThat(l).contains("rel=\"next\""));
        assertThat(page.json().size()).isEqualTo(2);
        for (JsonNode item : page.json()) {
            List<String> fields = new ArrayList<>();
            item.propertyNames().forEach(fields::add);
            assertThat(fields).containsExactlyInAnyOrder("user_id", "username");
            assertThat(item.path("username").asString()).startsWith(prefix);
        }
        RegistryClient.Response second =
                a.client().get("/api/v2.0/users/search?username=" + prefix + "&page=2&page_size=2");
        assertThat(second.json().size()).isEqualTo(1);
        List<String> all = new ArrayList<>();
        page.json().forEach(n -> all.add(n.path("username").asString()));
        second.json().forEach(n -> all.add(n.path("username").asString()));
        assertThat(all).containsExactlyInAnyOrder(a.name(), b.name(), c.name());

        assertThat(a.client().get("/api/v2.0/users/search").status()).isEqualTo(400);
        RegistryClient.Response none = a.client().get("/api/v2.0/users/search?username=" + prefix + "zzz");
        assertThat(none.json().size()).isZero();
        assertThat(none.header("X-Total-Count")).hasValue("0");
    }

    @Test
    void permissionsFollowTheCallersRoleInTheScope() {
        TestUser owner = TestUsers.create(server, "powner");
        TestUser stranger = TestUsers.create(server, "pstranger");
        String project = TestUsers.uniqueName("perm");
        RegistryClient.Response created = owner.client()
                .send(
                        "POST",
                        "/api/v2.0/projects",
                        body("{\"project_name\":\"" + project + "\",\"metadata\":{\"public\":\"false\"}}"),
                        CONTENT_JSON);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String location = created.header("Location").orElseThrow();
        long projectId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        String scope = "/project/" + projectId;

        List<String> relative = permissions(owner.client(), scope, true);
        assertThat(relative).contains("repository:push", "repository:pull", "member:create", ".:read", ".:delete");
        List<String> absolute = permissions(owner.client(), scope, false);
        assertThat(absolute).contains(scope + "/repository:push", scope + ":read");

        assertThat(permissions(stranger.client(), scope, true)).isEmpty();
        assertThat(permissions(stranger.client(), "/project/987654321", true)).isEmpty();
        assertThat(permissions(owner.client(), "/system", true)).isEmpty();
        assertThat(permissions(server.adminClient(), "/system", true)).contains("user:create", "configuration:update");
        assertThat(permissions(server.adminClient(), "/system", false)).contains("/system/user:list");
        assertThat(permissions(server.adminClient(), "", false)).isEmpty();

        RegistryClient.Response anonymous =
                server.anonymousClient().get("/api/v2.0/users/current/permissions?scope=" + scope);
        assertThat(anonymous.status()).isEqualTo(401);
    }

    private static List<String> permissions(RegistryClient client, String scope, boolean relative) {
        RegistryClient.Response r =
                client.get("/api/v2.0/users/current/permissions?scope=" + scope + "&relative=" + relative);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> result = new ArrayList<>();
        r.json()
                .forEach(p -> result.add(
                        p.path("resource").asString() + ":" + p.path("action").asString()));
        return result;
    }

    /** A system robot inserted directly (the robot API is not this module's): its login name. */
    static String systemRobot(String secret) {
        String name = TestUsers.uniqueName("bot");
        server.bean(JdbcClient.class)
                .sql(
                        "INSERT INTO robot (name, project_id, secret_hash, duration, expires_at) VALUES (?, NULL, ?, -1, -1)")
                .param(name)
                .param(PasswordRules.sha256(secret))
                .update();
        return "robot$" + name;
    }
}
