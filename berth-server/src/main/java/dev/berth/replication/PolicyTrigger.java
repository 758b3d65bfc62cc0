package dev.berth.replication;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Harbor's {@code ReplicationTrigger}: {@code manual}, {@code scheduled} (with a 6-field cron whose
 * seconds field is 0) or {@code event_based}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PolicyTrigger(String type, Settings triggerSettings) {
    static final String MANUAL = "manual";
    static final String SCHEDULED = "scheduled";
    static final String EVENT_BASED = "event_based";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Settings(String cron) {}

    static PolicyTrigger manual() {
        return new PolicyTrigger(MANUAL, null);
    }

    String cron() {
        return triggerSettings == null || triggerSettings.cron() == null ? "" : triggerSettings.cron();
    }
}
