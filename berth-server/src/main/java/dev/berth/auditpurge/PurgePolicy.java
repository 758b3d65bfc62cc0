package dev.berth.auditpurge;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an audit-log purge removes: entries older than {@code retentionHours} whose event type is
 * one of {@code eventTypes}; a dry run only counts them. An event type is an operation
 * ({@code create}, {@code pull}, ... matching every resource type, as Harbor's older
 * {@code include_operations}) or an operation and a resource type joined by an underscore
 * ({@code create_artifact}, {@code delete_project}, as Harbor's {@code include_event_types}).
 * No event type means nothing is purged, as in Harbor.
 */
record PurgePolicy(int retentionHours, List<String> eventTypes, boolean dryRun) {
    static final String RETENTION_HOUR = "audit_retention_hour";
    static final String EVENT_TYPES = "include_event_types";
    static final String OPERATIONS = "include_operations";
    static final String DRY_RUN = "dry_run";
    static final int MAX_RETENTION_HOURS = 240_000;

    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_-]{0,99}");

    PurgePolicy {
        if (retentionHours < 1 || retentionHours > MAX_RETENTION_HOURS) {
            throw new IllegalArgumentException(
                    RETENTION_HOUR + " must be between 1 and " + MAX_RETENTION_HOURS + ", not " + retentionHours);
        }
        eventTypes = List.copyOf(eventTypes);
    }

    /**
     * Reads Harbor's schedule parameters; an {@link IllegalArgumentException} that says what is
     * wrong. {@code include_event_types} wins over {@code include_operations} when both are given.
     */
    static PurgePolicy from(Map<String, ?> parameters) {
        Map<String, ?> p = parameters == null ? Map.of() : parameters;
        return new PurgePolicy(retention(p.get(RETENTION_HOUR)), eventTypes(p), dryRun(p.get(DRY_RUN)));
    }

    /** The job's parameters and the execution's attributes: Harbor's names, nothing else. */
    Map<String, Object> toParameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(RETENTION_HOUR, retentionHours);
        m.put(EVENT_TYPES, String.join(",", eventTypes));
        m.put(DRY_RUN, dryRun);
        return m;
    }

    private static int retention(Object value) {
        if (value == null) {
            throw new IllegalArgumentException(RETENTION_HOUR + " is required");
        }
        try {
            // Harbor accepts a number or its text; fractions and overflow are refused, not rounded.
            BigDecimal hours = new BigDecimal(value.toString().trim());
            return hours.intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(RETENTION_HOUR + " must be a whole number of hours");
        }
    }

    private static List<String> eventTypes(Map<String, ?> p) {
        Object value = p.get(EVENT_TYPES) != null ? p.get(EVENT_TYPES) : p.get(OPERATIONS);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(EVENT_TYPES + " must be a comma-separated string");
        }
        List<String> types = Arrays.stream(text.split(","))
                .map(t -> t.trim().toLowerCase(Locale.ROOT))
                .filter(t -> !t.isEmpty())
                .distinct()
                .toList();
        for (String type : types) {
            if (!EVENT_TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException(
                        "event types are lower-case names such as create or create_artifact");
            }
        }
        return types;
    }

    private static boolean dryRun(Object value) {
        return switch (value) {
            case null -> false;
            case Boolean b -> b;
            default -> throw new IllegalArgumentException(DRY_RUN + " must be true or false");
        };
    }
}
