package dev.berth.system;

import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's runtime configuration items, stored in the database so every replica sees the same
 * values. Unset items have Harbor's defaults.
 */
@Service
public class SystemSettings {
    /** Items and their defaults. */
    public static final Map<String, Object> DEFAULTS = Map.of(
            "auth_mode",
            "db_auth",
            "self_registration",
            false,
            "project_creation_restriction",
            "everyone",
            "robot_name_prefix",
            "robot$",
            "robot_token_duration",
            30,
            "token_expiration",
            30,
            "session_timeout",
            60,
            "read_only",
            false);

    private final JdbcClient jdbc;
    private final JsonMapper json;

    SystemSettings(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Optional<JsonNode> raw(String name) {
        return jdbc.sql("SELECT value::text FROM system_config WHERE name = ?")
                .param(name)
                .query(String.class)
                .optional()
                .map(json::readTree);
    }

    public boolean selfRegistration() {
        return raw("self_registration").map(JsonNode::asBoolean).orElse(false);
    }

    /** "everyone" (default) or "adminonly". */
    public String projectCreationRestriction() {
        return raw("project_creation_restriction")
                .map(n -> n.asString("everyone"))
                .orElse("everyone");
    }

    public void set(String name, Object value) {
        jdbc.sql("""
                        INSERT INTO system_config (name, value) VALUES (?, ?::jsonb)
                        ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
                        """).param(name).param(json.writeValueAsString(value)).update();
    }
}
