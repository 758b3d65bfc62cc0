package dev.berth.gc;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's GC options.
 *
 * @param deleteUntagged also delete manifests nothing keeps (untagged, not in an index, no live subject)
 * @param dryRun report what would be freed and change nothing
 * @param workers parallel reviewers of the blob queue, 1 to 10
 * @param fullSweep Berth's own: list the whole blob store for bytes without a row and check every
 *     row's bytes in this run, whenever the last full sweep was (see {@code berth.gc.full-sweep-interval})
 */
record GcParameters(boolean deleteUntagged, boolean dryRun, int workers, boolean fullSweep) {
    static final int MAX_WORKERS = 10;

    GcParameters {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be between 1 and " + MAX_WORKERS);
        }
    }

    /** From a request body or a task's parameters; Harbor's defaults for what is missing. */
    static GcParameters from(JsonNode node) {
        JsonNode workers = node.path("workers");
        if (!workers.isMissingNode() && !workers.isNull() && !workers.isIntegralNumber()) {
            throw new IllegalArgumentException("workers must be an integer");
        }
        return new GcParameters(
                flag(node, "delete_untagged", true),
                flag(node, "dry_run", false),
                workers.asInt(1),
                flag(node, "full_sweep", false));
    }

    private static boolean flag(JsonNode node, String name, boolean fallback) {
        JsonNode value = node.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(name + " must be a boolean");
        }
        return value.asBoolean();
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("delete_untagged", deleteUntagged);
        map.put("dry_run", dryRun);
        map.put("workers", workers);
        if (fullSweep) {
            map.put("full_sweep", true);
        }
        return map;
    }
}
