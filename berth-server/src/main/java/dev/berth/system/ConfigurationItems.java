package dev.berth.system;

import dev.berth.api.ApiException;
import dev.berth.audit.AuditForwarder;
import dev.berth.audit.AuditLog;
import dev.berth.crypto.SecretBox;
import dev.berth.iam.CredentialAuthenticator;
import dev.berth.iam.Sessions;
import dev.berth.iam.TokenIssuer;
import dev.berth.iam.UserRecords;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.outbound.Trust;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The items of {@code /api/v2.0/configurations}: Harbor v2.14's full list of user-scope items
 * ({@code src/lib/config/metadata/metadatalist.go}), each either implemented or held at Harbor's
 * default with the reason it cannot change yet; and the system-scope items, which Harbor takes from
 * its environment and refuses to change through the API, as Berth does (they are Berth's
 * properties). An item that cannot be changed still accepts its current value, so a client writing
 * back what it read works. The table is documented in {@code docs/configuration.md}.
 */
@Component
class ConfigurationItems {
    private static final int MINUTES_PER_YEAR = 525_600;
    private static final int DAYS_PER_CENTURY = 36_500;
    private static final int MAX_STRING = 4096;
    private static final Set<String> RESTRICTIONS = Set.of("everyone", "adminonly");

    enum Kind {
        BOOL,
        INT,
        STRING
    }

    /** An item Berth keeps at one value, and why. */
    private record Fixed(Kind kind, Object value, String reason, boolean shown) {}

    private static final String UAA = "UAA authentication is not supported";
    /** The authentication modes Berth implements. */
    private static final Set<String> AUTH_MODES = Set.of("db_auth", "ldap_auth", "oidc_auth", "http_auth");

    private static final Set<String> HARBOR_AUTH_MODES =
            Set.of("db_auth", "ldap_auth", "uaa_auth", "http_auth", "oidc_auth");

    /** The LDAP string items and their defaults (Harbor's). */
    private static final Map<String, String> LDAP_STRINGS = Map.ofEntries(
            Map.entry("ldap_url", ""),
            Map.entry("ldap_search_dn", ""),
            Map.entry("ldap_base_dn", ""),
            Map.entry("ldap_filter", ""),
            Map.entry("ldap_uid", "cn"),
            Map.entry("ldap_group_base_dn", ""),
            Map.entry("ldap_group_search_filter", ""),
            Map.entry("ldap_group_attribute_name", "cn"),
            Map.entry("ldap_group_admin_dn", ""),
            Map.entry("ldap_group_membership_attribute", "memberof"));

    /** The OIDC and HTTP auth proxy string items and their defaults (Harbor's). */
    private static final Map<String, String> EXTERNAL_STRINGS = Map.ofEntries(
            Map.entry("oidc_name", ""),
            Map.entry("oidc_endpoint", ""),
            Map.entry("oidc_client_id", ""),
            Map.entry("oidc_groups_claim", ""),
            Map.entry("oidc_admin_group", ""),
            Map.entry("oidc_group_filter", ""),
            Map.entry("oidc_scope", ""),
            Map.entry("oidc_user_claim", ""),
            Map.entry("oidc_extra_redirect_parms", "{}"),
            Map.entry("http_authproxy_endpoint", ""),
            Map.entry("http_authproxy_tokenreview_endpoint", ""),
            Map.entry("http_authproxy_admin_groups", ""),
            Map.entry("http_authproxy_admin_usernames", ""),
            Map.entry("http_authproxy_server_certificate", ""));

    private static final Map<String, Fixed> FIXED = fixed();

