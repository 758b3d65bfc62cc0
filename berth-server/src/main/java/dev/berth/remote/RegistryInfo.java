package dev.berth.remote;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * Harbor's {@code RegistryInfo}: what a remote registry supports as a replication source or
 * destination. The resource types are given as the last filter ({@code resource}, a radio), as
 * Harbor's API merges them for the portal.
 *
 * @param supportedCopyByChunk present (true) only when the adapter can copy blobs in chunks
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistryInfo(
        String type,
        String description,
        List<FilterStyle> supportedResourceFilters,
        List<String> supportedTriggers,
        Boolean supportedCopyByChunk) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FilterStyle(String type, String style, List<String> values) {}

    public static final String MANUAL = "manual";
    public static final String SCHEDULED = "scheduled";
    public static final String EVENT_BASED = "event_based";

    /** Name and tag filters as text, then the resource types, Harbor's shape for the portal. */
    static RegistryInfo of(
            String type, List<String> resourceTypes, List<FilterStyle> extraFilters, boolean copyByChunk) {
        List<FilterStyle> filters = new ArrayList<>();
        filters.add(new FilterStyle("name", "input", null));
        filters.add(new FilterStyle("tag", "input", null));
        filters.addAll(extraFilters);
        filters.add(new FilterStyle("resource", "radio", List.copyOf(resourceTypes)));
        return new RegistryInfo(type, null, filters, List.of(MANUAL, SCHEDULED), copyByChunk ? Boolean.TRUE : null);
    }

    /** This info with another trigger (the local registry also replicates on events). */
    RegistryInfo withTrigger(String trigger) {
        List<String> triggers = new ArrayList<>(supportedTriggers);
        triggers.add(trigger);
        return new RegistryInfo(type, description, supportedResourceFilters, triggers, supportedCopyByChunk);
    }
}
