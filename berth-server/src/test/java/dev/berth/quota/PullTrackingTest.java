package dev.berth.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Pull counts and times, written asynchronously, as the artifact and repository APIs show them. */
class PullTrackingTest {
    private static final String NEVER = "0001-01-01T00:00:00.000Z";

    @Test
    void pullsAppearInTheArtifactAndRepositoryApis() throws Exception {
        BerthServer server = BerthServer.shared();
        RegistryClient admin = server.adminClient();
        String project = TestAccounts.unique("pulls");
        server.ensureProject(project, false);
        String repo = project + "/app";
        RegistryClient.Image image = admin.pushImage(repo, "v1", new byte[] {1, 2, 3});
        String artifact = "/api/v2.0/projects/" + project + "/repositories/app/artifacts/" + image.manifest();
        assertThat(admin.get(artifact).json().path("pull_time").asString()).isEqualTo(NEVER);

        Instant before = Instant.now().minusSeconds(1);
        for (int i = 0; i < 3; i++) {
            assertThat(admin.get("/v2/" + repo + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                            .status())
                    .isEqualTo(200);
        }
        // HEAD is not a pull.
        assertThat(admin.head("/v2/" + repo + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        long count = 0;
        while (Instant.now().isBefore(deadline)) {
            count = admin.get("/api/v2.0/projects/" + project + "/repositories/app")
                    .json()
                    .path("pull_count")
                    .asLong();
            if (count >= 3) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(count).isEqualTo(3);
        JsonNode a = admin.get(artifact).json();
        assertThat(a.path("pull_time").asString()).isNotEqualTo(NEVER);
        assertThat(Instant.parse(a.path("pull_time").asString())).isAfter(before);
        // Listed and sortable by pull_time.
        RegistryClient.Response list =
                admin.get("/api/v2.0/projects/" + project + "/repositories/app/artifacts?sort=-pull_time");
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        assertThat(list.json().get(0).path("pull_time").asString())
                .isEqualTo(a.path("pull_time").asString());
    }

    @Test
    void aTagsPullTimeMovesOnlyWhenItIsPulledByName() throws Exception {
        BerthServer server = BerthServer.shared();
        RegistryClient admin = server.adminClient();
        String project = TestAccounts.unique("tagpull");
        server.ensureProject(project, false);
        String repo = project + "/app";
        RegistryClient.Image image = admin.pushImage(repo, "v1", new byte[] {4, 5, 6});
        admin.pushManifest(repo, "v2", RegistryClient.OCI_MANIFEST, image.manifestBytes());
        String tags = "/api/v2.0/projects/" + project + "/repositories/app/artifacts/" + image.manifest() + "/tags";
        assertThat(pullTimes(admin, tags)).containsExactly(NEVER, NEVER);

        // By digest: the artifact's pull time moves, no tag's does.
        Instant before = Instant.now().minusSeconds(1);
        RegistryClient.check(
                admin.get("/v2/" + repo + "/manifests/" + image.manifest(), "Accept", RegistryClient.OCI_MANIFEST),
                200);
        String artifact = "/api/v2.0/projects/" + project + "/repositories/app/artifacts/" + image.manifest();
        awaitPulled(admin, artifact);
        assertThat(pullTimes(admin, tags)).containsExactly(NEVER, NEVER);

        // By tag v2: v2 alone.
        RegistryClient.check(admin.get("/v2/" + repo + "/manifests/v2", "Accept", RegistryClient.OCI_MANIFEST), 200);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline) && pullTimes(admin, tags).get(1).equals(NEVER)) {
            Thread.sleep(200);
        }
        java.util.List<String> times = pullTimes(admin, tags);
        assertThat(times.get(0)).isEqualTo(NEVER);
        assertThat(Instant.parse(times.get(1))).isAfter(before);
        // The tag list sorts by it, as Harbor's does.
        JsonNode sorted = admin.get(tags + "?sort=-pull_time").json();
        assertThat(sorted.get(0).path("name").asString()).isEqualTo("v2");
        // And the artifact's own tags show it too.
        JsonNode nested = admin.get(artifact + "?with_tag=true").json().path("tags");
        assertThat(nested.get(1).path("pull_time").asString()).isEqualTo(times.get(1));
    }

    /** The pull times of the artifact's tags, by tag name. */
    private static java.util.List<String> pullTimes(RegistryClient client, String tags) {
        java.util.List<String> times = new java.util.ArrayList<>();
        JsonNode list = client.get(tags + "?sort=name").json();
        for (JsonNode t : list) {
            times.add(t.path("pull_time").asString());
        }
        return times;
    }

    private static void awaitPulled(RegistryClient client, String artifact) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)
                && client.get(artifact).json().path("pull_time").asString().equals(NEVER)) {
            Thread.sleep(200);
        }
        assertThat(client.get(artifact).json().path("pull_time").asString()).isNotEqualTo(NEVER);
    }
}
