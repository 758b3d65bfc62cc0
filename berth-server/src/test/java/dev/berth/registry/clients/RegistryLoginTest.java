package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.TestUsers;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients logging in: {@code podman login} with Berth's bearer-token flow, a developer who
 * pushes and pulls, a guest whose push is refused, skopeo with {@code --creds}, and anonymous
 * pulls that work for public projects only.
 */
class RegistryLoginTest {
    private static final String PASSWORD = "Login-Pass-2026";

    @TempDir
    Path work;

    private final BerthServer server = BerthServer.shared();
    private ContainerTools tools;
    private String project;
    private String publicProject;
    private String developer;
    private String guest;

    @BeforeEach
    void setUp() {
        assumeTrue(ContainerTools.installed("podman")
                && ContainerTools.installed("buildah")
                && ContainerTools.installed("skopeo"));
        tools = new ContainerTools(work);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        project = "login-" + suffix;
        publicProject = "loginpub-" + suffix;
        server.ensureProject(project, false);
        server.ensureProject(publicProject, true);
        developer = "dev-" + suffix;
        guest = "guest-" + suffix;
        TestUsers.addMember(server, project, TestUsers.createUser(server, developer, PASSWORD), 2);
        TestUsers.addMember(server, project, TestUsers.createUser(server, guest, PASSWORD), 3);
    }

    @Test
    void developerLogsInPushesAndPulls_guestCannotPush() {
        OciLayout source = tools.buildLayout("src", "amd64", randomFiles(), "gzip");
        String imageId = tools.podman("a", "pull", "-q", "oci:" + source.dir() + ":latest")
                .ok()
                .lastLine();
        String target = server.hostPort() + "/" + project + "/app:v1";

        ContainerTools.Result wrong = tools.podman(
                "a", "login", "--tls-verify=false", "-u", developer, "-p", "Wrong-Pass-1", server.hostPort());
        assertThat(wrong.exit()).isNotZero();
        tools.podman("a", "login", "--tls-verify=false", "-u", developer, "-p", PASSWORD, server.hostPort())
                .ok();
        tools.podman("a", "push", "--tls-verify=false", imageId, target).ok();
        String pulled = tools.podman("b", "pull", "-q", "--tls-verify=false", target)
                .ok()
                .lastLine();
        assertThat(pulled).isEqualTo(imageId);

        tools.podman("a", "logout", server.hostPort()).ok();
        tools.podman("a", "login", "--tls-verify=false", "-u", guest, "-p", PASSWORD, server.hostPort())
                .ok();
        ContainerTools.Result refused = tools.podman(
                "a", "push", "--tls-verify=false", imageId, server.hostPort() + "/" + project + "/guest:v1");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr().toLowerCase()).containsAnyOf("denied", "unauthorized", "authentication required");
        assertThat(server.adminClient()
                        .get("/v2/" + project + "/guest/tags/list")
                        .status())
                .isEqualTo(404);
        // The guest may pull what the developer pushed.
        assertThat(tools.podman("c", "pull", "-q", "--tls-verify=false", target)
                        .ok()
                        .lastLine())
                .isEqualTo(imageId);
    }

    @Test
    void skopeoWithCredentialsAndAnonymously() {
        OciLayout source = tools.buildLayout("src", "amd64", randomFiles(), "gzip");
        String creds = developer + ":" + PASSWORD;
        String privateRef = "docker://" + server.hostPort() + "/" + project + "/skopeo:v1";
        tools.skopeo(
                        "copy",
                        "--dest-tls-verify=false",
                        "--dest-creds",
                        creds,
                        "oci:" + source.dir() + ":latest",
                        privateRef)
                .ok();
        tools.skopeo("inspect", "--tls-verify=false", "--creds", creds, privateRef)
                .ok();
        ContainerTools.Result anonymousPrivate =
                tools.skopeo("inspect", "--tls-verify=false", "--no-creds", privateRef);
        assertThat(anonymousPrivate.exit()).isNotZero();

        String publicRef = "docker://" + server.hostPort() + "/" + publicProject + "/skopeo:v1";
        tools.skopeo(
                        "copy",
                        "--src-creds",
                        creds,
                        "--src-tls-verify=false",
                        "--dest-tls-verify=false",
                        "--dest-creds",
                        "admin:" + BerthServer.ADMIN_PASSWORD,
                        privateRef,
                        publicRef)
                .ok();
        tools.skopeo("inspect", "--tls-verify=false", "--no-creds", publicRef).ok();
        ContainerTools.Result anonymousPush = tools.skopeo(
                "copy",
                "--dest-tls-verify=false",
                "--dest-no-creds",
                "oci:" + source.dir() + ":latest",
                "docker://" + server.hostPort() + "/" + publicProject + "/intruder:v1");
        assertThat(anonymousPush.exit()).isNotZero();
        assertThat(server.adminClient()
                        .get("/v2/" + publicProject + "/intruder/tags/list")
                        .status())
                .isEqualTo(404);
    }

    private static Map<String, byte[]> randomFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] b = new byte[2048];
        new Random().nextBytes(b);
        files.put("data-" + UUID.randomUUID() + ".bin", b);
        return files;
    }
}
