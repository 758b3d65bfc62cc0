package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What skopeo sees of an immutable tag: it cannot overwrite or delete it, and may push the same image again. */
class ImmutableTagRealClientTest {
    @TempDir
    Path work;

    @Test
    void skopeoCannotOverwriteOrDeleteAnImmutableTagButMayPushTheSameImageAgain() {
        assumeTrue(ContainerTools.installed("skopeo") && ContainerTools.installed("buildah"), "skopeo and buildah");
        BerthServer server = BerthServer.shared();
        String project = new TestAccounts(server).project("immrc", false);
        ContainerTools tools = new ContainerTools(work);
        tools.credentials(server.hostPort(), "admin", BerthServer.ADMIN_PASSWORD);
        OciLayout one = tools.buildLayout("one", "amd64", Map.of("a.txt", ContainerTools.marker()), "gzip");
        OciLayout two = tools.buildLayout("two", "amd64", Map.of("b.txt", ContainerTools.marker()), "gzip");
        String target = "docker://" + server.hostPort() + "/" + project + "/app:1.0";
        tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + one.dir() + ":latest", target)
                .ok();

        Map<String, Object> rule = Map.of(
                "action",
                "immutable",
                "template",
                "immutable_template",
                "tag_selectors",
                List.of(Map.of("kind", "doublestar", "decoration", "matches", "pattern", "1.*")),
                "scope_selectors",
                Map.of(
                        "repository",
                        List.of(Map.of("kind", "doublestar", "decoration", "repoMatches", "pattern", "**"))));
        RegistryClient.check(
                TestAccounts.postJson(
                        server.adminClient(), "/api/v2.0/projects/" + project + "/immutabletagrules", rule),
                201);

        ContainerTools.Result overwrite =
                tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + two.dir() + ":latest", target);
        assertThat(overwrite.exit()).isNotZero();
        assertThat(overwrite.stderr()).contains("configured as immutable");

        tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + one.dir() + ":latest", target)
                .ok();

        ContainerTools.Result delete = tools.skopeo("delete", "--tls-verify=false", target);
        assertThat(delete.exit()).isNotZero();
        assertThat(delete.stderr()).contains("configured as immutable");

        String digest = tools.skopeo("inspect", "--tls-verify=false", "--format", "{{.Digest}}", target)
                .ok()
                .lastLine();
        assertThat(digest).isEqualTo(one.manifestDigest().toString());
    }
}
