package dev.berth.registry;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Housekeeping of upload sessions ({@code berth.uploads.*}).
 *
 * @param purgeAfter sessions idle (no chunk written) for longer are purged with their bytes
 * @param purgeSchedule Harbor-style 6-field cron of the purge job; empty for no schedule
 */
@ConfigurationProperties("berth.uploads")
public record UploadSettings(
        @DefaultValue("7d") Duration purgeAfter,
        @DefaultValue("0 0 0 * * *") String purgeSchedule) {}
