package dev.berth.system;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.audit.AuditSettings;
import dev.berth.cache.CacheInvalidations;
import dev.berth.iam.IdentitySettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's runtime configuration items, stored in the database so every replica sees the same
 * values. Unset items have Harbor's defaults. Reads are served from a snapshot at most five seconds
 * old (they happen on every portal request and token issued); a change made through this replica
 * is visible here at once, on other replicas within those five seconds.
 */
@Service
public class SystemSettings implements IdentitySettings, AuditSettings {
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
            false,
            "notification_enable",
            true);

    private static final String SNAPSHOT = "all";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Cache<String, Map<String, JsonNode>> snapshot = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(5))
            .maximumSize(1)
            .build();

    private static final String CACHE = "settings";

    private final CacheInvalidations invalidations;

    SystemSettings(JdbcClient jdbc, JsonMapper json, CacheInvalidations invalidations) {
        this.jdbc = jdbc;
        this.json = json;
        this.invalidations = invalidations;
        invalidations.onInvalidate(CACHE, key -> snapshot.invalidateAll());
    }

    /** The stored value of an item; empty when it was never set. */
    public Optional<JsonNode> raw(String name) {
        return Optional.ofNullable(snapshot.get(SNAPSHOT, k -> load()).get(name));
    }

    /** The context {@code ldap_search_password} is sealed under ({@link dev.berth.crypto.SecretBox}). */
    public static final String LDAP_SEARCH_PASSWORD_CONTEXT = "configuration/ldap_search_password";

    /** The context {@code oidc_client_secret} is sealed under. */
    public static final String OIDC_CLIENT_SECRET_CONTEXT = "configuration/oidc_client_secret";

    /** {@code auth_mode}: {@code db_auth} (default), {@code ldap_auth} or {@code oidc_auth}. */
    public String authMode() {
        String mode = string("auth_mode");
        return mode.isEmpty() ? "db_auth" : mode;
    }

    public boolean selfRegistration() {
        return raw("self_registration").map(JsonNode::asBoolean).orElse(false);
    }

    /**
     * {@code read_only} as the database holds it now, not from the five-second snapshot: {@link
     * ReadOnlyFilter} asks it before every change, so once the switch is committed no replica
     * accepts another change.
     */
    public boolean readOnly() {
        return jdbc.sql("SELECT value::text FROM system_config WHERE name = 'read_only'")
                .query(String.class)
                .optional()
                .map("true"::equals)
                .orElse(false);
    }

    /** {@code notification_enable}: whether webhooks are sent at all (Harbor's global switch). */
    public boolean notificationEnabled() {
        return raw("notification_enable").map(JsonNode::asBoolean).orElse(true);
    }

    /** "everyone" (default) or "adminonly". */
    public String projectCreationRestriction() {
        return raw("project_creation_restriction")
                .map(n -> n.asString("everyone"))
                .orElse("everyone");
    }

    /** {@code robot_token_duration}: the default lifetime of a robot account, in days. */
    public int robotTokenDurationDays() {
        return raw("robot_token_duration").map(n -> n.asInt(30)).orElse(30);
    }

    /** {@code banner_message}: the banner the portal shows everyone; empty for none. */
    public String bannerMessage() {
        return string("banner_message");
    }

    /**
     * {@code scanner_skip_update_pulltime}: whether pulls made by a scanner leave artifacts' pull
     * times alone. Stored for when scanning arrives; no scanner pulls today.
     */
    public boolean scannerSkipUpdatePullTime() {
        return raw("scanner_skip_update_pulltime").map(JsonNode::asBoolean).orElse(false);
    }

    /** {@code storage_per_project}: the storage limit, in bytes, of a new project; -1 for none. */
    public long storagePerProject() {
        return raw("storage_per_project")
                .filter(JsonNode::isIntegralNumber)
                .map(JsonNode::asLong)
                .orElse(-1L);
    }

    @Override
    public String auditLogForwardEndpoint() {
        return string("audit_log_forward_endpoint");
    }

    @Override
    public boolean skipAuditLogDatabase() {
        return raw("skip_audit_log_database").map(JsonNode::asBoolean).orElse(false);
    }

    @Override
    public Set<String> disabledAuditLogEventTypes() {
        String value = string("disabled_audit_log_event_types");
        if (value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.split(","))
                .map(t -> t.trim().toLowerCase(Locale.ROOT))
                .filter(t -> !t.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** A string item's value; empty when unset. */
    public String string(String name) {
        return raw(name).filter(JsonNode::isString).map(JsonNode::asString).orElse("");
    }

    @Override
    public Optional<Duration> sessionTimeout() {
        return minutes("session_timeout");
    }

    @Override
    public Optional<Duration> tokenExpiration() {
        return minutes("token_expiration");
    }

    public void set(String name, Object value) {
        jdbc.sql("""
                        INSERT INTO system_config (name, value) VALUES (?, ?::jsonb)
                        ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
                        """).param(name).param(json.writeValueAsString(value)).update();
        snapshot.invalidateAll();
        // Inside a transaction this runs again after the commit, here and on the other replicas.
        invalidations.invalidate(CACHE, CacheInvalidations.ALL);
    }

    private Optional<Duration> minutes(String name) {
        return raw(name)
                .filter(JsonNode::isIntegralNumber)
                .map(n -> Duration.ofMinutes(n.asLong()))
                .filter(d -> d.isPositive());
    }

    private Map<String, JsonNode> load() {
        Map<String, JsonNode> values = new HashMap<>();
        jdbc.sql("SELECT name, value::text FROM system_config")
                .query((rs, i) -> values.put(rs.getString(1), json.readTree(rs.getString(2))))
                .list();
        return Map.copyOf(values);
    }
}
