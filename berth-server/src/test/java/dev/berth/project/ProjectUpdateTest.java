package dev.berth.project;

import static dev.berth.project.ProjectFixtures.sendJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.project.ProjectFixtures.Account;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** PUT on a project, the metadata API's value rules, and {@code X-Is-Resource-Name}. */
class ProjectUpdateTest {
    private static ProjectFixtures fx;

    @BeforeAll
    static void setUp() {
        fx = new ProjectFixtures(BerthServer.shared());
    }

    private static String path(String project) {
        return "/api/v2.0/projects/" + project;
    }

    @Test
    void publicityChangesTakeEffectAtOnce() {
        String project = ProjectFixtures.unique("upd");
        fx.project(project, false);
        RegistryClient anonymous = fx.server.anonymousClient();
        assertThat(anonymous.get(path(project)).status()).isEqualTo(401);
        assertThat(sendJson(fx.admin, "PUT", path(project), "{\"metadata\":{\"public\":\"true\"}}")
                        .status())
                .isEqualTo(200);
        assertThat(anonymous.get(path(project)).status()).isEqualTo(200);
        // The deprecated top-level flag works too.
        assertThat(sendJson(fx.admin, "PUT", path(project), "{\"public\":false}")
                        .status())
                .isEqualTo(200);
        assertThat(anonymous.get(path(project)).status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v2.0/projects?name=" + project).json().size())
                .isZero();
    }

    @Test
    void updateValidatesMetadataAndIgnoresFieldsThatAreNotTheClients() {
        String project = ProjectFixtures.unique("upd");
        long id = fx.project(project, false);
        JsonNode before = fx.admin.get(path(project)).json();
        for (String bad : List.of(
                "{\"metadata\":{\"public\":\"yes\"}}",
                "{\"metadata\":{\"severity\":\"extreme\"}}",
                "{\"metadata\":{\"no_such_key\":\"true\"}}",
                "{\"metadata\":{\"retention_id\":\"42\"}}",
                "{\"metadata\":\"public\"}",
                "{\"storage_limit\":-2}")) {
            RegistryClient.Response r = sendJson(fx.admin, "PUT", path(project), bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        RegistryClient.Response ok = sendJson(
                fx.admin,
                "PUT",
                path(project),
                "{\"project_name\":\"renamed\",\"owner_id\":99,\"project_id\":1,"
                        + "\"metadata\":{\"severity\":\"High\",\"auto_scan\":true,\"proxy_speed_kb\":\"10\"}}");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        JsonNode after = fx.admin.get(path(project)).json();
        assertThat(after.path("name").asString()).isEqualTo(project);
        assertThat(after.path("project_id").asLong()).isEqualTo(id);
        assertThat(after.path("owner_id").asLong())
                .isEqualTo(before.path("owner_id").asLong());
        assertThat(after.path("metadata").path("severity").asString()).isEqualTo("high");
        assertThat(after.path("metadata").path("auto_scan").asString()).isEqualTo("true");
        assertThat(after.path("metadata").has("proxy_speed_kb")).isFalse();
        assertThat(Instant.parse(after.path("update_time").asString()))
                .isAfterOrEqualTo(Instant.parse(before.path("update_time").asString()));
    }

    @Test
    void onlySysadminsChangeTheStorageLimit() {
        String project = ProjectFixtures.unique("quota");
        fx.project(project, false);
        Account owner = fx.user("owner");
        fx.addMember(project, owner.name(), 1);
        // Sending the current value back is fine (the UI does); changing it is not.
        assertThat(sendJson(owner.client(), "PUT", path(project), "{\"storage_limit\":-1}")
                        .status())
                .isEqualTo(200);
        assertThat(sendJson(owner.client(), "PUT", path(project), "{\"storage_limit\":1048576}")
                        .status())
                .isEqualTo(403);
        assertThat(sendJson(fx.admin, "PUT", path(project), "{\"storage_limit\":1048576}")
                        .status())
                .isEqualTo(200);
        JsonNode summary = owner.client().get(path(project) + "/summary").json();
        assertThat(summary.path("quota").path("hard").path("storage").asLong()).isEqualTo(1048576);
    }

    @Test
    void metadataApiValidatesKeysAndValues() {
        String project = ProjectFixtures.unique("meta");
        fx.project(project, false);
        String metas = path(project) + "/metadatas/";
        for (String bad : List.of(
                "{\"auto_scan\":\"maybe\"}",
                "{\"severity\":\"urgent\"}",
                "{\"unknown\":\"true\"}",
                "{\"retention_id\":\"1\"}",
                "{\"proxy_cache_filter_pattern\":\"**\"}",
                "{\"auto_scan\":\"true\",\"prevent_vul\":\"true\"}",
                "{}",
                "{\"auto_scan\":{\"nested\":true}}")) {
            assertThat(sendJson(fx.admin, "POST", metas, bad).status()).as(bad).isEqualTo(400);
        }
        assertThat(sendJson(fx.admin, "POST", metas, "{\"severity\":\"Critical\"}")
                        .status())
                .isEqualTo(200);
        assertThat(sendJson(fx.admin, "POST", metas, "{\"severity\":\"low\"}").status())
                .isEqualTo(409);
        assertThat(fx.admin.get(metas + "severity").json().path("severity").asString())
                .isEqualTo("critical");
        assertThat(sendJson(fx.admin, "PUT", metas + "severity", "{\"severity\":\"negligible\"}")
                        .status())
                .isEqualTo(200);
        assertThat(fx.admin.get(metas + "severity").json().path("severity").asString())
                .isEqualTo("none");
        assertThat(sendJson(fx.admin, "PUT", metas + "severity", "{\"auto_scan\":\"true\"}")
                        .status())
                .isEqualTo(400);
        assertThat(sendJson(fx.admin, "PUT", metas + "auto_scan", "{\"auto_scan\":\"1\"}")
                        .status())
                .isEqualTo(200);
        JsonNode all = fx.admin.get(metas).json();
        assertThat(all.path("auto_scan").asString()).isEqualTo("true");
        assertThat(all.path("public").asString()).isEqualTo("false");
        assertThat(fx.admin.get(metas + "prevent_vul").json().size()).isZero();
        assertThat(fx.admin.delete(metas + "severity").status()).isEqualTo(200);
        assertThat(fx.admin.get(metas).json().has("severity")).isFalse();
    }

    /** Metadata of project A cannot be reached through project B's path, nor by B's admin through A's. */
    @Test
    void metadataStaysWithItsProject() {
        String a = ProjectFixtures.unique("meta");
        String b = ProjectFixtures.unique("meta");
        fx.project(a, false);
        fx.project(b, false);
        Account adminB = fx.user("adminb");
        fx.addMember(b, adminB.name(), 1);
        sendJson(fx.admin, "POST", path(a) + "/metadatas/", "{\"prevent_vul\":\"true\"}");
        assertThat(sendJson(adminB.client(), "PUT", path(a) + "/metadatas/prevent_vul", "{\"prevent_vul\":\"false\"}")
                        .status())
                .isEqualTo(404);
        assertThat(adminB.client().delete(path(a) + "/metadatas/prevent_vul").status())
                .isEqualTo(404);
        assertThat(adminB.client().get(path(a) + "/metadatas/").status()).isEqualTo(404);
        assertThat(sendJson(adminB.client(), "PUT", path(b) + "/metadatas/prevent_vul", "{\"prevent_vul\":\"false\"}")
                        .status())
                .isEqualTo(200);
        assertThat(fx.admin
                        .get(path(a) + "/metadatas/prevent_vul")
                        .json()
                        .path("prevent_vul")
                        .asString())
                .isEqualTo("true");
    }

    /** A project whose name is all digits is reached by name only with X-Is-Resource-Name: true. */
    @Test
    void resourceNameHeaderWorksOnEveryEndpoint() {
        String project =
                Long.toString(9_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L));
        long id = fx.project(project, false);
        String[] byName = {"X-Is-Resource-Name", "true"};
        assertThat(fx.admin.get(path(project)).status()).isEqualTo(404);
        assertThat(fx.admin.get(path(project), byName).json().path("project_id").asLong())
                .isEqualTo(id);
        assertThat(fx.admin.get(path(Long.toString(id))).json().path("name").asString())
                .isEqualTo(project);
        assertThat(fx.admin.get(path(project) + "/summary", byName).status()).isEqualTo(200);
        assertThat(fx.admin.get(path(project) + "/_deletable", byName).status()).isEqualTo(200);
        assertThat(fx.admin.get(path(project) + "/metadatas/", byName).status()).isEqualTo(200);
        assertThat(fx.admin.get(path(project) + "/members", byName).status()).isEqualTo(200);
        RegistryClient.Response put = fx.admin.send(
                "PUT",
                path(project),
                ProjectFixtures.json("{\"metadata\":{\"auto_scan\":\"true\"}}"),
                "Content-Type",
                "application/json",
                "X-Is-Resource-Name",
                "true");
        assertThat(put.status()).isEqualTo(200);
        assertThat(fx.admin
                        .get(path(Long.toString(id)))
                        .json()
                        .path("metadata")
                        .path("auto_scan")
                        .asString())
                .isEqualTo("true");
        assertThat(fx.admin.send("DELETE", path(project), null, byName).status())
                .isEqualTo(200);
        assertThat(fx.admin.get(path(Long.toString(id))).status()).isEqualTo(404);
    }
}
