package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What skopeo sees of read-only mode: pulls work, a push fails with the reason, and nothing lands. */
class ReadOnlyRealClientTest {
    @TempDir
    Path work;

    @Test
    void skopeoPullsButCannotPushOrDeleteWhileReadOnly() {
        assumeTrue(ContainerTools.installed("skopeo") && ContainerTools.installed("buildah"), "skopeo and buildah");
        // A server of its own: read-only mode would refuse every other test's changes.
        try (BerthServer server = BerthServer.withExternalDatabase(Map.of())) {
            String project = TestUsers.uniqueName("rorc");
            server.ensureProject(project, false);
            ContainerTools tools = new ContainerTools(work);
            tools.credentials(server.hostPort(), "admin", BerthServer.ADMIN_PASSWORD);
            OciLayout one = tools.buildLayout("one", "amd64", Map.of("a.txt", ContainerTools.marker()), "gzip");
            OciLayout two = tools.buildLayout("two", "amd64", Map.of("b.txt", ContainerTools.marker()), "gzip");
            String first = "docker://" + server.hostPort() + "/" + project + "/app:1.0";
            String second = "docker://" + server.hostPort() + "/" + project + "/app:2.0";
            tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + one.dir() + ":latest", first)
                    .ok();

            RegistryClient.check(
                    server.adminClient()
                            .send(
                                    "PUT",
                                    "/api/v2.0/configurations",
                                    TestUsers.body("{\"read_only\":true}"),
                                    TestUsers.CONTENT_JSON),
                    200);

            ContainerTools.Result push =
                    tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + two.dir() + ":latest", second);
            assertThat(push.exit()).isNotZero();
            assertThat(push.stderr()).contains("read-only mode");
            ContainerTools.Result delete = tools.skopeo("delete", "--tls-verify=false", first);
            assertThat(delete.exit()).isNotZero();
            assertThat(delete.stderr()).contains("read-only mode");

            String digest = tools.skopeo("inspect", "--tls-verify=false", "--format", "{{.Digest}}", first)
                    .ok()
                    .lastLine();
            assertThat(digest).isEqualTo(one.manifestDigest().toString());
            tools.skopeo("copy", "--src-tls-verify=false", first, "oci:" + work.resolve("pulled") + ":latest")
                    .ok();
            assertThat(tools.skopeo("inspect", "--tls-verify=false", second).exit())
                    .isNotZero();
        }
    }
}
