package dev.berth.project;

import static dev.berth.project.ProjectFixtures.sendJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.project.ProjectFixtures.Account;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.system.SystemSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Creating and deleting projects: name rules, who may create, non-empty projects, stale tokens. */
class ProjectLifecycleTest {
    private static ProjectFixtures fx;

    @BeforeAll
    static void setUp() {
        fx = new ProjectFixtures(BerthServer.shared());
    }

    private static RegistryClient.Response create(RegistryClient client, String name) {
        return sendJson(client, "POST", "/api/v2.0/projects", "{\"project_name\":\"" + name + "\"}");
    }

    @Test
    void projectNamesFollowHarborsRule() {
        String base = ProjectFixtures.unique("name");
        for (String bad : List.of(
                base.toUpperCase(),
                base + "-Upper",
                base + "..x",
                base + "._x",
                "." + base,
                base + "-",
                base + "/x",
                "",
                "a".repeat(256))) {
            RegistryClient.Response r = create(fx.admin, bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("BAD_REQUEST");
        }
        String longest = base + "a".repeat(255 - base.length());
        assertThat(create(fx.admin, longest).status()).isEqualTo(201);
        assertThat(create(fx.admin, base + "_x.y-z").status()).isEqualTo(201);
        assertThat(create(fx.admin, base + "_x.y-z").status()).isEqualTo(409);
    }

    @Test
    void adminOnlyCreationRestrictsUsersButNotSysadmins() {
        SystemSettings settings = fx.server.bean(SystemSettings.class);
        Account user = fx.user("creator");
        try {
            settings.set("project_creation_restriction", "adminonly");
            assertThat(create(user.client(), ProjectFixtures.unique("ao")).status())
                    .isEqualTo(403);
            assertThat(create(fx.server.anonymousClient(), ProjectFixtures.unique("ao"))
                            .status())
                    .isEqualTo(401);
            assertThat(create(fx.admin, ProjectFixtures.unique("ao")).status()).isEqualTo(201);
        } finally {
            settings.set("project_creation_restriction", "everyone");
        }
        String mine = ProjectFixtures.unique("ao");
        assertThat(create(user.client(), mine).status()).isEqualTo(201);
        // The creator becomes its project admin.
        assertThat(user.client()
                        .get("/api/v2.0/projects/" + mine)
                        .json()
                        .path("current_user_role_id")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void aProjectWithRepositoriesIsNotDeletable() {
        String project = ProjectFixtures.unique("full");
        fx.project(project, false);
        fx.admin.pushImage(project + "/app", "v1", "layer".getBytes(StandardCharsets.UTF_8));
        var deletable =
                fx.admin.get("/api/v2.0/projects/" + project + "/_deletable").json();
        assertThat(deletable.path("deletable").asBoolean()).isFalse();
        assertThat(deletable.path("message").asString()).contains("repositories");
        RegistryClient.Response r = fx.admin.delete("/api/v2.0/projects/" + project);
        assertThat(r.status()).isEqualTo(412);
        assertThat(r.errorCode()).isEqualTo("PRECONDITION");
        assertThat(fx.admin
                        .get("/api/v2.0/projects/" + project)
                        .json()
                        .path("repo_count")
                        .asInt())
                .isEqualTo(1);
        assertThat(fx.admin
                        .get("/api/v2.0/projects/" + project + "/summary")
                        .json()
                        .path("repo_count")
                        .asInt())
                .isEqualTo(1);
    }

    /**
     * A registry token names a repository by its path; if the project is deleted and a new one made
     * with the same name, a token issued for the old project must not open the new one.
     */
    @Test
    void aTokenForADeletedProjectDoesNotOpenItsSuccessor() {
        String project = ProjectFixtures.unique("reborn");
        fx.project(project, false);
        Account dev = fx.user("dev");
        fx.addMember(project, dev.name(), 2);
        String token = token(dev, project + "/x");
        RegistryClient bearer = new RegistryClient(fx.server.baseUri(), Map.of("Authorization", "Bearer " + token));
        String blob = "/v2/" + project + "/x/blobs/sha256:" + "0".repeat(64);
        // The token works: the blob is simply not there.
        assertThat(bearer.head(blob).status()).isEqualTo(404);

        assertThat(fx.admin.delete("/api/v2.0/projects/" + project).status()).isEqualTo(200);
        fx.project(project, false);
        fx.addMember(project, dev.name(), 2);

        assertThat(bearer.head(blob).status()).isEqualTo(401);
        assertThat(bearer.get("/v2/" + project + "/x/tags/list").status()).isEqualTo(401);
        assertThat(bearer.send("POST", "/v2/" + project + "/x/blobs/uploads/", null)
                        .status())
                .isEqualTo(401);
        // A token issued now is good for the new project.
        RegistryClient fresh = new RegistryClient(
                fx.server.baseUri(), Map.of("Authorization", "Bearer " + token(dev, project + "/x")));
        assertThat(fresh.head(blob).status()).isEqualTo(404);
        assertThat(fresh.send("POST", "/v2/" + project + "/x/blobs/uploads/", null)
                        .status())
                .isEqualTo(202);
    }

    private static String token(Account account, String repository) {
        RegistryClient.Response r =
                account.client().get("/service/token?scope=repository:" + repository + ":pull,push");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().path("token").asString();
    }
}
