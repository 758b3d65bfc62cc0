package dev.berth.job;

import java.time.Instant;
import java.util.Map;

/** A stored schedule: {@code vendorType}'s job fires at each {@code spec.cron()} time. */
public record Schedule(
        long id,
        String vendorType,
        long vendorId,
        ScheduleSpec spec,
        Map<String, Object> parameters,
        Instant nextFire,
        Instant creationTime,
        Instant updateTime) {}
