package dev.berth.registry.conformance;

import static dev.berth.support.RegistryClient.DOCKER_LIST;
import static dev.berth.support.RegistryClient.DOCKER_MANIFEST;
import static dev.berth.support.RegistryClient.OCI_CONFIG;
import static dev.berth.support.RegistryClient.OCI_INDEX;
import static dev.berth.support.RegistryClient.OCI_LAYER;
import static dev.berth.support.RegistryClient.OCI_MANIFEST;
import static dev.berth.support.RegistryClient.descriptor;
import static dev.berth.support.RegistryClient.imageManifest;
import static dev.berth.support.RegistryClient.index;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.RawHttp;
import dev.berth.support.RegistryClient.Image;
import dev.berth.support.RegistryClient.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Manifest pushes, pulls, negotiation, validation and deletes. */
abstract class ManifestConformance extends ConformanceBase {
    private static final String EMPTY_CONFIG =
            "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2}";

    private String manifestPath(String reference) {
        return "/v2/" + repo + "/manifests/" + reference;
    }

    private Response put(String reference, String mediaType, byte[] body) {
        return client.send("PUT", manifestPath(reference), body, "Content-Type", mediaType);
    }

    private List<String> tags() {
        Response r = client.get("/v2/" + repo + "/tags/list");
        return r.status() == 404
                ? List.of()
                : r.json().path("tags").valueStream().map(n -> n.asString()).toList();
    }

    /** A config and a layer already in the repository, as descriptors. */
    private List<String> blobsInRepo() {
        byte[] config = utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        byte[] layer = randomBytes(300);
        return List.of(
                descriptor(OCI_CONFIG, client.pushBlob(repo, config), config.length),
                descriptor(OCI_LAYER, client.pushBlob(repo, layer), layer.length));
    }

