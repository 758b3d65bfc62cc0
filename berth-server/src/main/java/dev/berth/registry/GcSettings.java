package dev.berth.registry;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Online garbage collection ({@code berth.gc.*}).
 *
 * @param reviewDelay how long a blob or manifest that lost a reference is left alone before garbage
 *     collection may take it; it protects clients that upload blobs now and reference them later
 * @param uploadGrace how long a blob freshly uploaded or mounted into a repository is kept even
 *     when the review delay is shorter: the client is about to push the manifest that uses it, and
 *     without this grace a collector running back to back could take the blob every time
 */
@ConfigurationProperties("berth.gc")
public record GcSettings(
        @DefaultValue("24h") Duration reviewDelay,
        @DefaultValue("10m") Duration uploadGrace) {
    /** How long a repository's link to a blob protects the blob when no manifest references it. */
    public Duration linkProtection() {
        return reviewDelay.compareTo(uploadGrace) >= 0 ? reviewDelay : uploadGrace;
    }
}
