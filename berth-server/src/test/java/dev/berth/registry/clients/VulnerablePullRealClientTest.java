package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What skopeo and podman see of vulnerability prevention: an image never scanned by the project's
 * scanner cannot be pulled, with Harbor's message, through the token login they use; switching the
 * policy off lets the same pull through. The scanner is registered (at a public address nothing is
 * sent to) as this project's own and not as the shared server's default.
 */
class VulnerablePullRealClientTest {
    @TempDir
    Path work;

    @Test
    void skopeoAndPodmanCannotPullAnUnscannedImageOfAPreventingProject() {
        assumeTrue(ContainerTools.installed("skopeo") && ContainerTools.installed("podman"), "skopeo and podman");
        BerthServer server = BerthServer.shared();
        RegistryClient admin = server.adminClient();
        String project = new TestAccounts(server).project("vulrc", false);
        ContainerTools tools = new ContainerTools(work);
        tools.credentials(server.hostPort(), "admin", BerthServer.ADMIN_PASSWORD);
        OciLayout image = tools.buildLayout("one", "amd64", Map.of("a.txt", ContainerTools.marker()), "gzip");
        String target = "docker://" + server.hostPort() + "/" + project + "/app:1.0";
        tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + image.dir() + ":latest", target)
                .ok();

        String name = TestAccounts.unique("scanner");
        RegistryClient.Response created = TestAccounts.postJson(
                admin, "/api/v2.0/scanners", Map.of("name", name, "url", "http://93.184.216.34/" + name));
        RegistryClient.check(created, 201);
        String location = created.header("Location").orElseThrow();
        String uuid = location.substring(location.lastIndexOf('/') + 1);
        RegistryClient.check(
                TestAccounts.patchJson(admin, "/api/v2.0/scanners/" + uuid, Map.of("is_default", false)), 200);
        RegistryClient.check(
                TestAccounts.putJson(admin, "/api/v2.0/projects/" + project + "/scanner", Map.of("uuid", uuid)), 200);
        RegistryClient.check(
                TestAccounts.putJson(
                        admin,
                        "/api/v2.0/projects/" + project,
                        Map.of("metadata", Map.of("prevent_vul", "true", "severity", "critical"))),
                200);

        ContainerTools.Result copy =
                tools.skopeo("copy", "--src-tls-verify=false", target, "oci:" + work.resolve("pulled") + ":latest");
        assertThat(copy.exit()).isNotZero();
        assertThat(copy.stderr()).contains("current image without vulnerability scanning cannot be pulled");
        ContainerTools.Result pull = tools.podman("a", "pull", "--tls-verify=false", target.substring(9));
        assertThat(pull.exit()).isNotZero();
        assertThat(pull.stderr()).contains("cannot be pulled");

        RegistryClient.check(
                TestAccounts.putJson(
                        admin, "/api/v2.0/projects/" + project, Map.of("metadata", Map.of("prevent_vul", "false"))),
                200);
        tools.skopeo("copy", "--src-tls-verify=false", target, "oci:" + work.resolve("pulled") + ":latest")
                .ok();
        RegistryClient.check(admin.delete("/api/v2.0/scanners/" + uuid), 200);
    }
}
