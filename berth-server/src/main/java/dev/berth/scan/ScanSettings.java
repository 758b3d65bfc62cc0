package dev.berth.scan;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scanning ({@code berth.scan.*}).
 *
 * @param connectTimeout how long to wait for an adapter's connection
 * @param timeout how long to wait for an adapter's answer to one request
 * @param reportTimeout how long a scan may wait for its report before it fails (Harbor: 1 h by default)
 * @param defaultRefreshAfter the wait between report polls when an adapter's 302 has no usable
 *     {@code Refresh-After} (Harbor: 5 s)
 * @param maxReportBytes the largest report accepted from an adapter
 * @param scanAllWindow how many scans a scan all keeps queued or running at once at most (it queues
 *     more as they finish, reading only as many artifacts as it has room for)
 * @param builtinDefault whether the built-in scanner is every project's scanner while no adapter
 *     is registered as default (off: Harbor's behaviour with no scanner installed)
 */
@ConfigurationProperties("berth.scan")
public record ScanSettings(
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("30s") Duration timeout,
        @DefaultValue("1h") Duration reportTimeout,
        @DefaultValue("5s") Duration defaultRefreshAfter,
        @DefaultValue("67108864") long maxReportBytes,
        @DefaultValue("200") int scanAllWindow,
        @DefaultValue("true") boolean builtinDefault) {}
