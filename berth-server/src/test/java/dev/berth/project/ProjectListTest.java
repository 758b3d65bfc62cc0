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

/**
 * {@code GET /api/v2.0/projects}: each caller sees only what they may (sysadmin all, users public
 * plus their own, anonymous public only, robots what their grants name), with the name, public and
 * owner filters, and q/sort/page/page_size restricted to the allow-list. All projects of this class
 * share a random prefix, so the {@code name} filter isolates them from other tests' projects.
 */
class ProjectListTest {
    private static ProjectFixtures fx;
    private static String prefix;
    private static String privA;
    private static String privB;
    private static String pubC;
    private static String ownD;
    private static long idA;
    private static Account member;
    private static Account outsider;

    @BeforeAll
    static void setUp() {
        fx = new ProjectFixtures(BerthServer.shared());
        prefix = ProjectFixtures.unique("lst");
        privA = prefix + "-a";
        privB = prefix + "-b";
        pubC = prefix + "-c";
        ownD = prefix + "-d";
        idA = fx.project(privA, false);
        fx.project(privB, false);
        fx.project(pubC, true);
        member = fx.user("lister");
        outsider = fx.user("outsider");
        fx.addMember(privA, member.name(), 2);
        RegistryClient.check(
                sendJson(member.client(), "POST", "/api/v2.0/projects", "{\"project_name\":\"" + ownD + "\"}"), 201);
    }

    private static List<String> names(RegistryClient client, String query) {
        RegistryClient.Response r = client.get("/api/v2.0/projects?name=" + prefix + query);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.json().forEach(p -> names.add(p.path("name").asString()));
        assertThat(r.header("X-Total-Count")).as("X-Total-Count").hasValue(Integer.toString(names.size()));
        return names;
    }

    @Test
    void sysadminSeesEveryProject() {
        assertThat(names(fx.admin, "")).containsExactly(privA, privB, pubC, ownD);
    }

    @Test
    void aUserSeesPublicProjectsAndTheirOwn() {
        assertThat(names(member.client(), "")).containsExactly(privA, pubC, ownD);
        RegistryClient.Response r = member.client().get("/api/v2.0/projects?name=" + privA);
        assertThat(r.json().path(0).path("current_user_role_id").asInt()).isEqualTo(2);
        assertThat(r.json().path(0).path("project_id").asLong()).isEqualTo(idA);
        assertThat(r.json().path(0).path("metadata").path("public").asString()).isEqualTo("false");
        assertThat(r.json().path(0).has("repo_count")).isTrue();
    }

    @Test
    void anOutsiderSeesOnlyPublicProjects() {
        assertThat(names(outsider.client(), "")).containsExactly(pubC);
        assertThat(names(outsider.client(), "&public=false")).isEmpty();
    }

    @Test
    void anonymousCallersSeeOnlyPublicProjects() {
        assertThat(names(fx.server.anonymousClient(), "")).containsExactly(pubC);
        assertThat(names(fx.server.anonymousClient(), "&public=false")).isEmpty();
        assertThat(names(fx.server.anonymousClient(), "&public=true")).containsExactly(pubC);
    }

    @Test
    void publicAndOwnerFiltersNarrowTheVisibleSet() {
        assertThat(names(member.client(), "&public=false")).containsExactly(privA, ownD);
        assertThat(names(member.client(), "&public=true")).containsExactly(pubC);
        assertThat(names(fx.admin, "&owner=" + member.name())).containsExactly(ownD);
        assertThat(names(fx.admin, "&owner=admin")).containsExactly(privA, privB, pubC);
        assertThat(names(fx.admin, "&owner=nobody-" + prefix)).isEmpty();
        assertThat(fx.admin.get("/api/v2.0/projects?public=maybe").status()).isEqualTo(400);
    }

