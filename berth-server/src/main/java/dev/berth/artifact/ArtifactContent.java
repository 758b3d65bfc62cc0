package dev.berth.artifact;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.api.ApiException;
import dev.berth.registry.BlobService;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/**
 * What an artifact's blobs say about it, read through the blob store with size limits: the image
 * config ({@code extra_attrs}, {@code build_history}) and, for Helm charts, the chart's files.
 * Blobs are content-addressed, so what is derived from one never goes stale and is cached.
 */
@Service
class ArtifactContent {
    private static final Logger log = LoggerFactory.getLogger(ArtifactContent.class);
    /** Configs beyond this are not parsed; no real image config comes close. */
    static final int MAX_CONFIG = 4 * 1024 * 1024;
    /** Compressed chart tarballs beyond this are not opened. */
    static final long MAX_CHART = 16L * 1024 * 1024;

    static final String HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";

    private final BlobService blobs;
    private final JsonMapper json;
    private final ConfigAttributes stored;
    /** The JSON text of recently listed {@code extra_attrs}, written into responses as it is. */
    private final Cache<ConfigAttributes.Key, RawValue> extraAttrs =
            Caffeine.newBuilder().maximumSize(20_000).build();

    ArtifactContent(BlobService blobs, JsonMapper json, ConfigAttributes stored) {
        this.blobs = blobs;
        this.json = json;
        this.stored = stored;
    }

    /**
     * Harbor's {@code extra_attrs} of each artifact, by id: architecture, os, author, created and
     * config of an image; a chart's metadata; empty for other kinds. As read with the row from {@code
     * config_attributes}, else from memory, else from that table (one statement for all the misses),
     * else derived from the config blobs. What came from memory or was derived is stored, so the next
     * list finds it with its row.
     */
    Map<Long, RawValue> extraAttrs(List<ArtifactQueries.Row> artifacts) {
        Map<Long, RawValue> byArtifact = new HashMap<>();
        Map<ConfigAttributes.Key, List<Long>> missing = new LinkedHashMap<>();
        // Known here but not in the table: remembered (the row was removed, or not yet written) or
        // derived. Unless stored, every page showing them would be built anew on every read.
        Map<ConfigAttributes.Key, String> unstored = new HashMap<>();
        for (ArtifactQueries.Row a : artifacts) {
            Optional<ConfigAttributes.Key> key = keyOf(a);
            if (key.isEmpty()) {
                byArtifact.put(a.id(), ArtifactView.EMPTY_OBJECT);
            } else if (a.storedExtraAttrs() != null) {
                byArtifact.put(a.id(), new RawValue(a.storedExtraAttrs()));
            } else {
                RawValue cached = extraAttrs.getIfPresent(key.get());
                if (cached != null) {
                    byArtifact.put(a.id(), cached);
                    unstored.put(key.get(), cached.rawValue().toString());
                } else {
                    missing.computeIfAbsent(key.get(), k -> new ArrayList<>()).add(a.id());
                }
            }
        }
        Map<ConfigAttributes.Key, String> found = new HashMap<>(stored.find(missing.keySet()));
        for (ConfigAttributes.Key key : missing.keySet()) {
            if (!found.containsKey(key)) {
                derive(key).ifPresent(attrs -> {
                    found.put(key, attrs);
                    unstored.put(key, attrs);
                });
            }
        }
        stored.save(unstored);
        missing.forEach((key, ids) -> {
            String text = found.get(key);
            RawValue value = text == null ? ArtifactView.EMPTY_OBJECT : new RawValue(text);
            if (text != null) {
                extraAttrs.put(key, value);
            }
            ids.forEach(id -> byArtifact.put(id, value));
        });
        return byArtifact;
    }

    private static Optional<ConfigAttributes.Key> keyOf(ArtifactQueries.Row artifact) {
        return Optional.ofNullable(artifact.configKind())
                .map(kind -> new ConfigAttributes.Key(artifact.configDigest(), kind));
    }

    /**
     * Derives and stores the attributes of those configs that have no row yet, so that no list has to
     * read their blobs: the entry point of push-time derivation and of the backfill.
     *
     * @return how many were derived, and how many could not be (config unreadable or not JSON)
     */
    Derived deriveMissing(Collection<ConfigAttributes.Key> keys) {
        Set<ConfigAttributes.Key> missing = new LinkedHashSet<>(keys);
        missing.removeAll(stored.find(missing).keySet());
        Map<ConfigAttributes.Key, String> derived = new HashMap<>();
        for (ConfigAttributes.Key key : missing) {
            derive(key).ifPresent(attrs -> derived.put(key, attrs));
        }
        stored.save(derived);
        return new Derived(derived.size(), missing.size() - derived.size());
    }

    record Derived(int derived, int failed) {}

