package dev.berth.preheat;

import dev.berth.job.ScheduleSpec;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A policy's {@code trigger}, Harbor's JSON string {@code {"type":"manual|scheduled|event_based",
 * "trigger_setting":{"cron":"…"}}}. A scheduled trigger with a cron (six fields, seconds first, as
 * Harbor's) runs the policy on that schedule; without a cron it runs only by hand, as in Harbor.
 */
record PolicyTrigger(String type, Optional<String> cron) {
    static final String MANUAL = "manual";
    static final String SCHEDULED = "scheduled";
    static final String EVENT_BASED = "event_based";
    private static final Set<String> TYPES = Set.of(MANUAL, SCHEDULED, EVENT_BASED);

    /** Parses Harbor's trigger string; {@link IllegalArgumentException} says what is wrong. */
    static PolicyTrigger parse(String text, JsonMapper json) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing trigger settings in preheat policy");
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("trigger is not JSON");
        }
        String type = node.path("type").asString("");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown trigger type: " + type);
        }
        String cron = node.path("trigger_setting").path("cron").asString("").trim();
        if (type.equals(SCHEDULED) && !cron.isEmpty()) {
            try {
                new ScheduleSpec("Custom", cron);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "invalid cron string for scheduled preheat: " + cron + ", error: " + e.getMessage());
            }
        }
        return new PolicyTrigger(type, cron.isEmpty() ? Optional.empty() : Optional.of(cron));
    }

    /** The schedule it sets: a scheduled trigger with a cron; none otherwise. */
    Optional<ScheduleSpec> schedule() {
        return type.equals(SCHEDULED) ? cron.map(c -> new ScheduleSpec("Custom", c)) : Optional.empty();
    }

    /** Harbor's {@code triggerSetting} execution attribute: the cron of a scheduled trigger, else "-". */
    String setting() {
        return type.equals(SCHEDULED) ? cron.orElse("") : "-";
    }
}
