package dev.berth.project;

import static dev.berth.project.ProjectFixtures.sendJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.project.ProjectFixtures.Account;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Project members: Harbor's JSON, validation, duplicates, cross-project ids, filters and groups. */
class ProjectMemberTest {
    private static ProjectFixtures fx;

    @BeforeAll
    static void setUp() {
        fx = new ProjectFixtures(BerthServer.shared());
    }

    private static String members(String project) {
        return "/api/v2.0/projects/" + project + "/members";
    }

    @Test
    void addByUserIdReturnsHarborsMemberJson() {
        String project = ProjectFixtures.unique("mem");
        long projectId = fx.project(project, false);
        Account user = fx.user("alice");
        RegistryClient.Response created = sendJson(
                fx.admin, "POST", members(project), "{\"role_id\":4,\"member_user\":{\"user_id\":" + user.id() + "}}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String location = created.header("Location").orElseThrow();
        assertThat(location).startsWith(members(project) + "/");
        JsonNode m = fx.admin.get(location).json();
        assertThat(m.path("id").asLong()).isEqualTo(Long.parseLong(location.substring(location.lastIndexOf('/') + 1)));
        assertThat(m.path("project_id").asLong()).isEqualTo(projectId);
        assertThat(m.path("entity_name").asString()).isEqualTo(user.name());
        assertThat(m.path("role_name").asString()).isEqualTo("maintainer");
        assertThat(m.path("role_id").asInt()).isEqualTo(4);
        assertThat(m.path("entity_id").asLong()).isEqualTo(user.id());
        assertThat(m.path("entity_type").asString()).isEqualTo("u");
        // The new member sees the private project now.
        assertThat(user.client().get("/api/v2.0/projects/" + project).status()).isEqualTo(200);
    }

    @Test
    void duplicatesUnknownUsersAndBadRolesAreRefused() {
        String project = ProjectFixtures.unique("mem");
        fx.project(project, false);
        Account user = fx.user("bob");
        fx.addMember(project, user.name(), 3);
        RegistryClient.Response again = sendJson(
                fx.admin, "POST", members(project), "{\"role_id\":2,\"member_user\":{\"user_id\":" + user.id() + "}}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("CONFLICT");
        assertThat(sendJson(
                                fx.admin,
                                "POST",
                                members(project),
                                "{\"role_id\":2,\"member_user\":{\"user_id\":987654321}}")
                        .status())
                .isEqualTo(404);
        assertThat(sendJson(
                                fx.admin,
                                "POST",
                                members(project),
                                "{\"role_id\":2,\"member_user\":{\"username\":\"nobody-" + project + "\"}}")
                        .status())
                .isEqualTo(404);
        Account carol = fx.user("carol");
        for (String role : List.of("0", "6", "-1", "\"1\"", "null", "1.5")) {
            RegistryClient.Response r = sendJson(
                    fx.admin,
                    "POST",
                    members(project),
                    "{\"role_id\":" + role + ",\"member_user\":{\"username\":\"" + carol.name() + "\"}}");
            assertThat(r.status()).as(role).isEqualTo(400);
        }
        assertThat(sendJson(fx.admin, "POST", members(project), "{\"role_id\":2}")
                        .status())
                .isEqualTo(400);
        // Nothing of that was added: only the creator and bob.
        assertThat(fx.admin.get(members(project)).header("X-Total-Count")).hasValue("2");
        long bob = fx.admin
                .get(members(project) + "?entityname=" + user.name())
                .json()
                .path(0)
                .path("id")
                .asLong();
        for (String role : List.of("0", "6", "\"2\"", "null")) {
            assertThat(sendJson(fx.admin, "PUT", members(project) + "/" + bob, "{\"role_id\":" + role + "}")
                            .status())
                    .as(role)
                    .isEqualTo(400);
        }
        assertThat(fx.admin
                        .get(members(project) + "/" + bob)
                        .json()
                        .path("role_id")
                        .asInt())
                .isEqualTo(3);
    }

    /** IDOR: the admin of project B must not read, change or remove a member of A through B's path. */
    @Test
    void aMemberIdOfAnotherProjectIsNotFound() {
        String a = ProjectFixtures.unique("idora");
        String b = ProjectFixtures.unique("idorb");
        fx.project(a, false);
        fx.project(b, false);
        Account adminB = fx.user("adminb");
        fx.addMember(b, adminB.name(), 1);
        Account victim = fx.user("victim");
        long victimMember = fx.addMember(a, victim.name(), 3);
        for (RegistryClient caller : List.of(adminB.client(), fx.admin)) {
            String viaB = members(b) + "/" + victimMember;
            assertThat(caller.get(viaB).status()).isEqualTo(404);
            assertThat(sendJson(caller, "PUT", viaB, "{\"role_id\":1}").status())
                    .isEqualTo(404);
            assertThat(caller.delete(viaB).status()).isEqualTo(404);
        }
        // And through A's own path B's admin does not even see A.
        assertThat(adminB.client().get(members(a) + "/" + victimMember).status())
                .isEqualTo(404);
        assertThat(sendJson(adminB.client(), "PUT", members(a) + "/" + victimMember, "{\"role_id\":1}")
                        .status())
                .isEqualTo(404);
        JsonNode unchanged = fx.admin.get(members(a) + "/" + victimMember).json();
        assertThat(unchanged.path("role_id").asInt()).isEqualTo(3);
        assertThat(unchanged.path("project_id").asLong()).isNotZero();
    }

    @Test
    void listFiltersByEntityNameAndPages() {
        String project = ProjectFixtures.unique("memlist");
        fx.project(project, false);
        String infix = ProjectFixtures.unique("zq");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Account u = fx.user(infix + "x" + i + "x");
            fx.addMember(project, u.name(), 2 + i);
            names.add(u.name());
        }
        RegistryClient.Response all = fx.admin.get(members(project) + "?entityname=" + infix);
        assertThat(all.header("X-Total-Count")).hasValue("3");
        assertThat(all.json().size()).isEqualTo(3);
        RegistryClient.Response page1 = fx.admin.get(members(project) + "?entityname=" + infix + "&page_size=2");
        assertThat(page1.json().size()).isEqualTo(2);
        assertThat(page1.header("Link").orElseThrow()).contains("rel=\"next\"").contains("entityname=" + infix);
        RegistryClient.Response page2 = fx.admin.get(members(project) + "?entityname=" + infix + "&page_size=2&page=2");
        assertThat(page2.json().size()).isEqualTo(1);
        assertThat(page2.json().path(0).path("entity_name").asString()).isEqualTo(names.get(2));
        RegistryClient.Response sorted = fx.admin.get(members(project) + "?entityname=" + infix + "&sort=-entity_name");
        assertThat(sorted.json().path(0).path("entity_name").asString()).isEqualTo(names.get(2));
        RegistryClient.Response byRole = fx.admin.get(members(project) + "?q=" + enc("role_id=3"));
        assertThat(byRole.json().size()).isEqualTo(1);
        assertThat(byRole.json().path(0).path("entity_name").asString()).isEqualTo(names.get(1));
        assertThat(fx.admin.get(members(project) + "?entityname=%25").json().size())
                .isZero();
        assertThat(fx.admin.get(members(project) + "?q=" + enc("password=~a")).status())
                .isEqualTo(400);
    }

    @Test
    void userGroupsAreForSysadminsAndCanBeMembers() {
        Account user = fx.user("grpuser");
        String name = ProjectFixtures.unique("devs");
        String body = "{\"group_name\":\"" + name + "\",\"group_type\":2}";
        assertThat(sendJson(fx.server.anonymousClient(), "POST", "/api/v2.0/usergroups", body)
                        .status())
                .isEqualTo(401);
        assertThat(sendJson(user.client(), "POST", "/api/v2.0/usergroups", body).status())
                .isEqualTo(403);
        assertThat(user.client().get("/api/v2.0/usergroups").status()).isEqualTo(403);
        for (String bad : List.of(
                "{\"group_name\":\"x\",\"group_type\":4}",
                "{\"group_name\":\"x\"}",
                "{\"group_name\":\"\",\"group_type\":2}",
                "{\"group_name\":\"x\",\"group_type\":1}")) {
            assertThat(sendJson(fx.admin, "POST", "/api/v2.0/usergroups", bad).status())
                    .as(bad)
                    .isEqualTo(400);
        }
        RegistryClient.Response created = sendJson(fx.admin, "POST", "/api/v2.0/usergroups", body);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String location = created.header("Location").orElseThrow();
        long groupId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        assertThat(sendJson(fx.admin, "POST", "/api/v2.0/usergroups", body).status())
                .isEqualTo(409);
        JsonNode group = fx.admin.get(location).json();
        assertThat(group.path("group_name").asString()).isEqualTo(name);
        assertThat(group.path("group_type").asInt()).isEqualTo(2);
        assertThat(user.client().get(location).status()).isEqualTo(403);
        RegistryClient.Response listed = fx.admin.get("/api/v2.0/usergroups?group_name=" + name);
        assertThat(listed.header("X-Total-Count")).hasValue("1");
        assertThat(listed.json().path(0).path("id").asLong()).isEqualTo(groupId);
        assertThat(sendJson(user.client(), "PUT", location, "{\"group_name\":\"hijack\"}")
                        .status())
                .isEqualTo(403);
        assertThat(sendJson(fx.admin, "PUT", location, "{\"group_name\":\"" + name + "-renamed\"}")
                        .status())
                .isEqualTo(200);
        assertThat(fx.admin.get(location).json().path("group_name").asString()).isEqualTo(name + "-renamed");

        String project = ProjectFixtures.unique("grp");
        fx.project(project, false);
        RegistryClient.Response member = sendJson(
                fx.admin, "POST", members(project), "{\"role_id\":2,\"member_group\":{\"id\":" + groupId + "}}");
        assertThat(member.status()).as(member.text()).isEqualTo(201);
        JsonNode m = fx.admin.get(member.header("Location").orElseThrow()).json();
        assertThat(m.path("entity_type").asString()).isEqualTo("g");
        assertThat(m.path("entity_name").asString()).isEqualTo(name + "-renamed");
        assertThat(sendJson(
                                fx.admin,
                                "POST",
                                members(project),
                                "{\"role_id\":3,\"member_group\":{\"group_name\":\"" + name + "-renamed\"}}")
                        .status())
                .isEqualTo(409);
        assertThat(sendJson(fx.admin, "POST", members(project), "{\"role_id\":3,\"member_group\":{\"id\":987654321}}")
                        .status())
                .isEqualTo(404);

        assertThat(user.client().delete(location).status()).isEqualTo(403);
        assertThat(fx.admin.delete(location).status()).isEqualTo(200);
        assertThat(fx.admin.get(location).status()).isEqualTo(404);
        assertThat(fx.admin.delete(location).status()).isEqualTo(404);
        assertThat(fx.admin
                        .get(members(project) + "?q=" + enc("entity_type=g"))
                        .json()
                        .size())
                .isZero();
    }

    @Test
    void groupSearchIsForThoseWhoMayAddGroupMembersAndShowsNoDn() {
        String stem = ProjectFixtures.unique("find");
        for (String body : List.of(
                "{\"group_name\":\"" + stem + "-ops\",\"group_type\":1,\"ldap_group_dn\":\"cn=" + stem
                        + ",dc=example\"}",
                "{\"group_name\":\"" + stem + "-dev\",\"group_type\":3}",
                "{\"group_name\":\"" + stem + "_x\",\"group_type\":2}")) {
            assertThat(sendJson(fx.admin, "POST", "/api/v2.0/usergroups", body).status())
                    .isEqualTo(201);
        }
        String search = "/api/v2.0/usergroups/search?groupname=";
        Account guest = fx.user("grpguest");
        Account owner = fx.user("grpowner");
        String project = ProjectFixtures.unique("grps");
        fx.project(project, false);
        fx.addMember(project, guest.name(), 3);
        fx.addMember(project, owner.name(), 1);

        assertThat(fx.server.anonymousClient().get(search + stem).status()).isEqualTo(401);
        assertThat(guest.client().get(search + stem).status()).isEqualTo(403);
        assertThat(fx.admin.get(search).status()).isEqualTo(400);

        RegistryClient.Response found = owner.client().get(search + stem + "&page_size=2");
        assertThat(found.status()).as(found.text()).isEqualTo(200);
        assertThat(found.header("X-Total-Count")).hasValue("3");
        assertThat(found.json().size()).isEqualTo(2);
        found.json().forEach(g -> {
            assertThat(g.has("ldap_group_dn")).isFalse();
            assertThat(g.path("group_name").asString()).startsWith(stem);
        });
        // A LIKE wildcard in the name is a character, not a pattern.
        RegistryClient.Response literal = fx.admin.get(search + enc(stem + "_"));
        assertThat(literal.header("X-Total-Count")).hasValue("1");
        assertThat(literal.json().path(0).path("group_name").asString()).isEqualTo(stem + "_x");
        assertThat(literal.json().path(0).path("group_type").asInt()).isEqualTo(2);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
