package dev.berth.signature;

import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bounded reads of signature content from this registry, shared by the verifiers: a blob is read
 * only when both its declared and its stored size are small, and the read itself is capped, so a
 * huge or lying signature costs no more than the cap.
 */
final class SignatureContent {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SignatureContent() {}

    /** A layer's bytes, when the descriptor's size and the stored size are at most {@code max}. */
    static Optional<byte[]> blob(RegistryContent content, String repository, JsonNode layer, int max) {
        Optional<Digest> digest = Digest.parse(layer.path("digest").asString(""));
        long declared = layer.path("size").asLong(-1);
        if (digest.isEmpty() || declared < 0 || declared > max) {
            return Optional.empty();
        }
        Optional<Long> size = content.blobSize(repository, digest.get());
        if (size.isEmpty() || size.get() > max) {
            return Optional.empty();
        }
        try (InputStream in = content.openBlob(repository, digest.get())) {
            byte[] bytes = in.readNBytes(max + 1);
            return bytes.length > max ? Optional.empty() : Optional.of(bytes);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A JSON object of at most {@code max} bytes. */
    static Optional<JsonNode> object(byte[] bytes, int max) {
        if (bytes.length > max) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }
}
