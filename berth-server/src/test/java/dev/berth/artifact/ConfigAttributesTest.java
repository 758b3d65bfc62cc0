package dev.berth.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactFixtures.Pushed;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code extra_attrs} are derived from the config blob once, when the manifest is pushed or copied,
 * stored, and read back from the table by lists.
 */
class ConfigAttributesTest {
    /** Push-time derivation runs just after the commit, off the request thread: allow it this long. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private final BerthServer server = BerthServer.shared();
    private final RegistryClient admin = server.adminClient();
    private final JdbcClient jdbc = server.bean(JdbcClient.class);

    @Test
    void imageAndChartAttributesAreStoredWhenTheyArePushed() {
        String project = TestUsers.uniqueName("attrs");
        server.ensureProject(project, false);

        Pushed image = ArtifactFixtures.image(admin, project + "/app", "v1", "arm64", 20);
        String imageAttrs = awaitRow(jdbc, configOf(image), "image").orElseThrow();
        assertThat(RegistryClient.JSON.readTree(imageAttrs).path("architecture").asString())
                .isEqualTo("arm64");
        JsonNode listed = admin.get("/api/v2.0/projects/" + project + "/repositories/app/artifacts/v1")
                .json();
        assertThat(RegistryClient.JSON.readTree(imageAttrs)).isEqualTo(listed.path("extra_attrs"));

        Pushed chart = ArtifactFixtures.chart(admin, project + "/charts/web", "web", "1.2.3");
        String chartAttrs = awaitRow(jdbc, configOf(chart), "chart").orElseThrow();
        assertThat(RegistryClient.JSON.readTree(chartAttrs).path("version").asString())
                .isEqualTo("1.2.3");
        JsonNode chartListed = admin.get("/api/v2.0/projects/" + project + "/repositories/"
                        + ArtifactFixtures.encoded("charts/web") + "/artifacts/1.2.3")
                .json();
        assertThat(chartListed.path("type").asString()).isEqualTo("CHART");
        assertThat(RegistryClient.JSON.readTree(chartAttrs)).isEqualTo(chartListed.path("extra_attrs"));

        // A config Harbor derives nothing from (an artifact's own JSON config) gets no row. The queue
        // is handled in order, so once the image pushed after it has its row, it was looked at.
        byte[] ownConfig = ("{\"n\":\"" + ArtifactFixtures.hex(8) + "\"}").getBytes(StandardCharsets.UTF_8);
        Digest ownDigest = admin.pushBlob(project + "/app", ownConfig);
        admin.pushManifest(
                project + "/app",
                "own",
                RegistryClient.OCI_MANIFEST,
                RegistryClient.imageManifest(
                        RegistryClient.descriptor(
                                "application/vnd.example.config.v1+json", ownDigest, ownConfig.length),
                        List.of(),
                        null,
                        null));
        Pushed after = ArtifactFixtures.image(admin, project + "/app", "after", "amd64", 20);
        awaitRow(jdbc, configOf(after), "image").orElseThrow();
        assertThat(rows(jdbc, ownDigest.toString())).isZero();
    }

    @Test
    void aCopyDerivesWhatItsSourceLacks() {
        String project = TestUsers.uniqueName("attrs");
        String config = pushedWithoutRow(project, "src", "v1", "s390x");

        RegistryClient.check(
                admin.send(
                        "POST",
                        "/api/v2.0/projects/" + project + "/repositories/dst/artifacts?from=" + project + "/src:v1",
                        null),
                201);
        String attrs = awaitRow(jdbc, config, "image").orElseThrow();
        assertThat(RegistryClient.JSON.readTree(attrs).path("architecture").asString())
                .isEqualTo("s390x");
    }

    @Test
    void aStoredRowWinsOverTheBlob() {
        String project = TestUsers.uniqueName("attrs");
        server.ensureProject(project, false);
        String artifacts = "/api/v2.0/projects/" + project + "/repositories/app/artifacts";

        // What a page reads is the table, not 100 config files.
        Pushed fresh = ArtifactFixtures.image(admin, project + "/app", "fresh", "amd64", 20);
        String freshConfig = configOf(fresh);
        jdbc.sql("""
                        INSERT INTO config_attributes (config_digest, kind, attrs) VALUES (?, 'image', ?)
                        ON CONFLICT (config_digest, kind) DO UPDATE SET attrs = EXCLUDED.attrs
                        """)
                .param(freshConfig)
                .param("{\"architecture\":\"from-the-table\"}")
                .update();
        JsonNode page = admin.get(artifacts + "?q=tags%3Dfresh").json();
        assertThat(page.get(0).path("extra_attrs").path("architecture").asString())
                .isEqualTo("from-the-table");
    }

    @Test
    void aListDerivesAndStoresWhatIsStillMissing() {
        String project = TestUsers.uniqueName("attrs");
        String config = pushedWithoutRow(project, "app", "lazy", "riscv64");

        JsonNode listed = admin.get("/api/v2.0/projects/" + project + "/repositories/app/artifacts/lazy")
                .json();
        assertThat(listed.path("extra_attrs").path("architecture").asString()).isEqualTo("riscv64");
        assertThat(rows(jdbc, config)).isEqualTo(1);
    }

    /**
     * The config digest of an image pushed to {@code project/repository:tag} whose row is then
     * deleted: as if pushed before push-time derivation existed.
     */
    private String pushedWithoutRow(String project, String repository, String tag, String arch) {
        server.ensureProject(project, false);
        String config = configOf(ArtifactFixtures.image(admin, project + "/" + repository, tag, arch, 20));
        awaitRow(jdbc, config, "image").orElseThrow();
        jdbc.sql("DELETE FROM config_attributes WHERE config_digest = ?")
                .param(config)
                .update();
        return config;
    }

    /** The stored attributes of the config, once they are there; empty if they do not come in time. */
    static Optional<String> awaitRow(JdbcClient jdbc, String configDigest, String kind) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (true) {
            List<String> found = jdbc.sql("SELECT attrs FROM config_attributes WHERE config_digest = ? AND kind = ?")
                    .param(configDigest)
                    .param(kind)
                    .query(String.class)
                    .list();
            if (!found.isEmpty() || Instant.now().isAfter(deadline)) {
                return found.stream().findFirst();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    static long rows(JdbcClient jdbc, String configDigest) {
        return jdbc.sql("SELECT count(*) FROM config_attributes WHERE config_digest = ?")
                .param(configDigest)
                .query(Long.class)
                .single();
    }

    /** The digest of the artifact's config blob. */
    static String configOf(Pushed pushed) {
        return RegistryClient.JSON
                .readTree(pushed.manifest())
                .path("config")
                .path("digest")
                .asString();
    }
}
