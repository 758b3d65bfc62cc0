package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * skopeo, podman and buildah against a running Berth over real HTTP: what users actually do.
 * Each test builds its images offline with buildah (random content, so nothing is shared between
 * tests or runs) and uses its own repositories.
 */
class RealClientsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] ZSTD_MAGIC = {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd};

    @TempDir
    Path work;

    private BerthServer server;
    private RegistryClient registry;
    private ContainerTools tools;
    private String prefix;

    @BeforeEach
    void setUp() {
        server = server();
        registry = server.adminClient();
        server.ensureProject("clients", false);
        tools = new ContainerTools(work);
        tools.credentials(server.hostPort(), "admin", BerthServer.ADMIN_PASSWORD);
        prefix = "clients/" + HexFormat.of().formatHex(randomBytes(4));
    }

    /** The Berth under test; a subclass runs the same clients against another profile. */
    protected BerthServer server() {
        return BerthServer.shared();
    }

    @Test
    void skopeoCopiesAnImageThroughBerthAndBackWithIdenticalDigests() {
        requireTools("skopeo", "buildah");
        OciLayout source = tools.buildLayout("src", "amd64", randomFiles(2), "gzip");
        String ref = docker(prefix + "/copy:v1");

        tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + source.dir() + ":latest", ref)
                .ok();

        Digest pushed = Digest.sha256(tools.skopeo("inspect", "--raw", "--tls-verify=false", ref)
                .ok()
                .stdout()
                .getBytes(StandardCharsets.UTF_8));
        assertThat(pushed).isEqualTo(source.manifestDigest());
        Response manifest = registry.get("/v2/" + prefix + "/copy/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(manifest.status()).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo(source.manifestBytes());
        assertThat(manifest.header("Docker-Content-Digest"))
                .contains(source.manifestDigest().toString());

        OciLayout back = new OciLayout(tools.path("back"));
        tools.skopeo("copy", "--src-tls-verify=false", ref, "oci:" + back.dir() + ":latest")
                .ok();

        assertThat(back.manifestDigest()).isEqualTo(source.manifestDigest());
        assertThat(back.manifestBytes()).isEqualTo(source.manifestBytes());
        assertThat(back.configDigest()).isEqualTo(source.configDigest());
        assertThat(back.layerDigests()).isEqualTo(source.layerDigests());
        assertThat(back.verifiedBlobs()).isEqualTo(source.verifiedBlobs());
        for (Digest blob : source.verifiedBlobs()) {
            assertThat(back.blob(blob)).as("blob %s", blob).isEqualTo(source.blob(blob));
        }
    }

    @Test
    void podmanPushesAndPullsAnImageWithTheSameDigestAndLayers() throws IOException {
        requireTools("podman", "buildah", "skopeo");
        OciLayout source = tools.buildLayout("src", "amd64", randomFiles(2), "gzip");
        String imageId = tools.podman("a", "pull", "-q", "oci:" + source.dir() + ":latest")
                .ok()
                .lastLine();
        assertThat("sha256:" + imageId).isEqualTo(source.configDigest().toString());
        String target = server.hostPort() + "/" + prefix + "/podman:v1";
        Path digestFile = work.resolve("pushed-digest");

        tools.podman("a", "push", "--tls-verify=false", "--digestfile", digestFile.toString(), imageId, target)
                .ok();

        Digest pushed = Digest.parse(Files.readString(digestFile).strip()).orElseThrow();
        Response manifest = registry.get(
                "/v2/" + prefix + "/podman/manifests/v1",
                "Accept",
                RegistryClient.OCI_MANIFEST + ", " + RegistryClient.DOCKER_MANIFEST);
        assertThat(manifest.status()).isEqualTo(200);
        assertThat(manifest.header("Docker-Content-Digest")).contains(pushed.toString());
        assertThat(Digest.sha256(manifest.body())).isEqualTo(pushed);
        assertThat(manifest.json().path("config").path("digest").asString()).isEqualTo("sha256:" + imageId);

        String pulledId = tools.podman("b", "pull", "-q", "--tls-verify=false", target)
                .ok()
                .lastLine();

        assertThat(pulledId).isEqualTo(imageId);
        JsonNode original = inspect("a", imageId);
        JsonNode pulled = inspect("b", target);
        assertThat(pulled.path("Digest").asString()).isEqualTo(pushed.toString());
        assertThat(pulled.path("Architecture").asString()).isEqualTo("amd64");
        assertThat(pulled.path("RootFS").path("Layers"))
                .isEqualTo(original.path("RootFS").path("Layers"));

        // podman save writes the image as it came out of Berth; its layers unpack to exactly the
        // diff ids of the layers that went in.
        OciLayout saved = new OciLayout(work.resolve("saved"));
        tools.podman("b", "save", "--format", "oci-dir", "-o", saved.dir().toString(), target)
                .ok();
        assertThat(saved.manifestDigest()).isEqualTo(pushed);
        assertThat(saved.configDigest().toString()).isEqualTo("sha256:" + imageId);
        List<String> diffIds = new ArrayList<>();
        for (Digest layer : saved.layerDigests()) {
            diffIds.add(Digest.sha256(RegistryClient.gunzip(saved.blob(layer))).toString());
        }
        assertThat(diffIds).isEqualTo(strings(original.path("RootFS").path("Layers")));
        saved.verifiedBlobs();
    }

    @Test
    void buildahPushesAMultiArchIndexAndEachPlatformPullsItsOwnImage() {
        requireTools("buildah", "skopeo");
        String marker = "payload-" + HexFormat.of().formatHex(randomBytes(8));
        String list = "localhost/multi-" + System.nanoTime() + ":list";
        for (String arch : List.of("amd64", "arm64")) {
            tools.buildLocalImage(
                    "localhost/multi-" + arch + ":latest",
                    arch,
                    Map.of("arch.txt", (marker + "-" + arch).getBytes(StandardCharsets.UTF_8)));
        }
        tools.buildah("manifest", "create", list).ok();
        tools.buildah("manifest", "add", list, "localhost/multi-amd64:latest").ok();
        tools.buildah("manifest", "add", list, "localhost/multi-arm64:latest").ok();
        String ref = docker(prefix + "/multi:v1");

        tools.buildah("manifest", "push", "--all", "--tls-verify=false", list, ref)
                .ok();

        Response index = registry.get(
                "/v2/" + prefix + "/multi/manifests/v1",
                "Accept",
                RegistryClient.OCI_INDEX + ", " + RegistryClient.DOCKER_LIST);
        assertThat(index.status()).isEqualTo(200);
        String mediaType = index.json().path("mediaType").asString();
        assertThat(mediaType).isIn(RegistryClient.OCI_INDEX, RegistryClient.DOCKER_LIST);
        assertThat(index.header("Content-Type")).contains(mediaType);
        JsonNode children = index.json().path("manifests");
        assertThat(children.size()).isEqualTo(2);
        Map<String, String> digestByArch = new java.util.TreeMap<>();
        for (JsonNode child : children) {
            assertThat(child.path("platform").path("os").asString()).isEqualTo("linux");
            digestByArch.put(
                    child.path("platform").path("architecture").asString(),
                    child.path("digest").asString());
            Response head = registry.head(
                    "/v2/" + prefix + "/multi/manifests/" + child.path("digest").asString(),
                    "Accept",
                    child.path("mediaType").asString());
            assertThat(head.status()).as("child %s", child).isEqualTo(200);
        }
        assertThat(digestByArch).containsOnlyKeys("amd64", "arm64");

        OciLayout arm = new OciLayout(work.resolve("arm64"));
        tools.skopeo(
                        "copy",
                        "--src-tls-verify=false",
                        "--override-arch",
                        "arm64",
                        "--override-os",
                        "linux",
                        ref,
                        "oci:" + arm.dir() + ":latest")
                .ok();

        assertThat(arm.manifestDigest().toString()).isEqualTo(digestByArch.get("arm64"));
        assertThat(arm.config().path("architecture").asString()).isEqualTo("arm64");
        assertThat(arm.layerDigests()).hasSize(1);
        String layer =
                new String(RegistryClient.gunzip(arm.blob(arm.layerDigests().getFirst())), StandardCharsets.ISO_8859_1);
        assertThat(layer).contains(marker + "-arm64").doesNotContain(marker + "-amd64");
        arm.verifiedBlobs();
    }

    @Test
    void zstdLayersRoundTripWithTheirDigestsAndMediaType() {
        requireTools("skopeo", "buildah");
        OciLayout source = tools.buildLayout("zstd", "amd64", randomFiles(1), "zstd");
        assertThat(source.manifest().path("layers").path(0).path("mediaType").asString())
                .isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");
        String ref = docker(prefix + "/zstd:v1");

        tools.skopeo("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + source.dir() + ":latest", ref)
                .ok();

        Response manifest = registry.get("/v2/" + prefix + "/zstd/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(manifest.body()).isEqualTo(source.manifestBytes());
        assertThat(manifest.json().path("layers").path(0).path("mediaType").asString())
                .isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");
        Digest layer = source.layerDigests().getFirst();
        Response blob = registry.getFollowingRedirect("/v2/" + prefix + "/zstd/blobs/" + layer);
        assertThat(blob.status()).isEqualTo(200);
        assertThat(Digest.sha256(blob.body())).isEqualTo(layer);
        assertThat(java.util.Arrays.copyOf(blob.body(), 4)).isEqualTo(ZSTD_MAGIC);

        OciLayout back = new OciLayout(work.resolve("back"));
        tools.skopeo("copy", "--preserve-digests", "--src-tls-verify=false", ref, "oci:" + back.dir() + ":latest")
                .ok();

        assertThat(back.manifestBytes()).isEqualTo(source.manifestBytes());
        assertThat(back.manifest().path("layers").path(0).path("mediaType").asString())
                .isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");
        assertThat(back.verifiedBlobs()).isEqualTo(source.verifiedBlobs());
    }

    @Test
    void blobsMountAcrossRepositoriesAndAMountFromARepositoryWithoutTheBlobFallsBackToAnUpload() {
        requireTools("skopeo", "buildah");
        OciLayout source = tools.buildLayout("src", "amd64", randomFiles(2), "gzip");
        String a = prefix + "/mount-a";
        tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + source.dir() + ":latest", docker(a + ":v1"))
                .ok();
        Digest layer = source.layerDigests().getFirst();
        Digest config = source.configDigest();

        String b = prefix + "/mount-b";
        assertThat(registry.head("/v2/" + b + "/blobs/" + layer).status()).isEqualTo(404);
        for (Digest digest : List.of(layer, config)) {
            Response mount = registry.send("POST", "/v2/" + b + "/blobs/uploads/?mount=" + digest + "&from=" + a, null);
            assertThat(mount.status()).isEqualTo(201);
            assertThat(mount.header("Location"))
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/v2/" + b + "/blobs/" + digest));
            assertThat(mount.header("Docker-Content-Digest")).contains(digest.toString());
        }
        Response head = registry.head("/v2/" + b + "/blobs/" + layer);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).contains(String.valueOf(source.blob(layer).length));
        assertThat(registry.getFollowingRedirect("/v2/" + b + "/blobs/" + layer).body())
                .isEqualTo(source.blob(layer));
        // Mounted blobs are linked like pushed ones: a manifest may reference them.
        registry.pushManifest(b, "mounted", RegistryClient.OCI_MANIFEST, source.manifestBytes());

        String c = prefix + "/mount-c";
        String lacking = prefix + "/mount-lacking";
        registry.pushBlob(lacking, randomBytes(100));
        for (String from : List.of(prefix + "/no-such-repository", lacking)) {
            Response fallback =
                    registry.send("POST", "/v2/" + c + "/blobs/uploads/?mount=" + layer + "&from=" + from, null);
            assertThat(fallback.status()).as("mount from %s", from).isEqualTo(202);
            assertThat(fallback.header("Docker-Upload-UUID")).isPresent();
            String location = fallback.header("Location").orElseThrow();
            assertThat(location).contains("/v2/" + c + "/blobs/uploads/");
            assertThat(registry.head("/v2/" + c + "/blobs/" + layer).status()).isEqualTo(404);
            if (from.equals(lacking)) {
                // The session the fallback opened takes the upload instead.
                Response put = registry.send(
                        "PUT",
                        location + (location.contains("?") ? "&" : "?") + "digest=" + layer,
                        source.blob(layer),
                        "Content-Type",
                        "application/octet-stream");
                assertThat(put.status()).isEqualTo(201);
            } else {
                assertThat(registry.delete(location).status()).isEqualTo(204);
            }
        }
        assertThat(registry.getFollowingRedirect("/v2/" + c + "/blobs/" + layer).body())
                .isEqualTo(source.blob(layer));

        // Registry to registry within Berth: skopeo offers mounts for blobs it knows are in a.
        String d = prefix + "/mount-d";
        tools.skopeo("copy", "--src-tls-verify=false", "--dest-tls-verify=false", docker(a + ":v1"), docker(d + ":v1"))
                .ok();
        Response copied = registry.get("/v2/" + d + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(copied.body()).isEqualTo(source.manifestBytes());
        for (Digest digest : source.verifiedBlobs()) {
            if (!digest.equals(source.manifestDigest())) {
                assertThat(registry.getFollowingRedirect("/v2/" + d + "/blobs/" + digest)
                                .body())
                        .as("blob %s in %s", digest, d)
                        .isEqualTo(source.blob(digest));
            }
        }
    }

    @Test
    void skopeoDeleteRemovesAManifestByDigestAndLeavesOtherImagesAlone() {
        requireTools("skopeo", "buildah");
        OciLayout doomed = tools.buildLayout("doomed", "amd64", randomFiles(1), "gzip");
        OciLayout kept = tools.buildLayout("kept", "amd64", randomFiles(1), "gzip");
        String repo = prefix + "/delete";
        tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + doomed.dir() + ":latest", docker(repo + ":doomed"))
                .ok();
        tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + kept.dir() + ":latest", docker(repo + ":kept"))
                .ok();
        String byDigest = "/v2/" + repo + "/manifests/" + doomed.manifestDigest();
        assertThat(registry.get(byDigest, "Accept", RegistryClient.OCI_MANIFEST).status())
                .isEqualTo(200);

        tools.skopeo("delete", "--tls-verify=false", docker(repo + "@" + doomed.manifestDigest()))
                .ok();

        Response gone = registry.get(byDigest, "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("MANIFEST_UNKNOWN");
        assertThat(registry.get("/v2/" + repo + "/manifests/doomed", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(404);
        assertThat(tools.skopeo("inspect", "--raw", "--tls-verify=false", docker(repo + "@" + doomed.manifestDigest()))
                        .exit())
                .isNotZero();
        assertThat(strings(registry.get("/v2/" + repo + "/tags/list").json().path("tags")))
                .containsExactly("kept");
        Response survivor = registry.get("/v2/" + repo + "/manifests/kept", "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(survivor.status()).isEqualTo(200);
        assertThat(survivor.body()).isEqualTo(kept.manifestBytes());
    }

    @Test
    void skopeoListTagsFollowsLinkPaginationToTheLastTag() {
        requireTools("skopeo");
        try (BerthServer paged = BerthServer.withExternalDatabase(Map.of("berth.registry.max-page-size", "2"))) {
            RegistryClient client = paged.adminClient();
            paged.ensureProject("clients", false);
            tools.credentials(paged.hostPort(), "admin", BerthServer.ADMIN_PASSWORD);
            String repo = prefix + "/tags";
            RegistryClient.Image image = client.pushImage(repo, "latest", randomBytes(1000));
            List<String> tags = new ArrayList<>(List.of("latest", "v1.10", "v1.2", "A", "b", "v2", "0.9"));
            for (String tag : tags.subList(1, tags.size())) {
                client.pushManifest(repo, tag, RegistryClient.OCI_MANIFEST, image.manifestBytes());
            }
            Response firstPage = client.get("/v2/" + repo + "/tags/list");
            assertThat(firstPage.json().path("tags").size()).isEqualTo(2);
            assertThat(firstPage.header("Link")).isPresent();

            JsonNode listed = RegistryClient.JSON.readTree(
                    tools.skopeo("list-tags", "--tls-verify=false", "docker://" + paged.hostPort() + "/" + repo)
                            .ok()
                            .stdout());

            tags.sort(null); // Berth lists tags in byte order
            assertThat(strings(listed.path("Tags"))).isEqualTo(tags);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private String docker(String repositoryAndReference) {
        return "docker://" + server.hostPort() + "/" + repositoryAndReference;
    }

    private JsonNode inspect(String store, String image) {
        JsonNode all = RegistryClient.JSON.readTree(
                tools.podman(store, "image", "inspect", image).ok().stdout());
        assertThat(all.size()).isEqualTo(1);
        return all.path(0);
    }

    private static void requireTools(String... names) {
        for (String name : names) {
            assumeTrue(ContainerTools.installed(name), name + " is not installed");
        }
    }

    private static Map<String, byte[]> randomFiles(int count) {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            files.put("file-" + i + ".bin", randomBytes(64 * 1024 + i));
        }
        return files;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }
}
