package dev.berth.user;

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

/** {@code /api/v2.0/users} over HTTP: who may do what, validation, and what a user looks like. */
class UserApiTest {
    private static final BerthServer server = BerthServer.shared();

    @Test
    void anAdministratorCreatesAUserWhoIsNeverAnAdministratorAndWhosePasswordNeverShows() {
        String name = TestUsers.uniqueName("made");
        RegistryClient.Response created = server.adminClient()
                .send(
                        "POST",
                        "/api/v2.0/users",
                        body("{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.com\","
                                + "\"realname\":\"Made Up\",\"comment\":\"hello\",\"password\":\"Secret-Pass1\","
                                + "\"sysadmin_flag\":true,\"admin_role_in_auth\":true,\"user_id\":1}"),
                        CONTENT_JSON);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String location = created.header("Location").orElseThrow();
        assertThat(location).matches("/api/v2.0/users/\\d+");

        JsonNode user = server.adminClient().get(location).json();
        assertThat(user.path("username").asString()).isEqualTo(name);
        assertThat(user.path("email").asString()).isEqualTo(name + "@example.com");
        assertThat(user.path("realname").asString()).isEqualTo("Made Up");
        assertThat(user.path("comment").asString()).isEqualTo("hello");
        assertThat(user.path("sysadmin_flag").asBoolean()).isFalse();
        assertThat(user.path("admin_role_in_auth").asBoolean()).isFalse();
        assertThat(user.path("user_id").asLong()).isNotEqualTo(1L);
        assertThat(user.path("creation_time").asString()).isNotEmpty();
        assertThat(user.path("update_time").asString()).isNotEmpty();
        assertThat(fieldNames(user))
                .containsExactlyInAnyOrder(
                        "user_id",
                        "username",
                        "email",
                        "realname",
                        "comment",
                        "sysadmin_flag",
                        "admin_role_in_auth",
                        "creation_time",
                        "update_time");

        RegistryClient.Response listUsers = server.client(name, "Secret-Pass1").get("/api/v2.0/users");
        assertThat(listUsers.status()).isEqualTo(403);
    }

    @Test
    void onlyAdministratorsListUsersWithPagingFilterAndSort() {
        String prefix = TestUsers.uniqueName("lst");
        List<TestUser> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(TestUsers.create(server, prefix));
        }

        assertThat(server.anonymousClient().get("/api/v2.0/users").status()).isEqualTo(401);
        RegistryClient.Response asUser = made.get(0).client().get("/api/v2.0/users");
        assertThat(asUser.status()).isEqualTo(403);
        assertThat(asUser.errorCode()).isEqualTo("FORBIDDEN");