    /** The attributes as JSON text; empty when the config cannot be read or parsed (so nothing is stored). */
    private Optional<String> derive(ConfigAttributes.Key key) {
        Optional<JsonNode> config = config(key.configDigest());
        if (config.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        JsonNode c = config.get();
        if (!c.isObject()) {
            return Optional.of("{}");
        }
        if (key.kind().equals("chart")) {
            c.properties().forEach(e -> attrs.put(e.getKey(), e.getValue()));
        } else {
            for (String field : List.of("architecture", "os", "os.version", "variant", "author", "created")) {
                if (c.has(field)) {
                    attrs.put(field, c.get(field));
                }
            }
            if (c.has("config")) {
                attrs.put("config", c.get("config"));
            }
        }
        return Optional.of(json.writeValueAsString(attrs));
    }

    /** The image's build history (its config's {@code history}), as Harbor's {@code build_history} addition. */
    JsonNode buildHistory(ArtifactQueries.Row artifact) {
        if (!artifact.type().equals("IMAGE") || artifact.configDigest() == null) {
            throw ApiException.badRequest("addition build_history is not supported for " + artifact.type());
        }
        return config(artifact.configDigest())
                .map(c -> c.path("history").isArray() ? c.path("history") : json.createArrayNode())
                .orElseGet(json::createArrayNode);
    }

    /** A file of a Helm chart ({@code values.yaml}, {@code README.md}); empty when the chart has none. */
    Optional<String> chartFile(ArtifactQueries.Row artifact, byte[] manifest, String file) {
        return chartFiles(artifact, manifest, Set.of(file)).map(files -> files.get(file));
    }

    /** The chart's dependencies from {@code Chart.yaml} (Helm 3) or {@code requirements.yaml} (Helm 2). */
    List<Map<String, Object>> chartDependencies(ArtifactQueries.Row artifact, byte[] manifest) {
        Map<String, String> files = chartFiles(artifact, manifest, Set.of("Chart.yaml", "requirements.yaml"))
                .orElse(Map.of());
        for (String name : List.of("Chart.yaml", "requirements.yaml")) {
            Object deps = yaml(files.get(name)).get("dependencies");
            if (deps instanceof List<?> list && !list.isEmpty()) {
                return list.stream()
                        .filter(Map.class::isInstance)
                        .map(d -> (Map<?, ?>) d)
                        .map(d -> {
                            Map<String, Object> dep = new LinkedHashMap<>();
                            dep.put("name", String.valueOf(d.get("name")));
                            dep.put("version", String.valueOf(d.get("version")));
                            dep.put(
                                    "repository",
                                    d.get("repository") == null ? "" : String.valueOf(d.get("repository")));
                            return dep;
                        })
                        .toList();
            }
        }
        return List.of();
    }

    /** Harbor's generated SBOM accessories: an image manifest with this config media type and one layer. */
    static final String HARBOR_SBOM = "application/vnd.goharbor.harbor.sbom.v1";
    /** SBOM documents beyond this are not served through the API (the blob itself still is, by /v2/). */
    static final long MAX_SBOM = 64L * 1024 * 1024;

    /**
     * The {@code sbom} addition of an SBOM accessory: its one layer, as stored, the way Harbor's SBOM
     * processor answers it. Empty when the artifact is not such an accessory.
     */
    Optional<byte[]> sbomDocument(byte[] manifest) {
        JsonNode m = json.readTree(manifest);
        JsonNode layers = m.path("layers");
        if (!HARBOR_SBOM.equals(m.path("config").path("mediaType").asString("")) || layers.size() != 1) {
            return Optional.empty();
        }
        Optional<Digest> digest = Digest.parse(layers.get(0).path("digest").asString(""));
        if (digest.isEmpty() || layers.get(0).path("size").asLong(Long.MAX_VALUE) > MAX_SBOM) {
            return Optional.empty();
        }
        try (InputStream in = blobs.store().open(digest.get(), 0)) {
            return Optional.of(in.readNBytes((int) MAX_SBOM));
        } catch (IOException e) {
            log.warn("event=sbom_unreadable digest={} error={}", digest.get(), e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Map<String, String>> chartFiles(
            ArtifactQueries.Row artifact, byte[] manifest, Set<String> wanted) {
        if (!artifact.type().equals("CHART")) {
            throw ApiException.badRequest("addition is supported only for Helm charts, not for " + artifact.type());
        }
        JsonNode layers = json.readTree(manifest).path("layers");
        for (JsonNode layer : layers) {
            if (!HELM_CHART_LAYER.equals(layer.path("mediaType").asString(""))) {
                continue;
            }
            Optional<Digest> digest = Digest.parse(layer.path("digest").asString(""));
            if (digest.isEmpty() || layer.path("size").asLong(Long.MAX_VALUE) > MAX_CHART) {
                return Optional.empty();
            }
            try (InputStream in = blobs.store().open(digest.get(), 0)) {
                return Optional.of(ChartArchive.read(in, wanted));
            } catch (IOException e) {
                log.warn("event=chart_unreadable digest={} error={}", digest.get(), e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private Optional<JsonNode> config(String configDigest) {
        Optional<Digest> digest = Digest.parse(configDigest);
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (blobs.store().stat(digest.get()).orElse(Long.MAX_VALUE) > MAX_CONFIG) {
                return Optional.empty();
            }
            byte[] bytes;
            try (InputStream in = blobs.store().open(digest.get(), 0)) {
                bytes = in.readNBytes(MAX_CONFIG);
            }
            return Optional.of(json.readTree(bytes));
        } catch (IOException e) {
            log.warn("event=config_unreadable digest={} error={}", configDigest, e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            // Not JSON (an oras artifact's opaque config, say): no attributes rather than an error.
            log.debug("event=config_unparsed digest={} error={}", configDigest, e.getMessage());
            return Optional.empty();
        }
    }

    private static Map<?, ?> yaml(String text) {
        if (text == null) {
            return Map.of();
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setCodePointLimit(MAX_CHART_YAML);
        options.setAllowDuplicateKeys(true);
        try {
            Object parsed = new Yaml(new SafeConstructor(options)).load(text);
            return parsed instanceof Map<?, ?> m ? m : Map.of();
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static final int MAX_CHART_YAML = 1024 * 1024;
}
