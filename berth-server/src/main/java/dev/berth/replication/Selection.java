package dev.berth.replication;

import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a policy's filters select, as Harbor's filters do: {@code name} (doublestar over the
 * repository), {@code tag} (doublestar over each tag; {@code excludes} inverts), {@code label} (the
 * artifact has every label listed; {@code excludes} inverts) and {@code resource} ({@code image}:
 * container images and indexes only; {@code artifact}: every kind). Every filter must hold.
 */
final class Selection {
    private static final Set<String> IMAGE_CONFIGS =
            Set.of("application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json");
    private static final Set<String> INDEXES = Set.of(
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");

    private Selection() {}

    /** The patterns of the policy's {@code name} filters. */
    static List<String> namePatterns(ReplicationPolicy policy) {
        return policy.filters().stream()
                .filter(f -> f.type().equals(PolicyFilter.NAME))
                .map(f -> f.value().asString())
                .toList();
    }

    static boolean name(ReplicationPolicy policy, String repository) {
        return policy.filters().stream()
                .filter(f -> f.type().equals(PolicyFilter.NAME))
                .allMatch(f -> Doublestar.matches(f.value().asString(), repository));
    }

    /** Whether the tag filters keep the tag; cosign's accessory tags go with their subject instead. */
    static boolean tag(ReplicationPolicy policy, String tag) {
        return !ArtifactCopier.isAccessoryTag(tag)
                && policy.filters().stream()
                        .filter(f -> f.type().equals(PolicyFilter.TAG))
                        .allMatch(f -> Doublestar.matches(f.value().asString(), tag) != f.excludes());
    }

    /** Whether the policy filters on what only the artifact itself tells (its labels, its kind). */
    static boolean needsArtifact(ReplicationPolicy policy) {
        return policy.filters().stream()
                .anyMatch(f -> f.type().equals(PolicyFilter.LABEL) || f.type().equals(PolicyFilter.RESOURCE));
    }

    static boolean needsLabels(ReplicationPolicy policy) {
        return policy.filters().stream().anyMatch(f -> f.type().equals(PolicyFilter.LABEL));
    }

    static boolean labels(ReplicationPolicy policy, List<String> labels) {
        return policy.filters().stream()
                .filter(f -> f.type().equals(PolicyFilter.LABEL))
                .allMatch(f -> {
                    boolean all = true;
                    for (JsonNode name : f.value().isArray() ? f.value() : List.of(f.value())) {
                        all &= labels.contains(name.asString());
                    }
                    return all != f.excludes();
                });
    }

    /** Whether the resource filters keep an artifact of this manifest. */
    static boolean resource(ReplicationPolicy policy, ContentEndpoint.Manifest manifest, JsonMapper json) {
        List<PolicyFilter> resources = policy.filters().stream()
                .filter(f -> f.type().equals(PolicyFilter.RESOURCE))
                .toList();
        if (resources.isEmpty()) {
            return true;
        }
        boolean image = isImage(manifest, json);
        return resources.stream().allMatch(f -> !f.value().asString().equals("image") || image);
    }

    static boolean isImage(ContentEndpoint.Manifest manifest, JsonMapper json) {
        JsonNode body = json.readTree(manifest.content());
        String type = manifest.mediaType().isEmpty() ? body.path("mediaType").asString("") : manifest.mediaType();
        if (INDEXES.contains(type) || body.has("manifests")) {
            return true;
        }
        return IMAGE_CONFIGS.contains(body.path("config").path("mediaType").asString(""))
                && body.path("artifactType").asString("").isEmpty();
    }
}
