package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** What skopeo and buildah push, as Harbor's artifact API then shows it. */
class ArtifactApiRealClientsTest {
    @TempDir
    Path work;

    private BerthServer server;
    private RegistryClient admin;
    private ContainerTools tools;
    private String project;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        project = "rc" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        server.ensureProject(project, false);
        tools = new ContainerTools(work);
        tools.credentials(server.hostPort(), "admin", BerthServer.ADMIN_PASSWORD);
    }

    @Test
    void aSkopeoPushedImageShowsItsPlatformSizeAndHistory() {
        requireTools("skopeo", "buildah");
        OciLayout source = tools.buildLayout(
                "img", "arm64", Map.of("hello.txt", marker().getBytes(StandardCharsets.UTF_8)), "gzip");
        tools.skopeo(
                        "copy",
                        "--dest-tls-verify=false",
                        "oci:" + source.dir() + ":latest",
                        "docker://" + server.hostPort() + "/" + project + "/tools/skopeo:v1")
                .ok();

        Response got = admin.get("/api/v2.0/projects/" + project + "/repositories/tools%252Fskopeo/artifacts/v1");
        RegistryClient.check(got, 200);
        JsonNode a = got.json();
        assertThat(a.path("digest").asString())
                .isEqualTo(source.manifestDigest().toString());
        assertThat(a.path("type").asString()).isEqualTo("IMAGE");
        assertThat(a.path("extra_attrs").path("architecture").asString()).isEqualTo("arm64");
        long expected = source.manifestBytes().length + source.blob(source.configDigest()).length;
        for (var layer : source.layerDigests()) {
            expected += source.blob(layer).length;
        }
        assertThat(a.path("size").asLong()).isEqualTo(expected);
        Response history = admin.get(
                a.path("addition_links").path("build_history").path("href").asString());
        RegistryClient.check(history, 200);
        assertThat(history.json().isArray()).isTrue();
        assertThat(history.json().size())
                .isEqualTo(source.config().path("history").size());
    }

    @Test
    void aBuildahMultiArchIndexListsItsChildrenAsReferences() {
        requireTools("buildah", "skopeo");
        String list = "localhost/artmulti-" + System.nanoTime() + ":list";
        Map<String, String> localByArch = new HashMap<>();
        for (String arch : List.of("amd64", "arm64")) {
            String local = "localhost/artmulti-" + arch + "-" + System.nanoTime() + ":latest";
            tools.buildLocalImage(local, arch, Map.of("a.txt", (marker() + arch).getBytes(StandardCharsets.UTF_8)));
            localByArch.put(arch, local);
        }
        tools.buildah("manifest", "create", list).ok();
        for (String local : localByArch.values()) {
            tools.buildah("manifest", "add", list, local).ok();
        }
        tools.buildah(
                        "manifest",
                        "push",
                        "--all",
                        "--tls-verify=false",
                        list,
                        "docker://" + server.hostPort() + "/" + project + "/multi:v1")
                .ok();

        Response listed = admin.get("/api/v2.0/projects/" + project + "/repositories/multi/artifacts");
        RegistryClient.check(listed, 200);
        assertThat(listed.header("X-Total-Count")).contains("1");
        JsonNode index = listed.json().path(0);
        assertThat(index.path("tags").path(0).path("name").asString()).isEqualTo("v1");
        JsonNode references = index.path("references");
        assertThat(references.size()).isEqualTo(2);
        Map<String, String> childByArch = new HashMap<>();
        for (JsonNode ref : references) {
            childByArch.put(
                    ref.path("platform").path("architecture").asString(),
                    ref.path("child_digest").asString());
        }
        assertThat(childByArch).containsOnlyKeys("amd64", "arm64");
        for (var entry : childByArch.entrySet()) {
            JsonNode child = admin.get(
                            "/api/v2.0/projects/" + project + "/repositories/multi/artifacts/" + entry.getValue())
                    .json();
            assertThat(child.path("extra_attrs").path("architecture").asString())
                    .isEqualTo(entry.getKey());
        }
    }

    private static String marker() {
        return "m-" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void requireTools(String... names) {
        for (String name : names) {
            assumeTrue(ContainerTools.installed(name), name + " is not installed");
        }
    }
}
