package dev.berth.job;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The job service's settings ({@code berth.jobs.*}).
 *
 * @param enabled whether this replica runs workers and fires schedules; the API works either way
 * @param workers concurrent jobs on this replica
 * @param pollInterval how often idle workers look for work, leases are renewed and schedules checked
 * @param lease how long a claimed job stays claimed without a heartbeat; after that it counts as
 *     abandoned (its worker died) and is run again
 * @param retainedExecutions per vendor type, how many finished executions of each policy the hourly
 *     {@code EXECUTION_SWEEP} keeps (Harbor's {@code WEBHOOK_EXECUTION_RETENTION_COUNT} and kin);
 *     vendor types not named are kept; WEBHOOK and SLACK keep 50 unless set
 * @param executionSweepSchedule when the sweep runs (cron, seconds first); empty to never run it
 */
@ConfigurationProperties("berth.jobs")
public record JobSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("4") int workers,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("60s") Duration lease,
        Map<String, Integer> retainedExecutions,
        @DefaultValue("0 7 * * * *") String executionSweepSchedule) {
    public JobSettings {
        Map<String, Integer> retained = new java.util.HashMap<>(Map.of("WEBHOOK", 50, "SLACK", 50));
        if (retainedExecutions != null) {
            retained.putAll(retainedExecutions);
        }
        retainedExecutions = Map.copyOf(retained);
        if (workers < 1) {
            throw new IllegalArgumentException("berth.jobs.workers must be at least 1");
        }
        if (lease.compareTo(pollInterval.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("berth.jobs.lease must be at least three poll intervals");
        }
    }
}
