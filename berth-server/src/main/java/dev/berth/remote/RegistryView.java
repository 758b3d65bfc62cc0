package dev.berth.remote;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Harbor's {@code Registry} as the API returns it. The credential says only its type and whether a
 * key and a secret are set ({@code "*****"}); the values themselves are write-only.
 */
record RegistryView(
        long id,
        String url,
        String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) CredentialView credential,
        String type,
        boolean insecure,
        String description,
        String status,
        Instant creationTime,
        Instant updateTime) {
    static final String MASK = "*****";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CredentialView(String type, String accessKey, String accessSecret) {}

    static RegistryView of(RemoteRegistry r) {
        return new RegistryView(
                r.id(),
                r.url(),
                r.name(),
                r.credential()
                        .map(c -> new CredentialView(
                                c.type(),
                                c.accessKey().isEmpty() ? null : MASK,
                                c.accessSecret().isEmpty() ? null : MASK))
                        .orElse(null),
                r.type(),
                r.insecure(),
                r.description(),
                r.status(),
                r.creationTime(),
                r.updateTime());
    }
}
