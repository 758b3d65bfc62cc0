package dev.berth.registry;

import dev.berth.storage.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses and structurally validates manifests: JSON well-formedness (no duplicate keys, nothing
 * after the document), schema version, media type agreement with {@code Content-Type}, and the
 * shape of every descriptor. Whether the referenced content exists is checked by the caller.
 * Every failure is a {@link RegistryException} with {@code MANIFEST_INVALID}.
 */
public final class ManifestParser {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ManifestParser() {}

    /**
     * @param contentType the request's {@code Content-Type}, possibly empty
     * @param bytes the manifest exactly as pushed
     */
    public static ParsedManifest parse(String contentType, byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw invalid("manifest is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid("manifest must be a JSON object");
        }
        JsonNode schemaVersion = root.get("schemaVersion");
        String declared = optionalString(root, "mediaType").orElse("");
        String header = MediaTypes.essence(contentType);
        if (declared.equals(MediaTypes.DOCKER_SCHEMA1)
                || declared.equals(MediaTypes.DOCKER_SCHEMA1_SIGNED)
                || header.equals(MediaTypes.DOCKER_SCHEMA1)
                || header.equals(MediaTypes.DOCKER_SCHEMA1_SIGNED)
                || isSchemaVersion(schemaVersion, 1)) {
            throw invalid("Docker schema 1 manifests are deprecated and not accepted; push schema 2 or OCI");
        }
        if (!isSchemaVersion(schemaVersion, 2)) {
            throw invalid("schemaVersion must be 2");
        }
        String mediaType = resolveMediaType(declared, header, root);
        Optional<String> artifactType = optionalString(root, "artifactType");
        Optional<Descriptor> subject =
                root.hasNonNull("subject") ? Optional.of(descriptor(root.get("subject"), "subject")) : Optional.empty();
        Map<String, String> annotations = annotations(root.get("annotations"), "annotations");

        if (MediaTypes.INDEXES.contains(mediaType)) {
            JsonNode manifests = root.get("manifests");
            if (manifests == null || !manifests.isArray()) {
                throw invalid("an index needs a manifests array");
            }
            List<Descriptor> children = new ArrayList<>();
            for (int i = 0; i < manifests.size(); i++) {
                children.add(descriptor(manifests.get(i), "manifests[" + i + "]"));
            }
            return new ParsedManifest.ImageIndex(mediaType, artifactType, children, subject, annotations);
        }
        JsonNode config = root.get("config");
        if (config == null) {
            throw invalid("an image manifest needs a config descriptor");
        }
        Descriptor configDescriptor = descriptor(config, "config");
        JsonNode layersNode = root.get("layers");
        List<Descriptor> layers = new ArrayList<>();
        if (layersNode == null || layersNode.isNull()) {
            if (mediaType.equals(MediaTypes.DOCKER_MANIFEST)) {
                throw invalid("a Docker manifest needs a layers array");
            }
        } else if (!layersNode.isArray()) {
            throw invalid("layers must be an array");
        } else {
            for (int i = 0; i < layersNode.size(); i++) {
                layers.add(descriptor(layersNode.get(i), "layers[" + i + "]"));
            }
        }
        if (artifactType.isPresent() && artifactType.get().isEmpty()) {
            throw invalid("artifactType must not be empty");
        }
        return new ParsedManifest.ImageManifest(
                mediaType, artifactType, configDescriptor, layers, subject, annotations);
    }

    private static boolean isSchemaVersion(JsonNode node, long version) {
        // asLong() throws on an integer beyond 64 bits, so ask canConvertToLong() first.
        return node != null && node.isIntegralNumber() && node.canConvertToLong() && node.asLong() == version;
    }

    private static String resolveMediaType(String declared, String header, JsonNode root) {
        if (!declared.isEmpty()) {
            if (!MediaTypes.isManifestType(declared)) {
                throw invalid("unsupported manifest media type " + declared);
            }
            if (MediaTypes.isManifestType(header) && !header.equals(declared)) {
                throw invalid("mediaType " + declared + " does not match Content-Type " + header);
            }
            return declared;
        }
        if (MediaTypes.isManifestType(header)) {
            return header;
        }
        // OCI manifests may omit mediaType; recognise them by shape.
        if (root.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (root.has("config")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw invalid("cannot tell the manifest's media type: set mediaType or Content-Type");
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = optionalString(node, "mediaType").orElse("");
        if (mediaType.isEmpty()) {
            throw invalid(where + ".mediaType is required");
        }
        Digest digest = optionalString(node, "digest")
                .flatMap(Digest::parse)
                .orElseThrow(() -> invalid(where + ".digest is missing or not a supported digest"));
        JsonNode size = node.get("size");
        if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
            throw invalid(where + ".size must be a non-negative integer");
        }
        List<String> urls = new ArrayList<>();
        JsonNode urlsNode = node.get("urls");
        if (urlsNode != null && !urlsNode.isNull()) {
            if (!urlsNode.isArray()) {
                throw invalid(where + ".urls must be an array");
            }
            for (JsonNode url : urlsNode) {
                if (!url.isString()) {
                    throw invalid(where + ".urls must hold strings");
                }
                urls.add(url.asString());
            }
        }
        JsonNode platform = node.get("platform");
        if (platform != null && !platform.isNull() && !platform.isObject()) {
            throw invalid(where + ".platform must be an object");
        }
        return new Descriptor(
                mediaType,
                digest,
                size.asLong(),
                optionalString(node, "artifactType").orElse(null),
                urls,
                annotations(node.get("annotations"), where + ".annotations"),
                platform == null || platform.isNull()
                        ? null
                        : new Descriptor.Platform(
                                platform.path("os").asString(""),
                                platform.path("architecture").asString(""),
                                platform.toString()));
    }

    private static Map<String, String> annotations(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid(where + " must be an object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isString()) {
                throw invalid(where + " values must be strings");
            }
            result.put(e.getKey(), e.getValue().asString());
        }
        return result;
    }

    private static Optional<String> optionalString(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isString()) {
            throw invalid(field + " must be a string");
        }
        return Optional.of(value.asString());
    }

    private static RegistryException invalid(String message) {
        return RegistryException.of(ErrorCode.MANIFEST_INVALID, message);
    }
}
