package dev.berth.preheat;

import java.util.Optional;

/**
 * A provider instance as stored.
 *
 * @param sealedAuth the auth info as JSON, sealed by SecretBox for this instance; empty for NONE
 */
record ProviderInstance(
        long id,
        String name,
        String description,
        String vendor,
        String endpoint,
        String authMode,
        Optional<String> sealedAuth,
        boolean enabled,
        boolean isDefault,
        boolean insecure,
        long setupTimestamp) {
    @Override
    public String toString() {
        return vendor + " " + name + "-" + endpoint; // Harbor's way of naming an instance; no secrets
    }
}
