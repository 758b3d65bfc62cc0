package dev.berth.remote;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Harbor's {@code Registry} as the API returns it (also inside a replication policy). The credential says only its type and whether a
 * key and a secret are set ({@code "*****"}); the values themselves are write-only.
 */
public record RegistryView(
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
    public record CredentialView(String type, String accessKey, String accessSecret) {}

    public static RegistryView of(RemoteRegistry r) {
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

    /** This Berth as a policy's source or destination: Harbor's "Local" registry, id 0. */
    public static RegistryView local(String url, java.time.Instant since) {
        return new RegistryView(0, url, "Local", null, "harbor", false, "", RemoteRegistry.HEALTHY, since, since);
    }
}