    private static Map<String, Fixed> fixed() {
        Map<String, Fixed> m = new LinkedHashMap<>();
        m.put("primary_auth_mode", new Fixed(Kind.BOOL, false, "there is no external identity provider", true));
        m.put(
                "robot_name_prefix",
                new Fixed(Kind.STRING, "robot$", "robot account names always start with robot$", true));
        m.put(
                "quota_per_project_enable",
                new Fixed(
                        Kind.BOOL,
                        true,
                        "Berth always counts each project's storage (a project without a limit has -1)",
                        true));
        for (String s : List.of("uaa_client_id", "uaa_client_secret", "uaa_endpoint")) {
            m.put(s, new Fixed(Kind.STRING, "", UAA, true));
        }
        m.put("uaa_verify_cert", new Fixed(Kind.BOOL, false, UAA, true));
        return Map.copyOf(m);
    }

    /**
     * Harbor's system-scope items (set from its environment at install time), with the Berth
     * property that plays the part where there is one.
     */
    static final Map<String, String> SYSTEM = Map.ofEntries(
            Map.entry("admin_initial_password", "set BERTH_ADMIN_PASSWORD before the first start"),
            Map.entry("trivy_adapter_url", "scanning is not implemented yet"),
            Map.entry("with_trivy", "scanning is not implemented yet"),
            Map.entry("core_url", "Berth is one process"),
            Map.entry("core_local_url", "Berth is one process"),
            Map.entry("jobservice_url", "Berth is one process"),
            Map.entry("registry_url", "Berth is one process"),
            Map.entry("registry_controller_url", "Berth is one process"),
            Map.entry("token_service_url", "the token service is <berth.external-url>/service/token"),
            Map.entry("ext_endpoint", "set berth.external-url"),
            Map.entry("database_type", "Berth uses PostgreSQL only"),
            Map.entry("postgresql_host", "set spring.datasource.url"),
            Map.entry("postgresql_port", "set spring.datasource.url"),
            Map.entry("postgresql_database", "set spring.datasource.url"),
            Map.entry("postgresql_username", "set spring.datasource.username"),
            Map.entry("postgresql_password", "set spring.datasource.password"),
            Map.entry("postgresql_sslmode", "set spring.datasource.url"),
            Map.entry("postgresql_max_idle_conns", "set spring.datasource.hikari.minimum-idle"),
            Map.entry("postgresql_max_open_conns", "set spring.datasource.hikari.maximum-pool-size"),
            Map.entry("postgresql_conn_max_lifetime", "set spring.datasource.hikari.max-lifetime"),
            Map.entry("postgresql_conn_max_idle_time", "set spring.datasource.hikari.idle-timeout"),
            Map.entry("max_job_workers", "set berth.jobs.workers"),
            Map.entry("registry_storage_provider_name", "set berth.storage.type"),
            Map.entry("robot_scanner_name_prefix", "scanning is not implemented yet"),
            Map.entry("metric_enable", "set berth.metrics.enabled"),
            Map.entry("metric_port", "set berth.metrics.port"),
            Map.entry("metric_path", "Berth serves metrics at /metrics"),
            Map.entry("trace_enabled", "set berth.tracing.otlp-endpoint"),
            Map.entry("trace_service_name", "Berth's traces are named berth"),
            Map.entry("trace_namespace", "set berth.tracing.otlp-endpoint"),
            Map.entry("trace_sample_rate", "set berth.tracing.sample-rate"),
            Map.entry("trace_attributes", "set berth.tracing.otlp-endpoint"),
            Map.entry("trace_jaeger_endpoint", "Berth exports OTLP only: set berth.tracing.otlp-endpoint"),
            Map.entry("trace_jaeger_username", "Berth exports OTLP only: set berth.tracing.otlp-endpoint"),
            Map.entry("trace_jaeger_password", "Berth exports OTLP only: set berth.tracing.otlp-endpoint"),
            Map.entry("trace_jaeger_agent_host", "Berth exports OTLP only: set berth.tracing.otlp-endpoint"),
            Map.entry("trace_jaeger_agent_port", "Berth exports OTLP only: set berth.tracing.otlp-endpoint"),
            Map.entry("trace_otel_endpoint", "set berth.tracing.otlp-endpoint"),
            Map.entry("trace_otel_url_path", "set berth.tracing.otlp-endpoint"),
            Map.entry("trace_otel_compression", "set berth.tracing.otlp-endpoint"),
            Map.entry("trace_otel_insecure", "set berth.tracing.otlp-endpoint"),
            Map.entry("trace_otel_timeout", "set berth.tracing.otlp-endpoint"),
            Map.entry("pull_time_update_disable", "Berth always records pull times, in batches"),
            Map.entry("pull_count_update_disable", "Berth always counts pulls, in batches"),
            Map.entry("pull_audit_log_disable", "use disabled_audit_log_event_types with pull_artifact"),
            Map.entry("cache_enabled", "Berth caches in memory always; set berth.redis.url to share invalidations"),
            Map.entry("cache_expire_hours", "Berth's caches are invalidated on change, not by age"),
            Map.entry("gdpr_delete_user", "Berth always deletes users compliant with GDPR"),
            Map.entry("gdpr_audit_logs", "Berth always deletes users compliant with GDPR"),
            Map.entry("execution_status_refresh_interval_seconds", "Berth updates execution status as tasks change"),
            Map.entry("quota_update_provider", "Berth updates quotas in the database"),
            Map.entry("beego_max_memory_bytes", "Berth streams uploads"),
            Map.entry("beego_max_upload_size_bytes", "Berth streams uploads"),
            Map.entry("replication_adapter_whitelist", "replication is not implemented yet"));

