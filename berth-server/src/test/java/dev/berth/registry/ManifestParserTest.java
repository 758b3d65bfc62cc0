package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.berth.storage.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestParserTest {
    static final String OCI_MANIFEST = MediaTypes.OCI_MANIFEST;
    static final String OCI_INDEX = MediaTypes.OCI_INDEX;
    static final String DOCKER_MANIFEST = MediaTypes.DOCKER_MANIFEST;
    static final String DOCKER_LIST = MediaTypes.DOCKER_MANIFEST_LIST;
    static final String EMPTY_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    static final String CONFIG_DIGEST = digest("config");
    static final String LAYER_DIGEST = digest("layer");
    static final String CHILD_DIGEST = digest("child");

    static final String CONFIG = descriptor("application/vnd.oci.image.config.v1+json", CONFIG_DIGEST, "1469");
    static final String LAYER = descriptor("application/vnd.oci.image.layer.v1.tar+gzip", LAYER_DIGEST, "3370706");
    static final String DOCKER_CONFIG =
            descriptor("application/vnd.docker.container.image.v1+json", CONFIG_DIGEST, "7023");
    static final String DOCKER_LAYER =
            descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", LAYER_DIGEST, "32654");

    // ---- valid ----------------------------------------------------------------------------------

    @Test
    void parsesAnOciImageManifest() {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "config": %s, "layers": [%s],
                 "annotations": {"org.opencontainers.image.created": "2026-11-26T00:00:00Z"}}""".formatted(OCI_MANIFEST, CONFIG, LAYER);

        var manifest = (ParsedManifest.ImageManifest) parse(OCI_MANIFEST, json);

        assertThat(manifest.mediaType()).isEqualTo(OCI_MANIFEST);
        assertThat(manifest.config().digest()).hasToString(CONFIG_DIGEST);
        assertThat(manifest.config().size()).isEqualTo(1469);
        assertThat(manifest.layers()).singleElement().satisfies(layer -> {
            assertThat(layer.mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
            assertThat(layer.digest()).hasToString(LAYER_DIGEST);
            assertThat(layer.size()).isEqualTo(3370706);
            assertThat(layer.isExternal()).isFalse();
        });
        assertThat(manifest.annotations()).containsEntry("org.opencontainers.image.created", "2026-11-26T00:00:00Z");
        assertThat(manifest.subject()).isEmpty();
        assertThat(manifest.artifactType()).isEmpty();
        assertThat(manifest.effectiveArtifactType()).contains("application/vnd.oci.image.config.v1+json");
    }

    @Test
    void parsesAnOciIndex() {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "manifests": [
                  {"mediaType": "%s", "digest": "%s", "size": 528, "platform": {"architecture": "amd64", "os": "linux"}},
                  {"mediaType": "%s", "digest": "%s", "size": 529,
                   "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}}]}""".formatted(OCI_INDEX, OCI_MANIFEST, CHILD_DIGEST, OCI_MANIFEST, digest("other"));

        var index = (ParsedManifest.ImageIndex) parse(OCI_INDEX, json);

        assertThat(index.mediaType()).isEqualTo(OCI_INDEX);
        assertThat(index.manifests()).hasSize(2);
        Descriptor first = index.manifests().get(0);
        assertThat(first.digest()).hasToString(CHILD_DIGEST);
        assertThat(first.platform().isLinuxAmd64()).isTrue();
        Descriptor second = index.manifests().get(1);
        assertThat(second.platform().architecture()).isEqualTo("arm64");
        assertThat(second.platform().json()).contains("\"variant\":\"v8\"");
        assertThat(index.effectiveArtifactType()).isEmpty();
    }

    @Test
    void parsesADockerV2Manifest() {
        String foreign = """
                {"mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "digest": "%s",
                 "size": 16724, "urls": ["https://example.com/layer.tar.gz"]}""".formatted(digest("foreign"));
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "config": %s, "layers": [%s, %s]}""".formatted(DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER, foreign);

        var manifest = (ParsedManifest.ImageManifest) parse(DOCKER_MANIFEST, json);

        assertThat(manifest.mediaType()).isEqualTo(DOCKER_MANIFEST);
        assertThat(manifest.layers()).hasSize(2);
        assertThat(manifest.layers().get(1).urls()).containsExactly("https://example.com/layer.tar.gz");
        assertThat(manifest.layers().get(1).isExternal()).isTrue();
    }

    @Test
    void parsesADockerManifestList() {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "manifests": [
                  {"mediaType": "%s", "digest": "%s", "size": 7143,
                   "platform": {"architecture": "ppc64le", "os": "linux", "features": ["sse4"]}}]}""".formatted(DOCKER_LIST, DOCKER_MANIFEST, CHILD_DIGEST);

        var list = (ParsedManifest.ImageIndex) parse(DOCKER_LIST, json);

        assertThat(list.mediaType()).isEqualTo(DOCKER_LIST);
        assertThat(list.manifests()).singleElement().satisfies(child -> {
            assertThat(child.mediaType()).isEqualTo(DOCKER_MANIFEST);
            assertThat(child.platform().isLinuxAmd64()).isFalse();
        });
    }

    @Test
    void parsesAnOciArtifactWithTheEmptyConfigAndASubject() {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "artifactType": "application/vnd.example.sbom.v1",
                 "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "%s", "size": 2, "data": "e30="},
                 "layers": [{"mediaType": "application/spdx+json", "digest": "%s", "size": 1234}],
                 "subject": {"mediaType": "%s", "digest": "%s", "size": 1024}}""".formatted(OCI_MANIFEST, EMPTY_DIGEST, LAYER_DIGEST, OCI_MANIFEST, CHILD_DIGEST);

        var artifact = (ParsedManifest.ImageManifest) parse(OCI_MANIFEST, json);

        assertThat(artifact.artifactType()).contains("application/vnd.example.sbom.v1");
        assertThat(artifact.effectiveArtifactType()).contains("application/vnd.example.sbom.v1");
        assertThat(artifact.config().mediaType()).isEqualTo(MediaTypes.OCI_EMPTY);
        assertThat(artifact.config().digest()).isEqualTo(Digest.sha256("{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(artifact.config().size()).isEqualTo(2);
        assertThat(artifact.subject()).hasValueSatisfying(subject -> {
            assertThat(subject.digest()).hasToString(CHILD_DIGEST);
            assertThat(subject.mediaType()).isEqualTo(OCI_MANIFEST);
            assertThat(subject.size()).isEqualTo(1024);
        });
    }

    @Test
    void parsesAnIndexWithASubjectAndArtifactType() {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "artifactType": "application/vnd.example.bundle",
                 "manifests": [], "subject": {"mediaType": "%s", "digest": "%s", "size": 42}}""".formatted(OCI_INDEX, OCI_INDEX, CHILD_DIGEST);

        var index = (ParsedManifest.ImageIndex) parse(OCI_INDEX, json);

        assertThat(index.manifests()).isEmpty();
        assertThat(index.effectiveArtifactType()).contains("application/vnd.example.bundle");
        assertThat(index.subject())
                .map(Descriptor::digest)
                .map(Digest::toString)
                .contains(CHILD_DIGEST);
    }

    static Stream<Arguments> recognisedWithoutMediaType() {
        String manifest = """
                {"schemaVersion": 2, "config": %s, "layers": [%s]}""".formatted(CONFIG, LAYER);
        String index = """
                {"schemaVersion": 2, "manifests": [%s]}""".formatted(descriptor(OCI_MANIFEST, CHILD_DIGEST, "528"));
        return Stream.of(
                Arguments.of("manifest, no Content-Type", null, manifest, OCI_MANIFEST),
                Arguments.of("manifest, plain JSON Content-Type", "application/json", manifest, OCI_MANIFEST),
                Arguments.of("manifest, Content-Type says", OCI_MANIFEST, manifest, OCI_MANIFEST),
                Arguments.of("manifest, Docker Content-Type says", DOCKER_MANIFEST, manifest, DOCKER_MANIFEST),
                Arguments.of("index, no Content-Type", "", index, OCI_INDEX),
                Arguments.of("index, Content-Type says", DOCKER_LIST, index, DOCKER_LIST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recognisedWithoutMediaType")
    void aManifestWithoutMediaTypeIsRecognised(String label, String contentType, String json, String expected) {
        assertThat(parse(contentType, json).mediaType()).isEqualTo(expected);
    }

    static Stream<String> contentTypesWithParameters() {
        return Stream.of(
                OCI_MANIFEST + "; charset=utf-8",
                OCI_MANIFEST + ";charset=utf-8",
                "  " + OCI_MANIFEST + " ; q=0.9",
                "Application/VND.OCI.Image.Manifest.v1+JSON");
    }

    @ParameterizedTest
    @MethodSource("contentTypesWithParameters")
    void theContentTypeIsComparedWithoutParametersOrCase(String contentType) {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "config": %s, "layers": [%s]}""".formatted(OCI_MANIFEST, CONFIG, LAYER);

        assertThat(parse(contentType, json).mediaType()).isEqualTo(OCI_MANIFEST);
    }

    @Test
    void aManifestWithADeclaredMediaTypeNeedsNoContentType() {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "config": %s, "layers": []}""".formatted(DOCKER_MANIFEST, DOCKER_CONFIG);

        assertThat(parse(null, json).mediaType()).isEqualTo(DOCKER_MANIFEST);
    }

    @Test
    void nullOptionalFieldsAreAbsent() {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "artifactType": null, "annotations": null, "subject": null,
                 "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "%s", "size": 0,
                            "urls": null, "platform": null, "annotations": null}, "layers": []}""".formatted(OCI_MANIFEST, CONFIG_DIGEST);

        var manifest = (ParsedManifest.ImageManifest) parse(OCI_MANIFEST, json);

        assertThat(manifest.artifactType()).isEmpty();
        assertThat(manifest.subject()).isEmpty();
        assertThat(manifest.annotations()).isEmpty();
        assertThat(manifest.layers()).isEmpty();
        assertThat(manifest.config().size()).isZero();
        assertThat(manifest.config().platform()).isNull();
    }

    @Test
    void unknownFieldsAreIgnored() {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "config": %s, "layers": [%s], "x-vendor": {"any": [1, 2]}}""".formatted(OCI_MANIFEST, CONFIG, LAYER);

        assertThat(parse(OCI_MANIFEST, json)).isInstanceOf(ParsedManifest.ImageManifest.class);
    }

    // ---- invalid --------------------------------------------------------------------------------

    static Stream<Arguments> invalidManifests() {
        String good = """
                {"schemaVersion": 2, "mediaType": "%s", "config": %s, "layers": [%s]}""".formatted(OCI_MANIFEST, CONFIG, LAYER);
        return Stream.of(
                Arguments.of("empty body", OCI_MANIFEST, ""),
                Arguments.of("not JSON", OCI_MANIFEST, "this is not json"),
                Arguments.of("truncated JSON", OCI_MANIFEST, good.substring(0, good.length() - 3)),
                Arguments.of("a JSON array", OCI_MANIFEST, "[" + good + "]"),
                Arguments.of("a JSON string", OCI_MANIFEST, "\"manifest\""),
                Arguments.of("JSON null", OCI_MANIFEST, "null"),
                Arguments.of("trailing garbage", OCI_MANIFEST, good + " x"),
                Arguments.of("a second document", OCI_MANIFEST, good + good),
                Arguments.of("trailing bracket", OCI_MANIFEST, good + "}"),
                Arguments.of(
                        "duplicate top-level key",
                        OCI_MANIFEST,
                        good.replace("\"schemaVersion\": 2,", "\"schemaVersion\": 2, \"schemaVersion\": 2,")),
                Arguments.of(
                        "duplicate key in a descriptor",
                        OCI_MANIFEST,
                        good.replace("\"size\": 1469", "\"size\": 1469, \"size\": 1")),
                Arguments.of("schemaVersion 1", null, good.replace("\"schemaVersion\": 2", "\"schemaVersion\": 1")),
                Arguments.of(
                        "schemaVersion 3", OCI_MANIFEST, good.replace("\"schemaVersion\": 2", "\"schemaVersion\": 3")),
                Arguments.of("schemaVersion missing", OCI_MANIFEST, good.replace("\"schemaVersion\": 2,", "")),
                Arguments.of(
                        "schemaVersion a string",
                        OCI_MANIFEST,
                        good.replace("\"schemaVersion\": 2", "\"schemaVersion\": \"2\"")),
                Arguments.of(
                        "schemaVersion 2.0",
                        OCI_MANIFEST,
                        good.replace("\"schemaVersion\": 2", "\"schemaVersion\": 2.0")),
                Arguments.of(
                        "schemaVersion null",
                        OCI_MANIFEST,
                        good.replace("\"schemaVersion\": 2", "\"schemaVersion\": null")),
                Arguments.of(
                        "schemaVersion beyond 64 bits",
                        OCI_MANIFEST,
                        good.replace("\"schemaVersion\": 2", "\"schemaVersion\": 18446744073709551618")),
                Arguments.of(
                        "schema1 media type in the body", null, good.replace(OCI_MANIFEST, MediaTypes.DOCKER_SCHEMA1)),
                Arguments.of("schema1 Content-Type", MediaTypes.DOCKER_SCHEMA1_SIGNED, good),
                Arguments.of("signed schema1 manifest", MediaTypes.DOCKER_SCHEMA1_SIGNED, """
                        {"schemaVersion": 1, "name": "app", "tag": "latest", "architecture": "amd64",
                         "fsLayers": [{"blobSum": "%s"}], "history": [], "signatures": []}""".formatted(LAYER_DIGEST)),
                Arguments.of("mediaType differs from Content-Type", OCI_INDEX, good),
                Arguments.of("mediaType differs from Docker Content-Type", DOCKER_MANIFEST, good),
                Arguments.of(
                        "unknown mediaType", OCI_MANIFEST, good.replace(OCI_MANIFEST, "application/vnd.example+json")),
                Arguments.of(
                        "unknown mediaType, no Content-Type", null, good.replace(OCI_MANIFEST, "application/json")),
                Arguments.of("mediaType not a string", OCI_MANIFEST, good.replace("\"" + OCI_MANIFEST + "\"", "42")),
                Arguments.of("no media type and no shape", null, "{\"schemaVersion\": 2}"),
                Arguments.of(
                        "image manifest without config", OCI_MANIFEST, withTopLevel(OCI_MANIFEST, "\"layers\": []")),
                Arguments.of(
                        "config null", OCI_MANIFEST, withTopLevel(OCI_MANIFEST, "\"config\": null, \"layers\": []")),
                Arguments.of(
                        "config an array", OCI_MANIFEST, withTopLevel(OCI_MANIFEST, "\"config\": [], \"layers\": []")),
                Arguments.of(
                        "layers not an array",
                        OCI_MANIFEST,
                        withTopLevel(OCI_MANIFEST, "\"config\": " + CONFIG + ", \"layers\": " + LAYER)),
                Arguments.of(
                        "layers a string",
                        OCI_MANIFEST,
                        withTopLevel(OCI_MANIFEST, "\"config\": " + CONFIG + ", \"layers\": \"x\"")),
                Arguments.of(
                        "a layer that is not an object",
                        OCI_MANIFEST,
                        withTopLevel(
                                OCI_MANIFEST, "\"config\": " + CONFIG + ", \"layers\": [\"" + LAYER_DIGEST + "\"]")),
                Arguments.of(
                        "a null layer",
                        OCI_MANIFEST,
                        withTopLevel(OCI_MANIFEST, "\"config\": " + CONFIG + ", \"layers\": [null]")),
                Arguments.of(
                        "Docker manifest without layers",
                        DOCKER_MANIFEST,
                        withTopLevel(DOCKER_MANIFEST, "\"config\": " + DOCKER_CONFIG)),
                Arguments.of("index without manifests", OCI_INDEX, withTopLevel(OCI_INDEX, "")),
                Arguments.of("index with manifests an object", OCI_INDEX, withTopLevel(OCI_INDEX, "\"manifests\": {}")),
                Arguments.of("index with manifests null", OCI_INDEX, withTopLevel(OCI_INDEX, "\"manifests\": null")),
                Arguments.of("Docker list without manifests", DOCKER_LIST, withTopLevel(DOCKER_LIST, "\"layers\": []")),
                Arguments.of(
                        "index entry with a bad digest",
                        OCI_INDEX,
                        withTopLevel(
                                OCI_INDEX, "\"manifests\": [" + descriptor(OCI_MANIFEST, "sha256:abc", "1") + "]")),
                Arguments.of(
                        "bad digest in a layer: too short",
                        OCI_MANIFEST,
                        withLayer(descriptor("a/b", "sha256:abc", "1"))),
                Arguments.of(
                        "bad digest in a layer: upper case",
                        OCI_MANIFEST,
                        withLayer(descriptor("a/b", LAYER_DIGEST.toUpperCase(), "1"))),
                Arguments.of(
                        "bad digest in a layer: unknown algorithm",
                        OCI_MANIFEST,
                        withLayer(descriptor("a/b", "md5:d41d8cd98f00b204e9800998ecf8427e", "1"))),
                Arguments.of(
                        "bad digest in a layer: no algorithm",
                        OCI_MANIFEST,
                        withLayer(descriptor("a/b", LAYER_DIGEST.substring(7), "1"))),
                Arguments.of("digest missing", OCI_MANIFEST, withLayer("{\"mediaType\": \"a/b\", \"size\": 1}")),
                Arguments.of(
                        "digest not a string",
                        OCI_MANIFEST,
                        withLayer("{\"mediaType\": \"a/b\", \"digest\": 1, \"size\": 1}")),
                Arguments.of(
                        "config with a bad digest",
                        OCI_MANIFEST,
                        withTopLevel(
                                OCI_MANIFEST, "\"config\": " + descriptor("a/b", "sha256:", "1") + ", \"layers\": []")),
                Arguments.of("negative size", OCI_MANIFEST, withLayer(descriptor("a/b", LAYER_DIGEST, "-1"))),
                Arguments.of("fractional size", OCI_MANIFEST, withLayer(descriptor("a/b", LAYER_DIGEST, "1.5"))),
                Arguments.of("size 1.0", OCI_MANIFEST, withLayer(descriptor("a/b", LAYER_DIGEST, "1.0"))),
                Arguments.of("size in exponent form", OCI_MANIFEST, withLayer(descriptor("a/b", LAYER_DIGEST, "1e3"))),
                Arguments.of("size a string", OCI_MANIFEST, withLayer(descriptor("a/b", LAYER_DIGEST, "\"1\""))),
                Arguments.of(
                        "size beyond 64 bits",
                        OCI_MANIFEST,
                        withLayer(descriptor("a/b", LAYER_DIGEST, "9223372036854775808"))),
                Arguments.of("size null", OCI_MANIFEST, withLayer(descriptor("a/b", LAYER_DIGEST, "null"))),
                Arguments.of(
                        "size missing",
                        OCI_MANIFEST,
                        withLayer("{\"mediaType\": \"a/b\", \"digest\": \"" + LAYER_DIGEST + "\"}")),
                Arguments.of(
                        "descriptor without mediaType",
                        OCI_MANIFEST,
                        withLayer("{\"digest\": \"" + LAYER_DIGEST + "\", \"size\": 1}")),
                Arguments.of(
                        "descriptor with empty mediaType", OCI_MANIFEST, withLayer(descriptor("", LAYER_DIGEST, "1"))),
                Arguments.of(
                        "urls not an array",
                        OCI_MANIFEST,
                        withLayer(descriptorWith("\"urls\": \"https://example.com\""))),
                Arguments.of("urls holding a number", OCI_MANIFEST, withLayer(descriptorWith("\"urls\": [1]"))),
                Arguments.of(
                        "platform not an object",
                        OCI_INDEX,
                        withTopLevel(
                                OCI_INDEX, "\"manifests\": [" + descriptorWith("\"platform\": \"linux/amd64\"") + "]")),
                Arguments.of(
                        "annotations with a number value",
                        OCI_MANIFEST,
                        good.replace("\"layers\"", "\"annotations\": {\"a\": 1}, \"layers\"")),
                Arguments.of(
                        "annotations with a null value",
                        OCI_MANIFEST,
                        good.replace("\"layers\"", "\"annotations\": {\"a\": null}, \"layers\"")),
                Arguments.of(
                        "annotations with an object value",
                        OCI_MANIFEST,
                        good.replace("\"layers\"", "\"annotations\": {\"a\": {}}, \"layers\"")),
                Arguments.of(
                        "annotations an array",
                        OCI_MANIFEST,
                        good.replace("\"layers\"", "\"annotations\": [\"a\"], \"layers\"")),
                Arguments.of(
                        "descriptor annotations with a boolean value",
                        OCI_MANIFEST,
                        withLayer(descriptorWith("\"annotations\": {\"a\": true}"))),
                Arguments.of(
                        "artifactType not a string",
                        OCI_MANIFEST,
                        good.replace("\"layers\"", "\"artifactType\": 1, \"layers\"")),
                Arguments.of(
                        "artifactType empty",
                        OCI_MANIFEST,
                        good.replace("\"layers\"", "\"artifactType\": \"\", \"layers\"")),
                Arguments.of(
                        "subject not an object",
                        OCI_MANIFEST,
                        good.replace("\"layers\"", "\"subject\": \"" + CHILD_DIGEST + "\", \"layers\"")),
                Arguments.of(
                        "subject with a bad digest",
                        OCI_MANIFEST,
                        good.replace(
                                "\"layers\"",
                                "\"subject\": " + descriptor(OCI_MANIFEST, "sha256:0", "1") + ", \"layers\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidManifests")
    void rejectsAsManifestInvalid(String label, String contentType, String json) {
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> parse(contentType, json));

        assertThat(e).as(label).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isNotBlank();
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        String json = """
                {"schemaVersion": 2, "mediaType": "%s", "config": %s, "layers": [], "annotations": {"a": "X"}}""".formatted(OCI_MANIFEST, CONFIG);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        bytes[json.lastIndexOf('X')] = (byte) 0xC3; // a lead byte followed by no continuation byte
        assertThat(ManifestParser.parse(OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8)))
                .as("the same manifest with valid UTF-8")
                .isNotNull();

        RegistryException e =
                catchThrowableOfType(RegistryException.class, () -> ManifestParser.parse(OCI_MANIFEST, bytes));

        assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
    }

    @Test
    void rejectsDeeplyNestedJsonWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        String json = withLayer(descriptorWith("\"annotations\": {\"a\": \"b\"}, \"x\": " + deep));

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> parse(OCI_MANIFEST, json));

        assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
    }

    @Test
    void theParsedResultIsImmutable() {
        var manifest = (ParsedManifest.ImageManifest) parse(OCI_MANIFEST, """
                {"schemaVersion": 2, "mediaType": "%s", "config": %s, "layers": [%s], "annotations": {"a": "b"}}""".formatted(OCI_MANIFEST, CONFIG, LAYER));

        assertThat(manifest.layers()).isUnmodifiable();
        assertThat(manifest.annotations()).isUnmodifiable();
        assertThat(manifest.annotations()).isEqualTo(Map.of("a", "b"));
        assertThat(manifest.subject()).isEqualTo(Optional.empty());
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static ParsedManifest parse(String contentType, String json) {
        return ManifestParser.parse(contentType, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String digest(String seed) {
        return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String descriptor(String mediaType, String digest, String size) {
        return """
                {"mediaType": "%s", "digest": "%s", "size": %s}""".formatted(mediaType, digest, size);
    }

    /** A valid layer descriptor with extra fields. */
    private static String descriptorWith(String extra) {
        return """
                {"mediaType": "%s", "digest": "%s", "size": 1, %s}""".formatted(OCI_MANIFEST, LAYER_DIGEST, extra);
    }

    private static String withLayer(String layer) {
        return withTopLevel(OCI_MANIFEST, "\"config\": " + CONFIG + ", \"layers\": [" + layer + "]");
    }

    private static String withTopLevel(String mediaType, String fields) {
        return "{\"schemaVersion\": 2, \"mediaType\": \"" + mediaType + "\"" + (fields.isEmpty() ? "" : ", " + fields)
                + "}";
    }
}