    @Test
    void robotsSeePublicProjectsAndTheProjectsTheirGrantsName() {
        Account projectRobot =
                fx.robot(idA, privA, List.<String[]>of(new String[] {"project", privA, "repository", "pull"}));
        assertThat(names(projectRobot.client(), "")).containsExactly(privA, pubC);
        Account everywhere = fx.robot(0, null, List.<String[]>of(new String[] {"project", "*", "repository", "pull"}));
        assertThat(names(everywhere.client(), "")).containsExactly(privA, privB, pubC, ownD);
        Account lister = fx.robot(0, null, List.<String[]>of(new String[] {"system", "/", "project", "list"}));
        assertThat(names(lister.client(), "")).containsExactly(privA, privB, pubC, ownD);
    }

    @Test
    void sortPageAndPageSizeWithLinkHeaders() {
        assertThat(names(fx.admin, "&sort=-name")).containsExactly(ownD, pubC, privB, privA);
        RegistryClient.Response first = fx.admin.get("/api/v2.0/projects?name=" + prefix + "&page_size=3&page=1");
        assertThat(first.json().size()).isEqualTo(3);
        assertThat(first.header("X-Total-Count")).hasValue("4");
        assertThat(first.header("Link").orElseThrow())
                .contains("rel=\"next\"")
                .contains("page=2")
                .doesNotContain("rel=\"prev\"");
        RegistryClient.Response second = fx.admin.get("/api/v2.0/projects?name=" + prefix + "&page_size=3&page=2");
        assertThat(second.json().size()).isEqualTo(1);
        assertThat(second.json().path(0).path("name").asString()).isEqualTo(ownD);
        assertThat(second.header("Link").orElseThrow()).contains("rel=\"prev\"").doesNotContain("rel=\"next\"");
        assertThat(fx.admin.get("/api/v2.0/projects?page_size=101").status()).isEqualTo(400);
    }

    @Test
    void sortsByRepositoryCountAndStorageUsed() {
        // privA: two small repositories; privB: one repository holding more bytes than both.
        fx.admin.pushImage(privA + "/one", "v1", new byte[] {1});
        fx.admin.pushImage(privA + "/two", "v1", new byte[] {2});
        fx.admin.pushImage(privB + "/big", "v1", new byte[64 * 1024]);
        assertThat(names(fx.admin, "&sort=-repo_count")).containsExactly(privA, privB, pubC, ownD);
        assertThat(names(fx.admin, "&sort=repo_count")).containsExactly(pubC, ownD, privB, privA);
        assertThat(names(fx.admin, "&sort=-storage_used")).containsExactly(privB, privA, pubC, ownD);
        assertThat(names(fx.admin, "&sort=storage_used,-name")).containsExactly(ownD, pubC, privA, privB);
        // The member sees only what they may, in the same order.
        assertThat(names(member.client(), "&sort=-storage_used")).containsExactly(privA, pubC, ownD);
        // Sorting only: neither is a filter.
        for (String bad : List.of("repo_count=2", "storage_used=0")) {
            assertThat(fx.admin.get("/api/v2.0/projects?q=" + enc(bad)).status())
                    .as(bad)
                    .isEqualTo(400);
        }
    }

    @Test
    void qFiltersOnlyAllowListedFields() {
        assertThat(names(fx.admin, "&q=" + enc("public=true"))).containsExactly(pubC);
        assertThat(names(fx.admin, "&q=" + enc("project_id=" + idA))).containsExactly(privA);
        assertThat(names(member.client(), "&q=" + enc("name=~-b"))).isEmpty();
        for (String bad : List.of("password=~a", "owner_name=admin", "secret=x")) {
            RegistryClient.Response r = fx.admin.get("/api/v2.0/projects?q=" + enc(bad));
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        assertThat(fx.admin.get("/api/v2.0/projects?sort=storage_limit").status())
                .isEqualTo(400);
    }

    @Test
    void nameIsMatchedLiterallyNotAsAPattern() {
        for (String tricky : List.of("%", "_", "'--", "\\")) {
            RegistryClient.Response r = fx.admin.get("/api/v2.0/projects?name=" + enc(prefix + tricky));
            assertThat(r.status()).as(tricky).isEqualTo(200);
            assertThat(r.json().size()).as(tricky).isZero();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