    private final SystemSettings settings;
    private final Sessions sessions;
    private final TokenIssuer tokens;
    private final AuditForwarder forwarder;
    private final SecretBox secrets;
    private final UserRecords users;
    private final OutboundHttp outbound;
    private final JsonMapper json;

    ConfigurationItems(
            SystemSettings settings,
            Sessions sessions,
            TokenIssuer tokens,
            AuditForwarder forwarder,
            SecretBox secrets,
            UserRecords users,
            OutboundHttp outbound,
            JsonMapper json) {
        this.outbound = outbound;
        this.json = json;
        this.secrets = secrets;
        this.users = users;
        this.settings = settings;
        this.sessions = sessions;
        this.tokens = tokens;
        this.forwarder = forwarder;
    }

    /** Every item with the value in force, by name (write-only items left out). */
    Map<String, Object> current() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("audit_log_forward_endpoint", settings.auditLogForwardEndpoint());
        values.put("auth_mode", settings.authMode());
        LDAP_STRINGS.forEach((name, fallback) -> {
            String v = settings.string(name);
            values.put(name, v.isEmpty() ? fallback : v);
        });
        values.put("ldap_scope", intOr("ldap_scope", 2));
        values.put("ldap_group_search_scope", intOr("ldap_group_search_scope", 2));
        values.put("ldap_timeout", intOr("ldap_timeout", 5));
        values.put(
                "ldap_verify_cert",
                settings.raw("ldap_verify_cert").map(JsonNode::asBoolean).orElse(true));
        values.put(
                "ldap_group_attach_parallel",
                settings.raw("ldap_group_attach_parallel")
                        .map(JsonNode::asBoolean)
                        .orElse(false));
        // ldap_search_password is write-only: never shown, as in Harbor.
        EXTERNAL_STRINGS.forEach((name, fallback) -> {
            String v = settings.string(name);
            values.put(name, v.isEmpty() ? fallback : v);
        });
        values.put(
                "oidc_verify_cert",
                settings.raw("oidc_verify_cert").map(JsonNode::asBoolean).orElse(true));
        values.put(
                "oidc_auto_onboard",
                settings.raw("oidc_auto_onboard").map(JsonNode::asBoolean).orElse(false));
        values.put(
                "oidc_logout",
                settings.raw("oidc_logout").map(JsonNode::asBoolean).orElse(false));
        // oidc_client_secret is write-only too.
        values.put(
                "http_authproxy_verify_cert",
                settings.raw("http_authproxy_verify_cert")
                        .map(JsonNode::asBoolean)
                        .orElse(true));
        values.put(
                "http_authproxy_skip_search",
                settings.raw("http_authproxy_skip_search")
                        .map(JsonNode::asBoolean)
                        .orElse(false));
        values.put("banner_message", settings.bannerMessage());
        values.put("disabled_audit_log_event_types", settings.string("disabled_audit_log_event_types"));
        values.put("notification_enable", settings.notificationEnabled());
        values.put("project_creation_restriction", settings.projectCreationRestriction());
        values.put("read_only", settings.readOnly());
        values.put("robot_token_duration", settings.robotTokenDurationDays());
        values.put("scanner_skip_update_pulltime", settings.scannerSkipUpdatePullTime());
        values.put("self_registration", settings.selfRegistration());
        values.put("session_timeout", sessions.timeout().toMinutes());
        values.put("skip_audit_log_database", settings.skipAuditLogDatabase());
        values.put("storage_per_project", settings.storagePerProject());
        values.put("token_expiration", tokens.lifetime().toMinutes());
        FIXED.entrySet().stream()
                .filter(e -> e.getValue().shown())
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> values.put(e.getKey(), e.getValue().value()));
        return values;
    }

    boolean editable(String name) {
        return !FIXED.containsKey(name);
    }

    /**
     * The value to store for {@code name}, or null when nothing is to be stored (a fixed item given
     * its current value); a 400 for an unknown item or a value it cannot take.
     */
    Object validate(String name, JsonNode value) {
        Fixed fixed = FIXED.get(name);
        if (fixed != null) {
            if (!matches(value, fixed.value())) {
                throw ApiException.badRequest(name + " cannot be changed: " + fixed.reason());
            }
            return null;
        }
        if (SYSTEM.containsKey(name)) {
            // Harbor's words, then Berth's way to set it.
            throw ApiException.badRequest(
                    "system config items cannot be updated, item: " + name + " (" + SYSTEM.get(name) + ")");
        }
        if (LDAP_STRINGS.containsKey(name)) {
            String v = string(name, value).trim();
            if ((name.equals("ldap_filter") || name.equals("ldap_group_search_filter")) && !v.isEmpty()) {
                checkFilter(name, v);
            }
            if (name.equals("ldap_url") && !v.isEmpty() && !v.matches("(?i)^(ldaps?://)?[^/\\s]+/?$")) {
                throw ApiException.badRequest("ldap_url must be ldap://host[:port] or ldaps://host[:port]");
            }
            return v;
        }
        if (EXTERNAL_STRINGS.containsKey(name)) {
            return oidcString(name, string(name, value).trim());
        }
        return switch (name) {
            case "auth_mode" -> {
                String mode = value.isString() ? value.asString() : "";
                if (!HARBOR_AUTH_MODES.contains(mode)) {
                    throw ApiException.badRequest("invalid auth_mode " + mode);
                }
                if (!AUTH_MODES.contains(mode)) {
                    throw ApiException.badRequest(
                            "auth_mode " + mode + " is not supported yet; use db_auth, ldap_auth or oidc_auth");
                }
                if (!mode.equals(settings.authMode())
                        && users.count(" WHERE u.username <> ?", List.of(CredentialAuthenticator.LOCAL_ADMIN)) > 0) {
                    // Harbor's rule: accounts made under one mode would be orphaned by another.
                    throw ApiException.badRequest(
                            "auth_mode cannot be changed once users other than admin exist (Harbor's rule)");
                }
                yield mode;
            }
            case "oidc_client_secret" -> {
                String secret = string(name, value);
                yield secret.isEmpty() ? "" : secrets.seal(secret, SystemSettings.OIDC_CLIENT_SECRET_CONTEXT);
            }
            case "oidc_verify_cert",
                    "oidc_auto_onboard",
                    "oidc_logout",
                    "http_authproxy_verify_cert",
                    "http_authproxy_skip_search" -> bool(name, value);
            case "ldap_search_password" -> {
                String password = string(name, value);
                yield password.isEmpty() ? "" : secrets.seal(password, SystemSettings.LDAP_SEARCH_PASSWORD_CONTEXT);
            }
            case "ldap_scope", "ldap_group_search_scope" -> {
                if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0 || value.asInt() > 2) {
                    throw ApiException.badRequest(name + " must be 0 (base), 1 (one level) or 2 (subtree)");
                }
                yield value.asInt();
            }
            case "ldap_timeout" -> integer(name, value, 300, "seconds");
            case "ldap_verify_cert", "ldap_group_attach_parallel" -> bool(name, value);
            case "self_registration",
                    "read_only",
                    "notification_enable",
                    "scanner_skip_update_pulltime",
                    "skip_audit_log_database" -> bool(name, value);
            case "project_creation_restriction" -> {
                if (!value.isString() || !RESTRICTIONS.contains(value.asString())) {
                    throw ApiException.badRequest("project_creation_restriction must be \"everyone\" or \"adminonly\"");
                }
                yield value.asString();
            }
            case "token_expiration" -> integer(name, value, MINUTES_PER_YEAR, "minutes");
            case "session_timeout" -> integer(name, value, MINUTES_PER_YEAR, "minutes");
            case "robot_token_duration" -> integer(name, value, DAYS_PER_CENTURY, "days");
            case "storage_per_project" -> {
                if (!value.isIntegralNumber()
                        || !value.canConvertToLong()
                        || value.asLong() < -1
                        || value.asLong() == 0) {
                    throw ApiException.badRequest(
                            "storage_per_project must be -1 (no limit) or a positive number of bytes");
                }
                yield value.asLong();
            }
            case "banner_message" -> string(name, value);
            case "audit_log_forward_endpoint" -> {
                String endpoint = string(name, value).trim();
                if (!endpoint.isEmpty()) {
                    try {
                        AuditForwarder.checkEndpoint(endpoint);
                    } catch (IllegalArgumentException e) {
                        throw ApiException.badRequest(name + ": " + e.getMessage());
                    }
                }
                yield endpoint;
            }
            case "disabled_audit_log_event_types" -> {
                String types = string(name, value);
                List<String> unknown = new ArrayList<>();
                for (String t : types.split(",")) {
                    String type = t.trim().toLowerCase(Locale.ROOT);
                    if (!type.isEmpty() && !AuditLog.EVENT_TYPES.contains(type)) {
                        unknown.add(t.trim());
                    }
                }
                if (!unknown.isEmpty()) {
                    throw ApiException.badRequest(name + " has unknown event types " + unknown + "; known: "
                            + String.join(", ", AuditLog.EVENT_TYPES));
                }
                yield types.trim();
            }
            default ->
                // Harbor's words for a name it does not know.
                throw ApiException.badRequest("invalid config, item not defined in metadatalist, " + name);
        };
    }

    /**
     * Checks what depends on several items or on the world, as Harbor does after each item is
     * valid: skipping the database needs an endpoint, and a new endpoint must answer.
     */
    void validateTogether(Map<String, Object> changes) {
        String endpoint = changes.containsKey("audit_log_forward_endpoint")
                ? (String) changes.get("audit_log_forward_endpoint")
                : settings.auditLogForwardEndpoint();
        boolean skip = changes.containsKey("skip_audit_log_database")
                ? (Boolean) changes.get("skip_audit_log_database")
                : settings.skipAuditLogDatabase();
        if ((changes.containsKey("audit_log_forward_endpoint") || changes.containsKey("skip_audit_log_database"))
                && skip
                && endpoint.isEmpty()) {
            throw ApiException.badRequest(
                    "audit log forward endpoint should be configured before enable skip audit log in database");
        }
        if (changes.containsKey("audit_log_forward_endpoint")
                && !endpoint.isEmpty()
                && !endpoint.equals(settings.auditLogForwardEndpoint())) {
            forwarder.probe(endpoint).ifPresent(reason -> {
                throw ApiException.badRequest(
                        "could not connect to the audit endpoint: " + endpoint + " (" + reason + ")");
            });
        }
    }

    /** Checks an OIDC item: the endpoint an http(s) URL Berth may call, the filter an expression, the
     * extra parameters a JSON object of strings. */
    private String oidcString(String name, String v) {
        switch (name) {
            case "oidc_endpoint", "http_authproxy_endpoint", "http_authproxy_tokenreview_endpoint" -> {
                if (!v.isEmpty()) {
                    if (!v.matches("(?i)^https?://[^\\s]+$")) {
                        throw ApiException.badRequest(name + " must be an http:// or https:// URL");
                    }
                    try {
                        outbound.check(v, Trust.ADMINISTRATOR);
                    } catch (TargetRefusedException e) {
                        throw ApiException.badRequest(name + ": " + e.getMessage());
                    } catch (IllegalArgumentException e) {
                        throw ApiException.badRequest(name + " is not a valid URL");
                    }
                }
            }
            case "oidc_group_filter" -> {
                try {
                    java.util.regex.Pattern.compile(v);
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw ApiException.badRequest("oidc_group_filter is not a valid regular expression");
                }
            }
            case "oidc_extra_redirect_parms" -> {
                if (v.isEmpty()) {
                    return "{}";
                }
                JsonNode parsed;
                try {
                    parsed = json.readTree(v);
                } catch (RuntimeException e) {
                    parsed = null;
                }
                if (parsed == null
                        || !parsed.isObject()
                        || parsed.properties().stream()
                                .anyMatch(e -> !e.getValue().isString())) {
                    throw ApiException.badRequest(
                            "oidc_extra_redirect_parms must be a JSON object of string values, e.g. {\"prompt\":\"login\"}");
                }
            }
            case "http_authproxy_server_certificate" -> {
                if (!v.isEmpty() && !isPemCertificate(v)) {
                    throw ApiException.badRequest(
                            "http_authproxy_server_certificate must be a PEM certificate (-----BEGIN CERTIFICATE-----)");
                }
            }
            default -> {}
        }
        return v;
    }

    private static boolean isPemCertificate(String pem) {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            return false;
        }
        try {
            return !java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .isEmpty();
        } catch (java.security.cert.CertificateException e) {
            return false;
        }
    }

    private int intOr(String name, int fallback) {
        return settings.raw(name)
                .filter(JsonNode::isIntegralNumber)
                .map(JsonNode::asInt)
                .orElse(fallback);
    }

    private static void checkFilter(String name, String filter) {
        String f = filter.startsWith("(") ? filter : "(" + filter + ")";
        try {
            com.unboundid.ldap.sdk.Filter.create(f);
        } catch (com.unboundid.ldap.sdk.LDAPException e) {
            throw ApiException.badRequest(name + " is not a valid LDAP filter");
        }
    }

    private static boolean matches(JsonNode value, Object current) {
        return switch (current) {
            case Boolean b -> value.isBoolean() && value.asBoolean() == b;
            case String s -> value.isString() && value.asString().equals(s);
            case Integer i -> value.isIntegralNumber() && value.canConvertToInt() && value.asInt() == i;
            default -> false;
        };
    }

    private static boolean bool(String name, JsonNode value) {
        if (!value.isBoolean()) {
            throw ApiException.badRequest(name + " must be true or false");
        }
        return value.asBoolean();
    }

    private static String string(String name, JsonNode value) {
        if (!value.isString()) {
            throw ApiException.badRequest(name + " must be a string");
        }
        if (value.asString().length() > MAX_STRING) {
            throw ApiException.badRequest(name + " must be at most " + MAX_STRING + " characters");
        }
        return value.asString();
    }

    private static int integer(String name, JsonNode value, int max, String unit) {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1 || value.asInt() > max) {
            throw ApiException.badRequest(name + " must be a whole number of " + unit + " from 1 to " + max);
        }
        return value.asInt();
    }
}
