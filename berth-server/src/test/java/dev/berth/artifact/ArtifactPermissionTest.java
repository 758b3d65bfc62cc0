package dev.berth.artifact;

import static dev.berth.artifact.ArtifactApiTest.names;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactFixtures.Pushed;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what to repositories, artifacts and tags: anonymous callers see public projects only,
 * a private project does not exist for outsiders (404), and members get what their role allows.
 */
class ArtifactPermissionTest {
    private static final int DEVELOPER = 2;
    private static final int GUEST = 3;

    private BerthServer server;
    private RegistryClient admin;
    private String secret;
    private String open;
    private RegistryClient guest;
    private RegistryClient developer;
    private RegistryClient outsider;
    private RegistryClient anonymous;
    private Pushed image;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        secret = TestUsers.uniqueName("sec");
        open = TestUsers.uniqueName("pub");
        server.ensureProject(secret, false);
        server.ensureProject(open, true);
        image = ArtifactFixtures.image(admin, secret + "/app", "v1", "amd64", 100);
        ArtifactFixtures.image(admin, open + "/app", "v1", "amd64", 100);
        guest = user(GUEST);
        developer = user(DEVELOPER);
        outsider = user(0);
        anonymous = server.anonymousClient();
    }

    private RegistryClient user(int role) {
        String name = TestUsers.uniqueName("u");
        long id = TestUsers.createUser(server, name, TestUsers.PASSWORD);
        if (role != 0) {
            TestUsers.addMember(server, secret, id, role);
        }
        return server.client(name, TestUsers.PASSWORD);
    }

    private String repo(String project) {
        return "/api/v2.0/projects/" + project + "/repositories/app";
    }

    @Test
    void aPrivateProjectsRepositoriesAreHiddenFromOutsidersAndAnonymousCallers() {
        for (String path : new String[] {
            "/api/v2.0/projects/" + secret + "/repositories",
            repo(secret),
            repo(secret) + "/artifacts",
            repo(secret) + "/artifacts/v1",
            repo(secret) + "/artifacts/v1/tags",
            repo(secret) + "/artifacts/v1/accessories",
            repo(secret) + "/artifacts/v1/additions/build_history"
        }) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(401);
            assertThat(outsider.get(path).status()).as(path).isEqualTo(404);
            assertThat(guest.get(path).status()).as(path).isEqualTo(200);
        }
        assertThat(outsider.delete(repo(secret) + "/artifacts/v1").status()).isEqualTo(404);
        assertThat(anonymous.delete(repo(secret)).status()).isEqualTo(401);
        assertThat(names(
                        outsider.get("/api/v2.0/repositories?page_size=100&q=name%3D~" + secret)
                                .json(),
                        "name"))
                .isEmpty();
        assertThat(names(guest.get("/api/v2.0/repositories?q=name%3D~" + secret).json(), "name"))
                .containsExactly(secret + "/app");
    }

    @Test
    void anonymousCallersReadPublicRepositoriesOneByOne() {
        for (String path : new String[] {
            repo(open),
            repo(open) + "/artifacts/v1",
            repo(open) + "/artifacts/v1/tags",
            repo(open) + "/artifacts/v1/accessories",
            repo(open) + "/artifacts/v1/additions/build_history"
        }) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(200);
            assertThat(outsider.get(path).status()).as(path).isEqualTo(200);
        }
        RegistryClient.Response r = anonymous.get(repo(open));
        assertThat(r.json().path("name").asString()).isEqualTo(open + "/app");
        assertThat(r.json().path("artifact_count").asLong()).isEqualTo(1);
        // Still nothing to see in a private project, and no way to tell a missing repository apart.
        assertThat(anonymous.get(repo(secret)).status()).isEqualTo(401);
        assertThat(outsider.get(repo(secret)).status()).isEqualTo(404);
        assertThat(anonymous
                        .get("/api/v2.0/projects/" + open + "/repositories/none")
                        .status())
                .isEqualTo(404);
        assertThat(anonymous
                        .send("PUT", repo(open), TestUsers.body("{\"description\":\"x\"}"), TestUsers.CONTENT_JSON)
                        .status())
                .isEqualTo(401);
        assertThat(outsider.send("PUT", repo(open), TestUsers.body("{\"description\":\"x\"}"), TestUsers.CONTENT_JSON)
                        .status())
                .isEqualTo(403);
    }

    @Test
    void anonymousCallersListPublicArtifactsButChangeNothing() {
        assertThat(anonymous.get(repo(open) + "/artifacts").status()).isEqualTo(200);
        assertThat(anonymous.get(repo(open) + "/artifacts/v1").status()).isEqualTo(200);
        assertThat(anonymous.get(repo(open) + "/artifacts/v1/tags").status()).isEqualTo(200);
        assertThat(names(
                        anonymous
                                .get("/api/v2.0/repositories?q=name%3D~" + open)
                                .json(),
                        "name"))
                .containsExactly(open + "/app");
        assertThat(names(
                        anonymous
                                .get("/api/v2.0/repositories?q=name%3D~" + secret)
                                .json(),
                        "name"))
                .isEmpty();
        assertThat(anonymous.delete(repo(open) + "/artifacts/v1").status()).isEqualTo(401);
        assertThat(anonymous.delete(repo(open)).status()).isEqualTo(401);
        assertThat(anonymous
                        .send(
                                "POST",
                                repo(open) + "/artifacts/v1/tags",
                                TestUsers.body("{\"name\":\"x\"}"),
                                TestUsers.CONTENT_JSON)
                        .status())
                .isEqualTo(401);
        // A non-member of a public project reads it but may not change it.
        assertThat(outsider.get(repo(open) + "/artifacts/v1").status()).isEqualTo(200);
        assertThat(outsider.delete(repo(open) + "/artifacts/v1").status()).isEqualTo(403);
        assertThat(admin.get(repo(open) + "/artifacts/v1").status()).isEqualTo(200);
    }

    @Test
    void rolesDecideWhoTagsDeletesAndDescribes() {
        String tags = repo(secret) + "/artifacts/v1/tags";
        assertThat(guest.send("POST", tags, TestUsers.body("{\"name\":\"g\"}"), TestUsers.CONTENT_JSON)
                        .status())
                .isEqualTo(403);
        assertThat(guest.delete(tags + "/v1").status()).isEqualTo(403);
        assertThat(guest.delete(repo(secret) + "/artifacts/v1").status()).isEqualTo(403);
        assertThat(guest.send("PUT", repo(secret), TestUsers.body("{\"description\":\"x\"}"), TestUsers.CONTENT_JSON)
                        .status())
                .isEqualTo(403);

        assertThat(developer
                        .send("POST", tags, TestUsers.body("{\"name\":\"d\"}"), TestUsers.CONTENT_JSON)
                        .status())
                .isEqualTo(201);
        assertThat(developer
                        .send("PUT", repo(secret), TestUsers.body("{\"description\":\"x\"}"), TestUsers.CONTENT_JSON)
                        .status())
                .isEqualTo(200);
        // Developers may not delete tags, artifacts or repositories (Harbor's matrix).
        assertThat(developer.delete(tags + "/d").status()).isEqualTo(403);
        assertThat(developer.delete(repo(secret) + "/artifacts/v1").status()).isEqualTo(403);
        assertThat(developer.delete(repo(secret)).status()).isEqualTo(403);
        assertThat(admin.get("/v2/" + secret + "/app/manifests/" + image.digest())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void copyNeedsPullOnTheSourceAndPushOnTheDestination() {
        String mine = TestUsers.uniqueName("dst");
        server.ensureProject(mine, false);
        String devName = TestUsers.uniqueName("cp");
        long devId = TestUsers.createUser(server, devName, TestUsers.PASSWORD);
        TestUsers.addMember(server, mine, devId, DEVELOPER);
        RegistryClient dev = server.client(devName, TestUsers.PASSWORD);
        String target = "/api/v2.0/projects/" + mine + "/repositories/copied/artifacts?from=";

        // The source is invisible to them: a 404, as if it did not exist.
        assertThat(dev.send("POST", target + secret + "/app:v1", null).status()).isEqualTo(404);
        // Guests of the destination cannot push into it.
        assertThat(guest.send(
                                "POST",
                                "/api/v2.0/projects/" + secret + "/repositories/other/artifacts?from=" + open
                                        + "/app:v1",
                                null)
                        .status())
                .isEqualTo(403);
        assertThat(anonymous.send("POST", target + open + "/app:v1", null).status())
                .isEqualTo(401);
        // A public source may be copied into a project they develop in.
        assertThat(dev.send("POST", target + open + "/app:v1", null).status()).isEqualTo(201);
        assertThat(dev.get("/api/v2.0/projects/" + mine + "/repositories/copied/artifacts/v1")
                        .status())
                .isEqualTo(200);
    }
}
