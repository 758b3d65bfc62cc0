package dev.berth.job;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a policy or trigger (Harbor's execution). Its status is derived from its tasks.
 *
 * @param vendorType what ran, e.g. {@code GARBAGE_COLLECTION}
 * @param vendorId the policy it ran for, -1 for none
 * @param extraAttrs vendor data kept with the run (parameters, results); never secrets
 */
public record Execution(
        long id,
        String vendorType,
        long vendorId,
        TaskStatus status,
        String statusMessage,
        Trigger trigger,
        Map<String, Object> extraAttrs,
        Instant startTime,
        Optional<Instant> endTime,
        Instant updateTime) {}
