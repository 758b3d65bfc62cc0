package dev.berth.label;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /api/v2.0/labels}: who may read and write global and project labels, and name clashes. */
class LabelApiTest {
    static final int ADMIN = 1;
    static final int DEVELOPER = 2;
    static final int GUEST = 3;
    static final int MAINTAINER = 4;

    private BerthServer server;
    private RegistryClient admin;
    private RegistryClient anonymous;
    private String secret;
    private long secretId;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        anonymous = server.anonymousClient();
        secret = TestUsers.uniqueName("lbl");
        secretId = project(server, secret, false);
    }

    static long project(BerthServer server, String name, boolean isPublic) {
        server.ensureProject(name, isPublic);
        return server.adminClient()
                .get("/api/v2.0/projects/" + name)
                .json()
                .get("project_id")
                .asLong();
    }

    static RegistryClient member(BerthServer server, String project, int role) {
        String name = TestUsers.uniqueName("u");
        long id = TestUsers.createUser(server, name, TestUsers.PASSWORD);
        if (role != 0) {
            TestUsers.addMember(server, project, id, role);
        }
        return server.client(name, TestUsers.PASSWORD);
    }

    static RegistryClient.Response post(RegistryClient c, String path, String json) {
        return c.send("POST", path, TestUsers.body(json), TestUsers.CONTENT_JSON);
    }

    static RegistryClient.Response put(RegistryClient c, String path, String json) {
        return c.send("PUT", path, TestUsers.body(json), TestUsers.CONTENT_JSON);
    }

    /** Creates a label and returns its id from the Location header. */
    static long create(RegistryClient c, String json) {
        RegistryClient.Response r = post(c, "/api/v2.0/labels", json);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.get("name").asString()));
        return names;
    }

    @Test
    void globalLabelsAreReadByAllAndWrittenByAdministratorsOnly() {
        RegistryClient user = member(server, secret, MAINTAINER);
        String name = TestUsers.uniqueName("g");
        String body = "{\"name\":\"" + name + "\",\"color\":\"#61717D\",\"description\":\"d\",\"scope\":\"g\"}";
        assertThat(post(anonymous, "/api/v2.0/labels", body).status()).isEqualTo(401);
        assertThat(post(user, "/api/v2.0/labels", body).status()).isEqualTo(403);
        long id = create(admin, body);
        assertThat(post(admin, "/api/v2.0/labels", body).status()).isEqualTo(409);

        JsonNode label = anonymous.get("/api/v2.0/labels/" + id).json();
        assertThat(label.get("name").asString()).isEqualTo(name);
        assertThat(label.get("scope").asString()).isEqualTo("g");
        assertThat(label.get("project_id").asLong()).isZero();
        assertThat(label.get("color").asString()).isEqualTo("#61717D");
        RegistryClient.Response list = user.get("/api/v2.0/labels?scope=g&name=" + name.substring(1));
        assertThat(list.status()).isEqualTo(200);
        assertThat(names(list.json())).containsExactly(name);
        assertThat(list.header("X-Total-Count")).contains("1");

        assertThat(put(user, "/api/v2.0/labels/" + id, "{\"name\":\"x" + name + "\"}")
                        .status())
                .isEqualTo(403);
        assertThat(user.delete("/api/v2.0/labels/" + id).status()).isEqualTo(403);
        assertThat(anonymous.delete("/api/v2.0/labels/" + id).status()).isEqualTo(401);
        assertThat(put(admin, "/api/v2.0/labels/" + id, "{\"description\":\"changed\",\"color\":\"#fff\"}")
                        .status())
                .isEqualTo(200);
        label = admin.get("/api/v2.0/labels/" + id).json();
        assertThat(label.get("description").asString()).isEqualTo("changed");
        assertThat(label.get("name").asString()).isEqualTo(name);
        assertThat(admin.delete("/api/v2.0/labels/" + id).status()).isEqualTo(200);
        assertThat(admin.get("/api/v2.0/labels/" + id).status()).isEqualTo(404);
        assertThat(admin.delete("/api/v2.0/labels/" + id).status()).isEqualTo(404);
    }

    @Test
    void projectLabelsFollowTheRoleMatrixAndHideFromOutsiders() {
        RegistryClient maintainer = member(server, secret, MAINTAINER);
        RegistryClient developer = member(server, secret, DEVELOPER);
        RegistryClient guest = member(server, secret, GUEST);
        RegistryClient outsider = member(server, secret, 0);
        String name = TestUsers.uniqueName("p");
        String body = "{\"name\":\"" + name + "\",\"scope\":\"p\",\"project_id\":" + secretId + "}";

        assertThat(post(anonymous, "/api/v2.0/labels", body).status()).isEqualTo(401);
        assertThat(post(outsider, "/api/v2.0/labels", body).status()).isEqualTo(404);
        assertThat(post(developer, "/api/v2.0/labels", body).status()).isEqualTo(403);
        assertThat(post(guest, "/api/v2.0/labels", body).status()).isEqualTo(403);
        long id = create(maintainer, body);
        assertThat(post(maintainer, "/api/v2.0/labels", body).status()).isEqualTo(409);
        assertThat(post(maintainer, "/api/v2.0/labels", "{\"name\":\"a\",\"scope\":\"p\"}")
                        .status())
                .isEqualTo(400);

        String list = "/api/v2.0/labels?scope=p&project_id=" + secretId;
        assertThat(anonymous.get(list).status()).isEqualTo(401);
        assertThat(outsider.get(list).status()).isEqualTo(404);
        assertThat(names(guest.get(list).json())).containsExactly(name);
        assertThat(names(admin.get("/api/v2.0/labels?scope=g&page_size=100").json()))
                .doesNotContain(name);
        assertThat(admin.get(list + "&q=password%3Dx").status()).isEqualTo(400);

        assertThat(anonymous.get("/api/v2.0/labels/" + id).status()).isEqualTo(401);
        assertThat(outsider.get("/api/v2.0/labels/" + id).status()).isEqualTo(404);
        assertThat(outsider.delete("/api/v2.0/labels/" + id).status()).isEqualTo(404);
        assertThat(guest.get("/api/v2.0/labels/" + id).json().get("project_id").asLong())
                .isEqualTo(secretId);
        assertThat(put(developer, "/api/v2.0/labels/" + id, "{\"name\":\"y\"}").status())
                .isEqualTo(403);
        assertThat(guest.delete("/api/v2.0/labels/" + id).status()).isEqualTo(403);

        // The same name is free in another project and in the global scope.
        String other = TestUsers.uniqueName("lbl");
        long otherId = project(server, other, false);
        long twin = create(admin, "{\"name\":\"" + name + "\",\"scope\":\"p\",\"project_id\":" + otherId + "}");
        long second =
                create(maintainer, "{\"name\":\"" + name + "2\",\"scope\":\"p\",\"project_id\":" + secretId + "}");
        // Renaming onto a taken name is a conflict; scope and project cannot be changed by an update.
        assertThat(put(maintainer, "/api/v2.0/labels/" + second, "{\"name\":\"" + name + "\"}")
                        .status())
                .isEqualTo(409);
        assertThat(put(
                                maintainer,
                                "/api/v2.0/labels/" + second,
                                "{\"description\":\"moved?\",\"scope\":\"g\",\"project_id\":" + otherId + "}")
                        .status())
                .isEqualTo(200);
        JsonNode moved = admin.get("/api/v2.0/labels/" + second).json();
        assertThat(moved.get("scope").asString()).isEqualTo("p");
        assertThat(moved.get("project_id").asLong()).isEqualTo(secretId);
        // A maintainer here is an outsider there.
        assertThat(maintainer.delete("/api/v2.0/labels/" + twin).status()).isEqualTo(404);
        assertThat(maintainer.delete("/api/v2.0/labels/" + id).status()).isEqualTo(200);
        assertThat(guest.get("/api/v2.0/labels/" + id).status()).isEqualTo(404);
    }

    @Test
    void publicProjectLabelsAreReadableByAnyone() {
        String open = TestUsers.uniqueName("lblpub");
        long openId = project(server, open, true);
        String name = TestUsers.uniqueName("p");
        long id = create(admin, "{\"name\":\"" + name + "\",\"scope\":\"p\",\"project_id\":" + openId + "}");
        RegistryClient outsider = member(server, secret, 0);
        assertThat(anonymous.get("/api/v2.0/labels/" + id).status()).isEqualTo(200);
        assertThat(names(outsider.get("/api/v2.0/labels?scope=p&project_id=" + openId)
                        .json()))
                .containsExactly(name);
        assertThat(put(outsider, "/api/v2.0/labels/" + id, "{\"name\":\"z\"}").status())
                .isEqualTo(403);
        assertThat(post(outsider, "/api/v2.0/labels", "{\"name\":\"q\",\"scope\":\"p\",\"project_id\":" + openId + "}")
                        .status())
                .isEqualTo(403);
    }
}
