package dev.berth.job;

import java.util.Locale;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;

/**
 * Harbor's schedule object, {@code {"type": "Daily", "cron": "0 0 0 * * *"}}: a type among
 * Hourly, Daily, Weekly, Custom, Manual and None, and a 6-field cron (seconds first) for Custom.
 * Manual and None mean "no schedule"; a missing or null type is None, so that {@code PUT …/schedule}
 * with {@code "type": null} removes the schedule as Harbor's clients expect. Hourly, Daily and
 * Weekly take Harbor's crons when none is given.
 */
public record ScheduleSpec(String type, String cron) {
    public static final String HOURLY = "0 0 * * * *";
    public static final String DAILY = "0 0 0 * * *";
    public static final String WEEKLY = "0 0 0 * * 0";

    /** Checks the type and cron; an {@link IllegalArgumentException} that says what is wrong. */
    public ScheduleSpec {
        type = canonicalType(type);
        cron = cron == null ? "" : cron.trim();
        if (cron.isEmpty()) {
            cron = switch (type) {
                case "Hourly" -> HOURLY;
                case "Daily" -> DAILY;
                case "Weekly" -> WEEKLY;
                case "Custom" -> throw new IllegalArgumentException("a Custom schedule needs a cron");
                default -> "";
            };
        }
        if (!cron.isEmpty() && isScheduled(type)) {
            if (cron.split("\\s+").length != 6) {
                throw new IllegalArgumentException("cron must have 6 fields (seconds first): " + cron);
            }
            CronExpression.parse(cron); // throws IllegalArgumentException with the reason
        }
    }

    /** Whether the spec fires by itself (Manual and None do not). */
    public boolean scheduled() {
        return isScheduled(type);
    }

    /** The cron as Spring parses it, when scheduled. */
    public Optional<CronExpression> expression() {
        return scheduled() ? Optional.of(CronExpression.parse(cron)) : Optional.empty();
    }

    private static boolean isScheduled(String type) {
        return !type.equals("Manual") && !type.equals("None");
    }

    private static String canonicalType(String type) {
        if (type == null || type.isBlank()) {
            return "None";
        }
        String lower = type.trim().toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "hourly", "daily", "weekly", "custom", "manual", "none" ->
                Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
            default -> throw new IllegalArgumentException("unknown schedule type " + type);
        };
    }
}
