package dev.berth.registry;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Online garbage collection ({@code berth.gc.*}).
 *
 * @param reviewDelay no longer delays garbage collection: a run reclaims everything that lost its
 *     last reference before it started. Still accepted so existing configurations start; it only
 *     fills the informational {@code review_after} column of the review queues
 * @param uploadGrace Harbor's time window: a blob uploaded or mounted into a repository, or a
 *     manifest pushed, within this window is kept even when nothing references it, because the
 *     client may still be pushing the manifest (or index) that will; it is reviewed again when the
 *     window has passed
 * @param fullSweepInterval how often a run lists the whole blob store for bytes without a row and
 *     checks that every row has its bytes; the runs in between visit only what the review queue
 *     names (where every such leftover is recorded). Zero lists on every run
 */
@ConfigurationProperties("berth.gc")
public record GcSettings(
        @DefaultValue("24h") Duration reviewDelay,
        @DefaultValue("2h") Duration uploadGrace,
        @DefaultValue("7d") Duration fullSweepInterval) {}