    @Test
    void pushByTagAndPullByTagAndDigestReturnTheExactBytes() {
        List<String> blobs = blobsInRepo();
        // Odd but valid formatting must survive byte for byte.
        byte[] manifest = utf8("{ \"schemaVersion\" : 2,\n  \"mediaType\": \"" + OCI_MANIFEST + "\", \"config\": "
                + blobs.get(0) + ",\n\"layers\": [" + blobs.get(1) + "] }\n");
        Digest digest = Digest.sha256(manifest);
        Response push = put("v1", OCI_MANIFEST, manifest);
        assertThat(push.status()).isEqualTo(201);
        assertThat(push.header("Location")).hasValue(manifestPath(digest.toString()));
        assertThat(push.header("Docker-Content-Digest")).hasValue(digest.toString());
        for (String ref : List.of("v1", digest.toString())) {
            Response get = client.get(manifestPath(ref), "Accept", OCI_MANIFEST);
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.body()).isEqualTo(manifest);
            assertThat(get.header("Content-Type")).hasValue(OCI_MANIFEST);
            assertThat(get.header("Docker-Content-Digest")).hasValue(digest.toString());
            Response head = client.head(manifestPath(ref), "Accept", OCI_MANIFEST);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).hasValue(String.valueOf(manifest.length));
            assertThat(head.header("Docker-Content-Digest")).hasValue(digest.toString());
        }
    }

    @Test
    void pushByDigest() {
        List<String> blobs = blobsInRepo();
        byte[] manifest = imageManifest(blobs.get(0), List.of(blobs.get(1)), null, null);
        Digest digest = Digest.sha256(manifest);
        assertThat(put(digest.toString(), OCI_MANIFEST, manifest).status()).isEqualTo(201);
        assertThat(client.get(manifestPath(digest.toString())).body()).isEqualTo(manifest);
        assertThat(tags()).isEmpty();
    }

    @Test
    void pushByDigestWithTagParameters() {
        List<String> blobs = blobsInRepo();
        byte[] manifest = imageManifest(blobs.get(0), List.of(blobs.get(1)), null, null);
        Digest digest = Digest.sha256(manifest);
        Response r = put(digest + "?tag=1.2.3&tag=1.2&tag=latest", OCI_MANIFEST, manifest);
        assertThat(r.status()).isEqualTo(201);
        assertThat(String.join(",", r.headers("OCI-Tag"))).contains("1.2.3", "1.2", "latest");
        assertThat(tags()).containsExactly("1.2", "1.2.3", "latest");
        assertError(put(digest + "?tag=-bad", OCI_MANIFEST, manifest), 400, "TAG_INVALID");
    }

    @Test
    void wrongDigestIsRefusedAndNothingIsStored() {
        List<String> blobs = blobsInRepo();
        byte[] manifest = imageManifest(blobs.get(0), List.of(blobs.get(1)), null, null);
        Digest other = Digest.sha256(randomBytes(4));
        assertError(put(other.toString(), OCI_MANIFEST, manifest), 400, "DIGEST_INVALID");
        assertError(client.get(manifestPath(Digest.sha256(manifest).toString())), 404, "MANIFEST_UNKNOWN");
        assertError(put("sha256:short", OCI_MANIFEST, manifest), 400, "DIGEST_INVALID");
    }

    @Test
    void manifestReferencingAbsentBlobsIsRefused() {
        List<String> blobs = blobsInRepo();
        Digest absent = Digest.sha256(randomBytes(16));
        byte[] manifest =
                imageManifest(blobs.get(0), List.of(blobs.get(1), descriptor(OCI_LAYER, absent, 16)), null, null);
        Response r = put("v1", OCI_MANIFEST, manifest);
        assertError(r, 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(r.text()).contains(absent.toString());
        assertThat(tags()).isEmpty();
        assertError(client.get(manifestPath("v1")), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void blobsOfAnotherRepositoryDoNotCount() {
        byte[] layer = randomBytes(40);
        Digest elsewhere = client.pushBlob(uniqueRepo(), layer);
        List<String> blobs = blobsInRepo();
        byte[] manifest = imageManifest(blobs.get(0), List.of(descriptor(OCI_LAYER, elsewhere, 40)), null, null);
        assertError(put("v1", OCI_MANIFEST, manifest), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void descriptorSizeMustMatchTheBlob() {
        byte[] layer = randomBytes(40);
        Digest digest = client.pushBlob(repo, layer);
        List<String> blobs = blobsInRepo();
        byte[] manifest = imageManifest(blobs.get(0), List.of(descriptor(OCI_LAYER, digest, 41)), null, null);
        assertError(put("v1", OCI_MANIFEST, manifest), 400, "MANIFEST_INVALID");
        assertThat(tags()).isEmpty();
    }

    @Test
    void malformedManifestsAreRefusedAndChangeNothing() {
        List<String> blobs = blobsInRepo();
        byte[] good = imageManifest(blobs.get(0), List.of(blobs.get(1)), null, null);
        assertThat(put("keep", OCI_MANIFEST, good).status()).isEqualTo(201);
        List<byte[]> bad = List.of(
                utf8("{not json"),
                utf8("[]"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"}"),
                utf8("{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"y\",\"fsLayers\":[]}"),
                utf8("{\"schemaVersion\":2,\"config\":" + blobs.get(0)
                        + ",\"layers\":[{\"mediaType\":\"x\",\"digest\":\"sha256:zz\",\"size\":1}]}"),
                utf8(new String(good, java.nio.charset.StandardCharsets.UTF_8) + "garbage"),
                utf8("{\"schemaVersion\":2,\"schemaVersion\":2,\"config\":" + blobs.get(0) + ",\"layers\":[]}"));
        for (byte[] body : bad) {
            assertError(put("keep", OCI_MANIFEST, body), 400, "MANIFEST_INVALID");
        }
        assertThat(tags()).containsExactly("keep");
        assertThat(client.get(manifestPath("keep")).body()).isEqualTo(good);
    }

    @Test
    void mediaTypeMustAgreeWithContentType() {
        List<String> blobs = blobsInRepo();
        byte[] manifest = imageManifest(blobs.get(0), List.of(blobs.get(1)), null, null);
        assertError(put("v1", DOCKER_MANIFEST, manifest), 400, "MANIFEST_INVALID");
        // Parameters on Content-Type are ignored.
        assertThat(put("v1", OCI_MANIFEST + "; charset=utf-8", manifest).status())
                .isEqualTo(201);
    }

    @Test
    void oversizedManifestIsRefusedWith413() {
        byte[] huge = new byte[4 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        huge[huge.length - 1] = '}';
        assertError(put("big", OCI_MANIFEST, huge), 413, "SIZE_INVALID");
        assertThat(tags()).isEmpty();
    }

    @Test
    void invalidTagsAndNames() {
        List<String> blobs = blobsInRepo();
        byte[] manifest = imageManifest(blobs.get(0), List.of(blobs.get(1)), null, null);
        assertError(put(".hidden", OCI_MANIFEST, manifest), 400, "TAG_INVALID");
        assertError(put("x".repeat(129), OCI_MANIFEST, manifest), 400, "TAG_INVALID");
        assertThat(put("x".repeat(128), OCI_MANIFEST, manifest).status()).isEqualTo(201);
        for (String name : List.of("Upper/case", "a..b", "a//b", "-lead", "trail-", "a/" + "b".repeat(260))) {
            Response r = client.send("PUT", "/v2/" + name + "/manifests/v1", manifest, "Content-Type", OCI_MANIFEST);
            assertError(r, 400, "NAME_INVALID");
            assertError(client.get("/v2/" + name + "/tags/list"), 400, "NAME_INVALID");
            assertError(client.send("POST", "/v2/" + name + "/blobs/uploads/", null), 400, "NAME_INVALID");
        }
    }

    @Test
    void dotDotPathsReachNothing() throws Exception {
        String catalogBefore = client.get("/v2/_catalog?n=1000").text();
        for (String path : List.of(
                "/v2/" + repo + "/../evil/blobs/uploads/",
                "/v2/../../etc/blobs/uploads/",
                "/v2/a/%2e%2e/b/blobs/uploads/")) {
            int status = RawHttp.send(
                    server().port(),
                    "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    null,
                    false);
            assertThat(status).as(path).isBetween(400, 404);
        }
        assertThat(client.get("/v2/_catalog?n=1000").text()).isEqualTo(catalogBefore);
    }

    @Test
    void dockerSchema2ManifestAndList() {
        byte[] config = utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        byte[] layer = randomBytes(100);
        String configDescriptor = descriptor(
                "application/vnd.docker.container.image.v1+json", client.pushBlob(repo, config), config.length);
        String layerDescriptor = descriptor(
                "application/vnd.docker.image.rootfs.diff.tar.gzip", client.pushBlob(repo, layer), layer.length);
        byte[] manifest = utf8("{\"schemaVersion\":2,\"mediaType\":\"" + DOCKER_MANIFEST + "\",\"config\":"
                + configDescriptor + ",\"layers\":[" + layerDescriptor + "]}");
        Digest image = client.pushManifest(repo, "img", DOCKER_MANIFEST, manifest);
        String entry = "{\"mediaType\":\"" + DOCKER_MANIFEST + "\",\"digest\":\"" + image + "\",\"size\":"
                + manifest.length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}";
        byte[] list = index(DOCKER_LIST, List.of(entry));
        client.pushManifest(repo, "list", DOCKER_LIST, list);
        Response get = client.get(manifestPath("list"), "Accept", DOCKER_LIST, "Accept", DOCKER_MANIFEST);
        assertThat(get.header("Content-Type")).hasValue(DOCKER_LIST);
        assertThat(get.body()).isEqualTo(list);
        // A client that cannot read lists gets the linux/amd64 image.
        Response old = client.get(manifestPath("list"), "Accept", DOCKER_MANIFEST);
        assertThat(old.status()).isEqualTo(200);
        assertThat(old.header("Docker-Content-Digest")).hasValue(image.toString());
        assertThat(old.body()).isEqualTo(manifest);
        // A Docker manifest without layers is invalid.
        byte[] noLayers = utf8(
                "{\"schemaVersion\":2,\"mediaType\":\"" + DOCKER_MANIFEST + "\",\"config\":" + configDescriptor + "}");
        assertError(put("bad", DOCKER_MANIFEST, noLayers), 400, "MANIFEST_INVALID");
    }

    @Test
    void ociIndexNeedsItsChildren() {
        Image amd = client.pushImage(repo, null, randomBytes(20));
        Image arm = client.pushImage(repo, null, randomBytes(20));
        String amdEntry = "{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + amd.manifest() + "\",\"size\":"
                + amd.manifestBytes().length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}";
        String armEntry = "{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + arm.manifest() + "\",\"size\":"
                + arm.manifestBytes().length + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}";
        Digest missing = Digest.sha256(randomBytes(9));
        byte[] broken = index(OCI_INDEX, List.of(amdEntry, descriptor(OCI_MANIFEST, missing, 9)));
        Response r = put("multi", OCI_INDEX, broken);
        assertError(r, 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(r.text()).contains(missing.toString());
        byte[] good = index(OCI_INDEX, List.of(amdEntry, armEntry));
        assertThat(put("multi", OCI_INDEX, good).status()).isEqualTo(201);
        assertThat(client.get(manifestPath("multi"), "Accept", OCI_INDEX).body())
                .isEqualTo(good);
        // An index with only an OCI manifest accepted: the amd64 child is served.
        Response narrowed = client.get(manifestPath("multi"), "Accept", OCI_MANIFEST);
        assertThat(narrowed.header("Docker-Content-Digest"))
                .hasValue(amd.manifest().toString());
        // A child cannot go while the index lists it; after the index it can.
        assertError(client.delete(manifestPath(arm.manifest().toString())), 409, "DENIED");
        Digest indexDigest = Digest.sha256(good);
        assertThat(client.delete(manifestPath(indexDigest.toString())).status()).isEqualTo(202);
        assertThat(client.delete(manifestPath(arm.manifest().toString())).status())
                .isEqualTo(202);
    }

    @Test
    void acceptHeaderThatExcludesTheManifestType() {
        Image image = client.pushImage(repo, "v1", randomBytes(10));
        assertError(client.get(manifestPath("v1"), "Accept", DOCKER_MANIFEST), 404, "MANIFEST_UNKNOWN");
        assertThat(client.get(manifestPath("v1"), "Accept", "*/*").status()).isEqualTo(200);
        assertThat(client.get(manifestPath("v1"), "Accept", DOCKER_MANIFEST + ", " + OCI_MANIFEST)
                        .body())
                .isEqualTo(image.manifestBytes());
        assertThat(client.get(manifestPath("v1")).status()).isEqualTo(200);
    }

    @Test
    void artifactWithEmptyConfigAndSubject() {
        Image subject = client.pushImage(repo, "app", randomBytes(10));
        client.pushBlob(repo, utf8("{}"));
        byte[] sbom = utf8("{\"spdxVersion\":\"SPDX-2.3\"}");
        String sbomLayer = descriptor("application/spdx+json", client.pushBlob(repo, sbom), sbom.length);
        String subjectDescriptor = descriptor(OCI_MANIFEST, subject.manifest(), subject.manifestBytes().length);
        byte[] artifact = imageManifest(EMPTY_CONFIG, List.of(sbomLayer), subjectDescriptor, "application/spdx+json");
        Response r = put(Digest.sha256(artifact).toString(), OCI_MANIFEST, artifact);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("OCI-Subject")).hasValue(subject.manifest().toString());
    }

    @Test
    void subjectMayBePushedBeforeItsTarget() {
        client.pushBlob(repo, utf8("{}"));
        Digest future = Digest.sha256(randomBytes(12));
        byte[] signature = imageManifest(
                EMPTY_CONFIG, List.of(), descriptor(OCI_MANIFEST, future, 12), "application/vnd.example.sig");
        Response r = put(Digest.sha256(signature).toString(), OCI_MANIFEST, signature);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("OCI-Subject")).hasValue(future.toString());
        Response referrers = client.get("/v2/" + repo + "/referrers/" + future);
        assertThat(referrers.json().path("manifests").size()).isEqualTo(1);
    }

    @Test
    void retagMovesTheTag() {
        Image one = client.pushImage(repo, "latest", randomBytes(10));
        Image two = client.pushImage(repo, "latest", randomBytes(10));
        assertThat(client.get(manifestPath("latest")).header("Docker-Content-Digest"))
                .hasValue(two.manifest().toString());
        assertThat(client.get(manifestPath(one.manifest().toString())).status()).isEqualTo(200);
    }

    @Test
    void deleteTagKeepsTheManifest() {
        Image image = client.pushImage(repo, "v1", randomBytes(10));
        client.pushManifest(repo, "v2", OCI_MANIFEST, image.manifestBytes());
        assertThat(client.delete(manifestPath("v1")).status()).isEqualTo(202);
        assertError(client.get(manifestPath("v1")), 404, "MANIFEST_UNKNOWN");
        assertThat(client.get(manifestPath(image.manifest().toString())).status())
                .isEqualTo(200);
        assertThat(tags()).containsExactly("v2");
        assertError(client.delete(manifestPath("v1")), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void deleteManifestRemovesItsTags() {
        Image image = client.pushImage(repo, "v1", randomBytes(10));
        client.pushManifest(repo, "v2", OCI_MANIFEST, image.manifestBytes());
        assertThat(client.delete(manifestPath(image.manifest().toString())).status())
                .isEqualTo(202);
        assertError(client.get(manifestPath(image.manifest().toString())), 404, "MANIFEST_UNKNOWN");
        assertError(client.get(manifestPath("v1")), 404, "MANIFEST_UNKNOWN");
        assertThat(tags()).isEmpty();
        assertError(client.delete(manifestPath(image.manifest().toString())), 404, "MANIFEST_UNKNOWN");
        // Its blobs are no longer held by a manifest and may be deleted now.
        assertThat(client.delete("/v2/" + repo + "/blobs/" + image.layers().getFirst())
                        .status())
                .isEqualTo(202);
    }

    @Test
    void unknownRepositoryAndUnknownManifest() {
        assertError(client.get("/v2/" + uniqueRepo() + "/manifests/latest"), 404, "NAME_UNKNOWN");
        assertError(client.delete("/v2/" + uniqueRepo() + "/manifests/latest"), 404, "NAME_UNKNOWN");
        client.pushImage(repo, "v1", randomBytes(10));
        assertError(client.get(manifestPath("nope")), 404, "MANIFEST_UNKNOWN");
        assertError(client.get(manifestPath(Digest.sha256(randomBytes(3)).toString())), 404, "MANIFEST_UNKNOWN");
        assertThat(client.head(manifestPath("nope")).status()).isEqualTo(404);
    }

    /**
     * GET and HEAD by a reference that is neither a tag nor a digest answer 404 MANIFEST_UNKNOWN, as
     * distribution does and the OCI conformance suite expects (it pulls {@code .INVALID_MANIFEST_NAME});
     * a PUT to such a reference stays a 400.
     */
    @Test
    void readsByAnInvalidReferenceFindNothing() {
        List<String> blobs = blobsInRepo();
        byte[] manifest = imageManifest(blobs.get(0), List.of(blobs.get(1)), null, null);
        assertThat(put("v1", OCI_MANIFEST, manifest).status()).isEqualTo(201);
        for (String reference : List.of(
                ".INVALID_MANIFEST_NAME", "-lead", "x".repeat(129), "sha256:short", "sha999:" + "a".repeat(64))) {
            assertError(client.get(manifestPath(reference)), 404, "MANIFEST_UNKNOWN");
            Response head = client.head(manifestPath(reference));
            assertThat(head.status()).as("HEAD %s", reference).isEqualTo(404);
            assertThat(head.body()).isEmpty();
        }
        assertError(put(".INVALID_MANIFEST_NAME", OCI_MANIFEST, manifest), 400, "TAG_INVALID");
        assertError(put("sha999:" + "a".repeat(64), OCI_MANIFEST, manifest), 400, "DIGEST_INVALID");
        assertThat(tags()).containsExactly("v1");
    }

    @Test
    void unsupportedMethodsAndEndpoints() {
        Response r = client.send("POST", manifestPath("v1"), null);
        assertError(r, 405, "UNSUPPORTED");
        assertThat(r.header("Allow")).isPresent();
        assertThat(client.get("/v2/" + repo + "/nothing/here").status()).isEqualTo(404);
    }
}
