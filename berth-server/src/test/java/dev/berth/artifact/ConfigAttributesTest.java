package dev.berth.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactFixtures.Pushed;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code extra_attrs} are derived from the config blob once, stored, and read back from the table. */
class ConfigAttributesTest {
    @Test
    void extraAttrsAreDerivedOnceThenReadFromTheTable() {
        BerthServer server = BerthServer.shared();
        RegistryClient admin = server.adminClient();
        JdbcClient jdbc = server.bean(JdbcClient.class);
        String project = TestUsers.uniqueName("attrs");
        server.ensureProject(project, false);
        String artifacts = "/api/v2.0/projects/" + project + "/repositories/app/artifacts";

        Pushed derived = ArtifactFixtures.image(admin, project + "/app", "derived", "arm64", 20);
        JsonNode listed = admin.get(artifacts + "/derived").json();
        assertThat(listed.path("extra_attrs").path("architecture").asString()).isEqualTo("arm64");
        String config = configOf(derived);
        List<String> stored = jdbc.sql("SELECT attrs FROM config_attributes WHERE config_digest = ? AND kind = 'image'")
                .param(config)
                .query(String.class)
                .list();
        assertThat(stored).hasSize(1);
        assertThat(RegistryClient.JSON.readTree(stored.getFirst())).isEqualTo(listed.path("extra_attrs"));

        // A stored row wins over the blob: what a page reads is the table, not 100 config files.
        Pushed fresh = ArtifactFixtures.image(admin, project + "/app", "fresh", "amd64", 20);
        String freshConfig = configOf(fresh);
        jdbc.sql("INSERT INTO config_attributes (config_digest, kind, attrs) VALUES (?, 'image', ?)")
                .param(freshConfig)
                .param("{\"architecture\":\"from-the-table\"}")
                .update();
        JsonNode page = admin.get(artifacts + "?q=tags%3Dfresh").json();
        assertThat(page.get(0).path("extra_attrs").path("architecture").asString())
                .isEqualTo("from-the-table");
    }

    /** The digest of the image's config blob. */
    private static String configOf(Pushed pushed) {
        return RegistryClient.JSON
                .readTree(pushed.manifest())
                .path("config")
                .path("digest")
                .asString();
    }
}
