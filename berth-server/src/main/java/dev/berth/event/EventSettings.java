package dev.berth.event;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The event stream's settings ({@code berth.events.*}).
 *
 * @param enabled whether changes write events at all (off only to measure what the stream costs:
 *     webhooks and everything else built on it then see nothing)
 * @param pollInterval how often an idle consumer looks for events another replica wrote (events
 *     written on this replica wake it at once)
 * @param batchSize events handed to a consumer in one transaction, at most
 * @param retention how long events are kept after every consumer has read them
 * @param retentionSchedule when the job that removes old events runs (cron, seconds first); empty
 *     to never remove them
 * @param retryBackoff the pause after an event's first failed hand-over; it doubles for each further
 *     one, up to five minutes
 * @param maxAttempts hand-overs of one event that fail before it is skipped (by default about nine
 *     minutes of trying); failures of the database itself never count
 */
@ConfigurationProperties("berth.events")
public record EventSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("200") int batchSize,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("0 17 3 * * *") String retentionSchedule,
        @DefaultValue("1s") Duration retryBackoff,
        @DefaultValue("10") int maxAttempts) {
    public EventSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("berth.events.max-attempts must be at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("berth.events.batch-size must be at least 1");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("berth.events.poll-interval must be positive");
        }
    }
}
