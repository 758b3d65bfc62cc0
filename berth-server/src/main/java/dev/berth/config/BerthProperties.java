package dev.berth.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Berth's own settings, bound from {@code berth.*} properties or {@code BERTH_*} environment variables.
 *
 * @param dataDir everything Berth keeps on disk: blobs, upload sessions, the embedded database
 * @param externalUrl the URL clients reach Berth at; empty means "derive it from the request"
 * @param registry limits of the {@code /v2/} API
 */
@ConfigurationProperties("berth")
public record BerthProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("") String externalUrl,
        @DefaultValue Registry registry) {

    /**
     * @param maxManifestSize manifests larger than this are refused with 413
     * @param maxPageSize upper bound of {@code n} for tag, catalog and referrer listings
     * @param sendfileThreshold blobs at least this large are handed to the container's sendfile
     * @param uploadHashCacheTtl how long an idle upload's running hash stays in memory
     */
    public record Registry(
            @DefaultValue("4MB") DataSize maxManifestSize,
            @DefaultValue("1000") int maxPageSize,
            @DefaultValue("48KB") DataSize sendfileThreshold,
            @DefaultValue("1h") Duration uploadHashCacheTtl) {}
}
