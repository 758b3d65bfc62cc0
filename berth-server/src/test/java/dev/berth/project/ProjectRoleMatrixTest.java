package dev.berth.project;

import static dev.berth.project.ProjectFixtures.Who.ANONYMOUS;
import static dev.berth.project.ProjectFixtures.Who.DEVELOPER;
import static dev.berth.project.ProjectFixtures.Who.GUEST;
import static dev.berth.project.ProjectFixtures.Who.LIMITED_GUEST;
import static dev.berth.project.ProjectFixtures.Who.MAINTAINER;
import static dev.berth.project.ProjectFixtures.Who.NON_MEMBER;
import static dev.berth.project.ProjectFixtures.Who.PROJECT_ADMIN;
import static dev.berth.project.ProjectFixtures.Who.SYSADMIN;
import static dev.berth.project.ProjectFixtures.sendJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.project.ProjectFixtures.RoleSet;
import dev.berth.project.ProjectFixtures.Who;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every project endpoint of this slice against every kind of caller of a private project: the five
 * roles, a user who is no member, an anonymous caller and the system administrator. A private
 * project is a 404 to outsiders (its existence must not leak) and a 401 to anonymous callers.
 */
class ProjectRoleMatrixTest {
    private static ProjectFixtures fx;
    private static RoleSet set;

    @BeforeAll
    static void setUp() {
        fx = new ProjectFixtures(BerthServer.shared());
        set = fx.roleSet(false);
    }

    /** Expected status per caller; the rest of the callers default to {@code otherwise}. */
    private static Map<Who, Integer> expect(int otherwise, Object... whoThenStatus) {
        Map<Who, Integer> m = new EnumMap<>(Who.class);
        for (Who w : Who.values()) {
            m.put(w, otherwise);
        }
        for (int i = 0; i < whoThenStatus.length; i += 2) {
            m.put((Who) whoThenStatus[i], (Integer) whoThenStatus[i + 1]);
        }
        return m;
    }

    /** Outsiders never learn the project exists; anonymous callers are asked to log in. */
    private static Map<Who, Integer> members(int member) {
        return expect(member, NON_MEMBER, 404, ANONYMOUS, 401);
    }

    private static void check(Map<Who, Integer> expected, Function<Who, RegistryClient.Response> call) {
        for (Who who : Who.values()) {
            RegistryClient.Response r = call.apply(who);
            assertThat(r.status()).as("%s: %s", who, r.text()).isEqualTo(expected.get(who));
        }
    }

    private String p() {
        return "/api/v2.0/projects/" + set.project();
    }

    @Test
    void everyRoleReadsTheProjectOutsidersGet404AndAnonymous401() {
        check(expect(200, NON_MEMBER, 404, ANONYMOUS, 401), w -> set.client(w).get(p()));
        // By id too: the id of a private project leaks nothing either.
        check(
                expect(200, NON_MEMBER, 404, ANONYMOUS, 401),
                w -> set.client(w).get("/api/v2.0/projects/" + set.projectId()));
        JsonNode asDeveloper = set.client(DEVELOPER).get(p()).json();
        assertThat(asDeveloper.path("current_user_role_id").asInt()).isEqualTo(2);
        assertThat(asDeveloper.path("togglable").asBoolean()).isFalse();
        assertThat(set.client(PROJECT_ADMIN).get(p()).json().path("togglable").asBoolean())
                .isTrue();
    }

    @Test
    void onlyProjectAdminsAndSysadminsUpdateTheProject() {
        Map<Who, Integer> expected = expect(403, PROJECT_ADMIN, 200, SYSADMIN, 200, NON_MEMBER, 404, ANONYMOUS, 401);
        check(expected, w -> sendJson(set.client(w), "PUT", p(), "{\"metadata\":{\"auto_scan\":\"true\"}}"));
        // A denied caller changed nothing: turn it off as admin, try to turn it on as maintainer.
        sendJson(fx.admin, "PUT", p(), "{\"metadata\":{\"auto_scan\":\"false\"}}");
        sendJson(set.client(MAINTAINER), "PUT", p(), "{\"metadata\":{\"auto_scan\":\"true\"}}");
        assertThat(fx.admin.get(p()).json().path("metadata").path("auto_scan").asString())
                .isEqualTo("false");
    }

