package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.storage.Digest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Feeds arbitrary bytes to {@link ManifestParser}. The parser may accept a manifest or reject it
 * with {@code MANIFEST_INVALID}; anything else it throws (a runtime exception from Jackson, a
 * {@code NumberFormatException}, a {@code StackOverflowError}) would reach the client as a 500 and
 * is a finding.
 *
 * <p>In a plain {@code mvn test} the seeds under {@code ManifestParserFuzzTestInputs/parse/} run as
 * regression tests. To fuzz: {@code JAZZER_FUZZ=1 ./mvnw test -Dtest=ManifestParserFuzzTest}; add
 * {@code -Djazzer.max_duration=10m} to fuzz longer and
 * {@code -Djazzer.instrumentation_includes='dev.berth.**:tools.jackson.**'} to let coverage of the
 * JSON parser guide the fuzzer too (slower per input, but it finds more shapes). A finding is
 * written next to the seeds as {@code crash-<sha1>}: rename it after what it shows and keep it. A seed
 * file is the manifest followed by one digit ({@code 0}-{@code 7}) that picks the Content-Type
 * from {@link #CONTENT_TYPES}: the data provider reads that choice from the end of the input.
 */
class ManifestParserFuzzTest {
    static final List<String> CONTENT_TYPES = Arrays.asList(
            null,
            MediaTypes.OCI_MANIFEST,
            MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST,
            "Application/VND.oci.image.manifest.v1+json; charset=utf-8",
            MediaTypes.DOCKER_SCHEMA1_SIGNED,
            "application/json");

    @FuzzTest(maxDuration = "2m") // -Djazzer.max_duration=10m overrides it
    @DictionaryEntries({
        "\"schemaVersion\":",
        "\"mediaType\":",
        "\"artifactType\":",
        "\"config\":",
        "\"layers\":",
        "\"manifests\":",
        "\"subject\":",
        "\"annotations\":",
        "\"digest\":",
        "\"size\":",
        "\"urls\":",
        "\"platform\":",
        "\"os\":",
        "\"architecture\":",
        "\"sha256:",
        "\"sha512:",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v1+json",
        "application/vnd.oci.empty.v1+json",
        "null",
        "true",
        "-1",
        "2.0",
        "1e2",
        "18446744073709551616",
        "{}",
        "[]"
    })
    void parse(FuzzedDataProvider data) {
        String contentType = CONTENT_TYPES.get(data.consumeInt(0, CONTENT_TYPES.size() - 1));
        byte[] bytes = data.consumeRemainingAsBytes();

        ParsedManifest manifest;
        try {
            manifest = ManifestParser.parse(contentType, bytes);
        } catch (RegistryException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        checkInvariants(contentType, manifest);
        assertThat(ManifestParser.parse(contentType, bytes))
                .as("parsing is deterministic")
                .isEqualTo(manifest);
    }

    private static void checkInvariants(String contentType, ParsedManifest manifest) {
        String header = MediaTypes.essence(contentType);
        assertThat(header).isNotIn(MediaTypes.DOCKER_SCHEMA1, MediaTypes.DOCKER_SCHEMA1_SIGNED);
        if (MediaTypes.isManifestType(header)) {
            assertThat(manifest.mediaType()).isEqualTo(header);
        }
        assertThat(manifest.annotations()).isNotNull();
        assertThat(manifest.subject()).isNotNull();
        List<Descriptor> descriptors = new ArrayList<>();
        manifest.subject().ifPresent(descriptors::add);
        switch (manifest) {
            case ParsedManifest.ImageIndex index -> {
                assertThat(MediaTypes.INDEXES).contains(index.mediaType());
                assertThat(index.artifactType()).isNotNull();
                descriptors.addAll(index.manifests());
            }
            case ParsedManifest.ImageManifest image -> {
                assertThat(MediaTypes.IMAGE_MANIFESTS).contains(image.mediaType());
                assertThat(image.artifactType()).isNotNull().isNotEqualTo(Optional.of(""));
                assertThat(image.effectiveArtifactType()).isPresent();
                descriptors.add(image.config());
                descriptors.addAll(image.layers());
            }
        }
        for (Descriptor d : descriptors) {
            assertThat(d.mediaType()).isNotEmpty();
            assertThat(d.digest()).isNotNull();
            assertThat(Digest.parse(d.digest().toString())).contains(d.digest());
            assertThat(d.size()).isNotNegative();
            assertThat(d.urls()).doesNotContainNull();
            assertThat(d.annotations()).isNotNull();
            if (d.platform() != null) {
                assertThat(d.platform().os()).isNotNull();
                assertThat(d.platform().architecture()).isNotNull();
            }
        }
    }
}
