package dev.berth.preheat;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Harbor's {@code Instance} as returned: never {@code auth_info}. {@code status} is {@code Unknown}
 * as in Harbor (health is what {@code /ping} answers, not a stored field).
 */
record InstanceView(
        long id,
        String name,
        String description,
        String vendor,
        String endpoint,
        String authMode,
        String status,
        boolean enabled,
        @JsonProperty("default") boolean isDefault,
        boolean insecure,
        long setupTimestamp) {
    static InstanceView of(ProviderInstance i) {
        return new InstanceView(
                i.id(),
                i.name(),
                i.description(),
                i.vendor(),
                i.endpoint(),
                i.authMode(),
                "Unknown",
                i.enabled(),
                i.isDefault(),
                i.insecure(),
                i.setupTimestamp());
    }
}
