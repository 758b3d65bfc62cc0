package dev.berth.artifact;

import java.nio.charset.StandardCharsets;
import tools.jackson.databind.util.RawValue;

/**
 * What an artifact carries of its free-form metadata in a list. A manifest's {@code annotations}
 * (up to the 4 MB a manifest may be) and its {@code extra_attrs} (derived from a config of up to 4
 * MB) would let one list of a public repository answer hundreds of megabytes per request. In a list,
 * each is carried only up to {@value #MAX_BYTES} bytes of JSON; a larger one is left out of that
 * artifact's entry (the field is absent). A page of 100 artifacts thus holds at most 3.2 MB of them.
 * The artifact's own endpoint ({@code GET .../artifacts/{reference}}) always has everything. The
 * bound is applied in the list's query from sizes PostgreSQL knows without reading the values
 * ({@code manifest.annotations_size}, V32; a text's length), so large values never reach memory
 * nor are turned into text, and to {@code extra_attrs} derived on the fly by the same rule ({@link
 * #bounded}).
 */
final class ListedMetadata {
    static final int MAX_BYTES = 16 * 1024;

    /** Stands for a value left out of a list entry: the field is not written. */
    static final String OMITTED = "";

    /** The list's {@code annotations} column: the JSON text, {@link #OMITTED} when larger, or null. */
    static final String ANNOTATIONS = "CASE WHEN m.annotations_size <= " + MAX_BYTES
            + " THEN m.annotations::text WHEN m.annotations IS NOT NULL THEN '' END";

    /**
     * The list's {@code extra_attrs} column: the stored text, {@link #OMITTED} when larger, or null
     * when none is stored, as in {@link ArtifactQueries.Row#storedExtraAttrs()}.
     */
    static final String EXTRA_ATTRS =
            "CASE WHEN octet_length(ca.attrs) <= " + MAX_BYTES + " THEN ca.attrs WHEN ca.attrs IS NOT NULL THEN '' END";

    private ListedMetadata() {}

    /** {@code extra_attrs} as a list may carry them, by the same rule as {@link #EXTRA_ATTRS}. */
    static RawValue bounded(RawValue attrs) {
        return attrs.rawValue() instanceof String text && !fits(text) ? new RawValue(OMITTED) : attrs;
    }

    static boolean omitted(String value) {
        return value != null && value.isEmpty();
    }

    private static boolean fits(String text) {
        return text.length() <= MAX_BYTES / 3 || text.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }
}
