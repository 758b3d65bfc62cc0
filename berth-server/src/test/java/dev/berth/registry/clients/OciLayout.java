package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.RegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** An OCI image layout directory holding one image, as skopeo, buildah and podman write it. */
public record OciLayout(Path dir) {

    /** The digest of the (single) manifest that {@code index.json} points at. */
    public Digest manifestDigest() {
        JsonNode index = RegistryClient.JSON.readTree(read(dir.resolve("index.json")));
        assertThat(index.path("manifests").size()).as("manifests in %s", dir).isEqualTo(1);
        return Digest.parse(index.path("manifests").path(0).path("digest").asString())
                .orElseThrow();
    }

    byte[] manifestBytes() {
        return blob(manifestDigest());
    }

    JsonNode manifest() {
        return RegistryClient.JSON.readTree(manifestBytes());
    }

    public Digest configDigest() {
        return Digest.parse(manifest().path("config").path("digest").asString()).orElseThrow();
    }

    JsonNode config() {
        return RegistryClient.JSON.readTree(blob(configDigest()));
    }

    public List<Digest> layerDigests() {
        List<Digest> layers = new ArrayList<>();
        for (JsonNode layer : manifest().path("layers")) {
            layers.add(Digest.parse(layer.path("digest").asString()).orElseThrow());
        }
        return layers;
    }

    byte[] blob(Digest digest) {
        return read(dir.resolve("blobs").resolve(digest.algorithm().prefix()).resolve(digest.hex()));
    }

    /** The digests of every blob file, after checking that each file's content matches its name. */
    Set<Digest> verifiedBlobs() {
        Set<Digest> digests = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir.resolve("blobs/sha256"))) {
            for (Path file : files.toList()) {
                Digest named = Digest.parse("sha256:" + file.getFileName()).orElseThrow();
                assertThat(Digest.sha256(read(file))).as("content of %s", file).isEqualTo(named);
                digests.add(named);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digests;
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
