package dev.berth.job;

import java.time.Duration;
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
 */
@ConfigurationProperties("berth.jobs")
public record JobSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("4") int workers,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("60s") Duration lease) {
    public JobSettings {
        if (workers < 1) {
            throw new IllegalArgumentException("berth.jobs.workers must be at least 1");
        }
        if (lease.compareTo(pollInterval.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("berth.jobs.lease must be at least three poll intervals");
        }
    }
}
