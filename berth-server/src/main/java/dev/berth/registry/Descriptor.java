package dev.berth.registry;

import dev.berth.storage.Digest;
import java.util.List;
import java.util.Map;

/**
 * An OCI content descriptor as found in a manifest.
 *
 * @param platform the platform of an index entry, or null
 */
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        String artifactType,
        List<String> urls,
        Map<String, String> annotations,
        Platform platform) {

    public Descriptor {
        urls = List.copyOf(urls);
        annotations = Map.copyOf(annotations);
    }

    /** The platform an index entry is for; {@code json} keeps it exactly as pushed. */
    public record Platform(String os, String architecture, String json) {
        public boolean isLinuxAmd64() {
            return "linux".equals(os) && "amd64".equals(architecture);
        }
    }

    /** Layers that are fetched from elsewhere (foreign or non-distributable with URLs) need not be in the registry. */
    public boolean isExternal() {
        return !urls.isEmpty() && (mediaType.contains("foreign") || mediaType.contains("nondistributable"));
    }
}