    @Test
    void summaryShowsMemberCountsToMemberReadersAndQuotaToEveryRole() {
        check(members(200), w -> set.client(w).get(p() + "/summary"));
        JsonNode guest = set.client(GUEST).get(p() + "/summary").json();
        // The creator (admin) is a project admin too, as in Harbor.
        assertThat(guest.path("project_admin_count").asInt()).isEqualTo(2);
        assertThat(guest.path("maintainer_count").asInt()).isEqualTo(1);
        assertThat(guest.path("developer_count").asInt()).isEqualTo(1);
        assertThat(guest.path("guest_count").asInt()).isEqualTo(1);
        assertThat(guest.path("limited_guest_count").asInt()).isEqualTo(1);
        assertThat(guest.path("quota").path("hard").path("storage").asLong()).isEqualTo(-1);
        assertThat(guest.path("quota").path("used").path("storage").asLong()).isZero();
        assertThat(guest.path("repo_count").asLong()).isZero();
        JsonNode limited = set.client(LIMITED_GUEST).get(p() + "/summary").json();
        assertThat(limited.has("guest_count")).isFalse();
        assertThat(limited.has("quota")).isTrue();
    }

    @Test
    void deletableIsForThoseWhoMayDelete() {
        check(
                expect(403, PROJECT_ADMIN, 200, SYSADMIN, 200, NON_MEMBER, 404, ANONYMOUS, 401),
                w -> set.client(w).get(p() + "/_deletable"));
        JsonNode body = set.client(PROJECT_ADMIN).get(p() + "/_deletable").json();
        assertThat(body.path("deletable").asBoolean()).isTrue();
    }

    @Test
    void metadataIsReadByAdminsAndMaintainersOnly() {
        check(
                expect(403, PROJECT_ADMIN, 200, MAINTAINER, 200, SYSADMIN, 200, NON_MEMBER, 404, ANONYMOUS, 401),
                w -> set.client(w).get(p() + "/metadatas/"));
        check(
                expect(403, PROJECT_ADMIN, 200, MAINTAINER, 200, SYSADMIN, 200, NON_MEMBER, 404, ANONYMOUS, 401),
                w -> set.client(w).get(p() + "/metadatas/public"));
    }

