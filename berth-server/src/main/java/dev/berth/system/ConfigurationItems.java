package dev.berth.system;

import dev.berth.api.ApiException;
import dev.berth.iam.Sessions;
import dev.berth.iam.TokenIssuer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The items of {@code /api/v2.0/configurations}: their effective values, whether they may be
 * changed, and what a change may be. An item that cannot be changed (because Berth supports only
 * one value so far) still accepts its current value, so a client writing back what it read works.
 */
@Component
class ConfigurationItems {
    private static final int MINUTES_PER_YEAR = 525_600;
    private static final int DAYS_PER_CENTURY = 36_500;

    /** Items that show their value but keep it: Berth implements only this value for now. */
    private static final Map<String, String> FIXED = Map.of(
            "auth_mode", "only database authentication (db_auth) is supported",
            "primary_auth_mode", "there is no external identity provider",
            "robot_name_prefix", "robot account names always start with robot$");

    private static final Set<String> RESTRICTIONS = Set.of("everyone", "adminonly");

    private final SystemSettings settings;
    private final Sessions sessions;
    private final TokenIssuer tokens;

    ConfigurationItems(SystemSettings settings, Sessions sessions, TokenIssuer tokens) {
        this.settings = settings;
        this.sessions = sessions;
        this.tokens = tokens;
    }

    /** Every item with the value in force, by name. */
    Map<String, Object> current() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("auth_mode", "db_auth");
        values.put("primary_auth_mode", false);
        values.put("notification_enable", settings.notificationEnabled());
        values.put("project_creation_restriction", settings.projectCreationRestriction());
        values.put("read_only", settings.readOnly());
        values.put("robot_name_prefix", "robot$");
        values.put("robot_token_duration", settings.robotTokenDurationDays());
        values.put("self_registration", settings.selfRegistration());
        values.put("session_timeout", sessions.timeout().toMinutes());
        values.put("token_expiration", tokens.lifetime().toMinutes());
        return values;
    }

    boolean editable(String name) {
        return !FIXED.containsKey(name);
    }

    /**
     * The value to store for {@code name}, or null when nothing is to be stored (a fixed item given
     * its current value); a 400 for an unknown item or a value it cannot take.
     */
    Object validate(String name, JsonNode value, Object currentValue) {
        if (FIXED.containsKey(name)) {
            if (!matches(value, currentValue)) {
                throw ApiException.badRequest(name + " cannot be changed: " + FIXED.get(name));
            }
            return null;
        }
        return switch (name) {
            case "self_registration", "read_only", "notification_enable" -> bool(name, value);
            case "project_creation_restriction" -> {
                if (!value.isString() || !RESTRICTIONS.contains(value.asString())) {
                    throw ApiException.badRequest("project_creation_restriction must be \"everyone\" or \"adminonly\"");
                }
                yield value.asString();
            }
            case "token_expiration" -> integer(name, value, MINUTES_PER_YEAR, "minutes");
            case "session_timeout" -> integer(name, value, MINUTES_PER_YEAR, "minutes");
            case "robot_token_duration" -> integer(name, value, DAYS_PER_CENTURY, "days");
            default -> throw ApiException.badRequest("unknown configuration item " + name);
        };
    }

    private static boolean matches(JsonNode value, Object current) {
        return switch (current) {
            case Boolean b -> value.isBoolean() && value.asBoolean() == b;
            case String s -> value.isString() && value.asString().equals(s);
            default -> false;
        };
    }

    private static boolean bool(String name, JsonNode value) {
        if (!value.isBoolean()) {
            throw ApiException.badRequest(name + " must be true or false");
        }
        return value.asBoolean();
    }

    private static int integer(String name, JsonNode value, int max, String unit) {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1 || value.asInt() > max) {
            throw ApiException.badRequest(name + " must be a whole number of " + unit + " from 1 to " + max);
        }
        return value.asInt();
    }
}
