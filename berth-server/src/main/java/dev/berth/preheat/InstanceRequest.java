package dev.berth.preheat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The body of an instance create, update or ping: Harbor's {@code Instance}. {@code auth_info} is
 * write-only (never returned); {@code id}, {@code status} and {@code setup_timestamp} are accepted
 * and ignored except that a ping may name a stored instance by {@code id}.
 */
record InstanceRequest(
        Long id,
        String name,
        String description,
        String vendor,
        String endpoint,
        String authMode,
        Map<String, String> authInfo,
        Boolean enabled,
        @JsonProperty("default") Boolean isDefault,
        Boolean insecure) {
    static final String NONE = "NONE";
    static final String BASIC = "BASIC";
    static final String OAUTH = "OAUTH";
    static final String CUSTOM = "CUSTOM";
}