    /** CVE-2024-22278: maintainers (and lower) must not switch project policies such as prevent_vul. */
    @Test
    void metadataWritesNeedProjectAdmin() {
        Map<Who, Integer> denied = expect(403, NON_MEMBER, 404, ANONYMOUS, 401);
        for (Who w : new Who[] {MAINTAINER, DEVELOPER, GUEST, LIMITED_GUEST, NON_MEMBER, ANONYMOUS}) {
            RegistryClient c = set.client(w);
            assertThat(sendJson(c, "POST", p() + "/metadatas/", "{\"prevent_vul\":\"false\"}")
                            .status())
                    .as("POST by %s", w)
                    .isEqualTo(denied.get(w));
            assertThat(sendJson(c, "PUT", p() + "/metadatas/prevent_vul", "{\"prevent_vul\":\"false\"}")
                            .status())
                    .as("PUT by %s", w)
                    .isEqualTo(denied.get(w));
            assertThat(c.delete(p() + "/metadatas/prevent_vul").status())
                    .as("DELETE by %s", w)
                    .isEqualTo(denied.get(w));
        }
        for (Who w : new Who[] {PROJECT_ADMIN, SYSADMIN}) {
            RegistryClient c = set.client(w);
            assertThat(sendJson(c, "POST", p() + "/metadatas/", "{\"prevent_vul\":\"true\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(sendJson(c, "PUT", p() + "/metadatas/prevent_vul", "{\"prevent_vul\":\"TRUE\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(c.get(p() + "/metadatas/prevent_vul")
                            .json()
                            .path("prevent_vul")
                            .asString())
                    .isEqualTo("true");
            // A maintainer's attempt in between leaves the policy on.
            sendJson(set.client(MAINTAINER), "PUT", p() + "/metadatas/prevent_vul", "{\"prevent_vul\":\"false\"}");
            assertThat(c.get(p() + "/metadatas/prevent_vul")
                            .json()
                            .path("prevent_vul")
                            .asString())
                    .isEqualTo("true");
            assertThat(c.delete(p() + "/metadatas/prevent_vul").status()).isEqualTo(200);
            assertThat(c.get(p() + "/metadatas/prevent_vul").json().size()).isZero();
        }
    }

    @Test
    void membersAreListedByEveryRoleButLimitedGuest() {
        Map<Who, Integer> expected = expect(200, LIMITED_GUEST, 403, NON_MEMBER, 404, ANONYMOUS, 401);
        check(expected, w -> set.client(w).get(p() + "/members"));
        long mid = set.client(PROJECT_ADMIN)
                .get(p() + "/members?entityname=" + set.accounts().get(GUEST).name())
                .json()
                .path(0)
                .path("id")
                .asLong();
        check(expected, w -> set.client(w).get(p() + "/members/" + mid));
    }

    @Test
    void onlyProjectAdminsAndSysadminsManageMembers() {
        ProjectFixtures.Account extra = fx.user("extra");
        String add = "{\"role_id\":3,\"member_user\":{\"username\":\"" + extra.name() + "\"}}";
        Map<Who, Integer> denied = expect(403, NON_MEMBER, 404, ANONYMOUS, 401);
        for (Who w : new Who[] {MAINTAINER, DEVELOPER, GUEST, LIMITED_GUEST, NON_MEMBER, ANONYMOUS}) {
            assertThat(sendJson(set.client(w), "POST", p() + "/members", add).status())
                    .as("%s", w)
                    .isEqualTo(denied.get(w));
        }
        for (Who w : new Who[] {PROJECT_ADMIN, SYSADMIN}) {
            RegistryClient.Response created = sendJson(set.client(w), "POST", p() + "/members", add);
            assertThat(created.status()).as("%s: %s", w, created.text()).isEqualTo(201);
            String location = created.header("Location").orElseThrow();
            for (Who other : new Who[] {MAINTAINER, DEVELOPER, GUEST, LIMITED_GUEST, NON_MEMBER, ANONYMOUS}) {
                assertThat(sendJson(set.client(other), "PUT", location, "{\"role_id\":1}")
                                .status())
                        .as("PUT by %s", other)
                        .isEqualTo(denied.get(other));
                assertThat(set.client(other).delete(location).status())
                        .as("DELETE by %s", other)
                        .isEqualTo(denied.get(other));
            }
            assertThat(fx.admin.get(location).json().path("role_id").asInt()).isEqualTo(3);
            assertThat(sendJson(set.client(w), "PUT", location, "{\"role_id\":2}")
                            .status())
                    .isEqualTo(200);
            assertThat(fx.admin.get(location).json().path("role_name").asString())
                    .isEqualTo("developer");
            assertThat(set.client(w).delete(location).status()).isEqualTo(200);
            assertThat(fx.admin.get(location).status()).isEqualTo(404);
        }
    }

    @Test
    void onlyProjectAdminsDeleteTheProject() {
        RoleSet other = fx.roleSet(false);
        String path = "/api/v2.0/projects/" + other.project();
        for (Who w : new Who[] {MAINTAINER, DEVELOPER, GUEST, LIMITED_GUEST}) {
            assertThat(other.client(w).delete(path).status()).as("%s", w).isEqualTo(403);
        }
        assertThat(other.client(NON_MEMBER).delete(path).status()).isEqualTo(404);
        assertThat(other.client(ANONYMOUS).delete(path).status()).isEqualTo(401);
        assertThat(other.client(PROJECT_ADMIN).delete(path).status()).isEqualTo(200);
        assertThat(fx.admin.get(path).status()).isEqualTo(404);
    }

    @Test
    void inAPublicProjectOutsidersReadTheProjectButNothingElse() {
        RoleSet pub = fx.roleSet(true);
        String path = "/api/v2.0/projects/" + pub.project();
        for (Who w : new Who[] {NON_MEMBER, ANONYMOUS}) {
            assertThat(pub.client(w).get(path).status()).as("%s", w).isEqualTo(200);
            assertThat(pub.client(w).get(path + "/summary").status())
                    .as("%s", w)
                    .isEqualTo(200);
            assertThat(pub.client(w).get(path + "/summary").json().has("quota")).isFalse();
            int refused = w == ANONYMOUS ? 401 : 403;
            assertThat(pub.client(w).get(path + "/members").status())
                    .as("%s", w)
                    .isEqualTo(refused);
            assertThat(pub.client(w).get(path + "/metadatas/").status())
                    .as("%s", w)
                    .isEqualTo(refused);
            assertThat(sendJson(pub.client(w), "PUT", path, "{\"metadata\":{\"public\":\"false\"}}")
                            .status())
                    .isEqualTo(refused);
            assertThat(pub.client(w).delete(path).status()).isEqualTo(refused);
        }
        assertThat(fx.admin.get(path).json().path("metadata").path("public").asString())
                .isEqualTo("true");
    }
}