        RegistryClient.Response page = server.adminClient()
                .get("/api/v2.0/users?q=username%3D~" + prefix + "&sort=-username&page=1&page_size=2");
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.header("X-Total-Count")).hasValue("3");
        assertThat(page.header("Link"))
                .hasValueSatisfying(l -> assertThat(l).contains("rel=\"next\"").contains("page=2"));
        List<String> names = new ArrayList<>();
        page.json().forEach(u -> names.add(u.path("username").asString()));
        List<String> expected = made.stream()
                .map(TestUser::name)
                .sorted(java.util.Comparator.reverseOrder())
                .limit(2)
                .toList();
        assertThat(names).isEqualTo(expected);
        page.json().forEach(u -> assertThat(u.has("password")).isFalse());

        RegistryClient.Response exact = server.adminClient()
                .get("/api/v2.0/users?q=username%3D" + made.get(1).name());
        assertThat(exact.json().size()).isEqualTo(1);
        assertThat(exact.json().path(0).path("user_id").asLong())
                .isEqualTo(made.get(1).id());
    }

    @Test
    void secretsCannotBeFilteredOrSortedOn() {
        for (String query : List.of(
                "q=password%3D~a", "q=password_hash%3D~a", "q=sysadmin%3Dtrue", "sort=password_hash", "q=salt%3D~a")) {
            RegistryClient.Response r = server.adminClient().get("/api/v2.0/users?" + query);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("BAD_REQUEST");
        }
    }

    @Test
    void aUserReadsAndUpdatesOnlyTheirOwnProfile() {
        TestUser a = TestUsers.create(server, "self");
        TestUser b = TestUsers.create(server, "other");

        assertThat(a.client().get("/api/v2.0/users/" + a.id()).status()).isEqualTo(200);
        assertThat(a.client().get("/api/v2.0/users/" + b.id()).status()).isEqualTo(403);
        // No existence oracle: an id that does not exist is refused the same way.
        assertThat(a.client().get("/api/v2.0/users/987654321").status()).isEqualTo(403);
        assertThat(server.adminClient().get("/api/v2.0/users/987654321").status())
                .isEqualTo(404);
        assertThat(server.anonymousClient().get("/api/v2.0/users/" + a.id()).status())
                .isEqualTo(401);

        RegistryClient.Response hijack = a.client()
                .send("PUT", "/api/v2.0/users/" + b.id(), body("{\"email\":\"stolen@example.com\"}"), CONTENT_JSON);
        assertThat(hijack.status()).isEqualTo(403);
        assertThat(server.adminClient()
                        .get("/api/v2.0/users/" + b.id())
                        .json()
                        .path("email")
                        .asString())
                .isEqualTo(b.name() + "@example.com");

        String newEmail = a.name() + "@changed.example.org";
        RegistryClient.Response update = a.client()
                .send(
                        "PUT",
                        "/api/v2.0/users/" + a.id(),
                        body("{\"email\":\"" + newEmail + "\",\"realname\":\"New Name\",\"comment\":\"changed\","
                                + "\"username\":\"renamed\",\"sysadmin_flag\":true}"),
                        CONTENT_JSON);
        assertThat(update.status()).as(update.text()).isEqualTo(200);
        JsonNode after = a.client().get("/api/v2.0/users/" + a.id()).json();
        assertThat(after.path("email").asString()).isEqualTo(newEmail);
        assertThat(after.path("realname").asString()).isEqualTo("New Name");
        assertThat(after.path("comment").asString()).isEqualTo("changed");
        assertThat(after.path("username").asString()).isEqualTo(a.name());
        assertThat(after.path("sysadmin_flag").asBoolean()).isFalse();

        RegistryClient.Response takenEmail = a.client()
                .send(
                        "PUT",
                        "/api/v2.0/users/" + a.id(),
                        body("{\"email\":\"" + b.name() + "@example.com\"}"),
                        CONTENT_JSON);
        assertThat(takenEmail.status()).isEqualTo(409);

        RegistryClient.Response badEmail = a.client()
                .send("PUT", "/api/v2.0/users/" + a.id(), body("{\"email\":\"not-an-address\"}"), CONTENT_JSON);
        assertThat(badEmail.status()).isEqualTo(400);
    }

    @Test
    void invalidUsersAreRefusedWithAClearMessage() {
        String ok = TestUsers.uniqueName("val");
        record Case(String json, String messagePart) {}
        List<Case> cases = List.of(
                new Case(user("a,b" + ok, ok + "@example.com", "Aa1aaaaa"), "username"),
                new Case(user("a#b" + ok, ok + "@example.com", "Aa1aaaaa"), "username"),
                new Case(user("a$b" + ok, ok + "@example.com", "Aa1aaaaa"), "username"),
                new Case(user("a:b" + ok, ok + "@example.com", "Aa1aaaaa"), "username"),
                new Case(user("", ok + "@example.com", "Aa1aaaaa"), "username"),
                new Case(user("x".repeat(256), ok + "@example.com", "Aa1aaaaa"), "username"),
                new Case(user(ok, "no-at-sign", "Aa1aaaaa"), "email"),
                new Case(user(ok, "", "Aa1aaaaa"), "email"),
                new Case(user(ok, ok + "@example.com", "short1A"), "password"),
                new Case(user(ok, ok + "@example.com", "alllowercase1"), "password"),
                new Case(user(ok, ok + "@example.com", "ALLUPPERCASE1"), "password"),
                new Case(user(ok, ok + "@example.com", "NoDigitsHere"), "password"),
                new Case(user(ok, ok + "@example.com", "A1" + "a".repeat(127)), "password"),
                new Case(
                        "{\"username\":\"" + ok + "\",\"email\":\"" + ok
                                + "@example.com\",\"password\":\"Aa1aaaaa\",\"realname\":\"\"}",
                        "realname"),
                new Case(
                        "{\"username\":\"" + ok + "\",\"email\":\"" + ok
                                + "@example.com\",\"password\":\"Aa1aaaaa\",\"realname\":\"R\",\"comment\":\""
                                + "c".repeat(31) + "\"}",
                        "comment"));
        for (Case c : cases) {
            RegistryClient.Response r =
                    server.adminClient().send("POST", "/api/v2.0/users", body(c.json()), CONTENT_JSON);
            assertThat(r.status()).as(c.json() + " -> " + r.text()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("BAD_REQUEST");
            assertThat(r.json().path("errors").path(0).path("message").asString())
                    .as(c.json())
                    .contains(c.messagePart());
        }
        assertThat(server.adminClient()
                        .get("/api/v2.0/users?q=username%3D~" + ok)
                        .header("X-Total-Count"))
                .hasValue("0");
    }

    @Test
    void aTakenUsernameOrEmailIsAConflict() {
        TestUser existing = TestUsers.create(server, "dup");
        RegistryClient.Response sameName = server.adminClient()
                .send(
                        "POST",
                        "/api/v2.0/users",
                        body(user(existing.name(), "fresh-" + existing.name() + "@example.com", "Aa1aaaaa")),
                        CONTENT_JSON);
        assertThat(sameName.status()).isEqualTo(409);
        assertThat(sameName.errorCode()).isEqualTo("CONFLICT");
        String other = TestUsers.uniqueName("dup");
        RegistryClient.Response sameEmail = server.adminClient()
                .send(
                        "POST",
                        "/api/v2.0/users",
                        body(user(other, existing.name() + "@example.com", "Aa1aaaaa")),
                        CONTENT_JSON);
        assertThat(sameEmail.status()).isEqualTo(409);
    }

    @Test
    void onlyAdministratorsGrantAdministrationAndRevokingItTakesEffectAtOnce() {
        TestUser a = TestUsers.create(server, "promo");
        TestUser b = TestUsers.create(server, "peer");

        RegistryClient.Response selfPromotion = a.client()
                .send("PUT", "/api/v2.0/users/" + a.id() + "/sysadmin", body("{\"sysadmin_flag\":true}"), CONTENT_JSON);
        assertThat(selfPromotion.status()).isEqualTo(403);
        assertThat(server.anonymousClient()
                        .send(
                                "PUT",
                                "/api/v2.0/users/" + a.id() + "/sysadmin",
                                body("{\"sysadmin_flag\":true}"),
                                CONTENT_JSON)
                        .status())
                .isEqualTo(401);
        assertThat(a.client().get("/api/v2.0/users").status()).isEqualTo(403);

        RegistryClient.Response missingFlag =
                server.adminClient().send("PUT", "/api/v2.0/users/" + a.id() + "/sysadmin", body("{}"), CONTENT_JSON);
        assertThat(missingFlag.status()).isEqualTo(400);
        assertThat(server.adminClient()
                        .send(
                                "PUT",
                                "/api/v2.0/users/987654321/sysadmin",
                                body("{\"sysadmin_flag\":true}"),
                                CONTENT_JSON)
                        .status())
                .isEqualTo(404);

        setSysadmin(a, true);
        assertThat(a.client().get("/api/v2.0/users").status()).isEqualTo(200);
        assertThat(a.client().get("/api/v2.0/users/" + b.id()).status()).isEqualTo(200);

        setSysadmin(a, false);
        // The Basic credentials were just used as an administrator; the revocation must still hold at once.
        assertThat(a.client().get("/api/v2.0/users").status()).isEqualTo(403);
        assertThat(a.client()
                        .get("/api/v2.0/users/current")
                        .json()
                        .path("sysadmin_flag")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void deletingAUserEndsTheirAccessSessionsAndMemberships() {
        TestUser doomed = TestUsers.create(server, "doomed");
        TestUser bystander = TestUsers.create(server, "bystander");
        String project = TestUsers.uniqueName("dproj");
        RegistryClient.Response createdProject = doomed.client()
                .send(
                        "POST",
                        "/api/v2.0/projects",
                        body("{\"project_name\":\"" + project + "\",\"metadata\":{\"public\":\"false\"}}"),
                        CONTENT_JSON);
        assertThat(createdProject.status()).as(createdProject.text()).isEqualTo(201);
        TestUsers.PortalSession session = TestUsers.signIn(server, doomed.name(), doomed.password());
        assertThat(session.client().get("/api/v2.0/users/current").status()).isEqualTo(200);
        JdbcClient jdbc = server.bean(JdbcClient.class);
        assertThat(memberships(jdbc, doomed.id())).isEqualTo(1);

        assertThat(bystander.client().delete("/api/v2.0/users/" + doomed.id()).status())
                .isEqualTo(403);
        assertThat(server.anonymousClient()
                        .delete("/api/v2.0/users/" + doomed.id())
                        .status())
                .isEqualTo(401);
        assertThat(doomed.client().get("/api/v2.0/users/current").status()).isEqualTo(200);

        RegistryClient.Response deleted = server.adminClient().delete("/api/v2.0/users/" + doomed.id());
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);

        assertThat(doomed.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
        assertThat(session.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
        assertThat(server.adminClient().get("/api/v2.0/users/" + doomed.id()).status())
                .isEqualTo(404);
        assertThat(server.adminClient().delete("/api/v2.0/users/" + doomed.id()).status())
                .isEqualTo(404);
        assertThat(memberships(jdbc, doomed.id())).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM web_session WHERE user_id = ?")
                        .param(doomed.id())
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE operation = 'delete' AND resource_type = 'user'"
                                + " AND resource = ? AND username = 'admin'")
                        .param(doomed.name())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void administratorsCannotDeleteThemselvesOrTheInitialAdministrator() {
        TestUser other = TestUsers.create(server, "admin2");
        setSysadmin(other, true);
        try {
            long adminId = server.adminClient()
                    .get("/api/v2.0/users/current")
                    .json()
                    .path("user_id")
                    .asLong();
            RegistryClient.Response selfDelete = server.adminClient().delete("/api/v2.0/users/" + adminId);
            assertThat(selfDelete.status()).isEqualTo(403);
            RegistryClient.Response initial = other.client().delete("/api/v2.0/users/" + adminId);
            assertThat(initial.status()).isEqualTo(403);
            assertThat(other.client().delete("/api/v2.0/users/" + other.id()).status())
                    .isEqualTo(403);
        } finally {
            setSysadmin(other, false);
        }
    }

    static void setSysadmin(TestUser user, boolean flag) {
        RegistryClient.Response r = server.adminClient()
                .send(
                        "PUT",
                        "/api/v2.0/users/" + user.id() + "/sysadmin",
                        body("{\"sysadmin_flag\":" + flag + "}"),
                        CONTENT_JSON);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    private static long memberships(JdbcClient jdbc, long userId) {
        return jdbc.sql("SELECT count(*) FROM project_member WHERE entity_type = 'u' AND entity_id = ?")
                .param(userId)
                .query(Long.class)
                .single();
    }

    private static String user(String name, String email, String password) {
        return "{\"username\":\"" + name + "\",\"email\":\"" + email + "\",\"realname\":\"Real Name\",\"password\":\""
                + password + "\"}";
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
