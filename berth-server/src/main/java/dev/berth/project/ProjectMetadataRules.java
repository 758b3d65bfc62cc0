package dev.berth.project;

import dev.berth.api.ApiException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Harbor's project metadata keys and the values each accepts. Values are stored as strings and
 * normalised on the way in ("TRUE" becomes "true", "High" becomes "high"), so readers compare
 * against one spelling.
 */
final class ProjectMetadataRules {
    static final Set<String> BOOLEANS = Set.of(
            "public",
            "enable_content_trust",
            "enable_content_trust_cosign",
            "prevent_vul",
            "auto_scan",
            "auto_sbom_generation",
            "reuse_sys_cve_allowlist",
            "proxy_cache_local_on_not_found",
            "proxy_referrer_api");
    static final Set<String> SEVERITIES = Set.of("none", "low", "medium", "high", "critical");
    /** Meaningful only for proxy-cache projects; dropped from a normal project's metadata. */
    static final Set<String> PROXY_ONLY = Set.of(
            "proxy_speed_kb",
            "max_upstream_conn",
            "proxy_cache_local_on_not_found",
            "proxy_referrer_api",
            "proxy_cache_filter_pattern",
            "proxy_cache_filter_kind");
    /** Set by the retention service, never by a client. */
    static final String RETENTION_ID = "retention_id";

    private ProjectMetadataRules() {}

    /**
     * One key through {@code /projects/{p}/metadatas}: Harbor accepts the booleans, {@code severity}
     * and the proxy numbers there; {@code retention_id} and the proxy filter keys are refused.
     */
    static String normalise(String key, String value) {
        if (BOOLEANS.contains(key)) {
            return bool(key, value);
        }
        return switch (key) {
            case "severity" -> severity(value);
            case "proxy_speed_kb" -> Integer.toString(int32(key, value));
            case "max_upstream_conn" -> {
                int n = int32(key, value);
                if (n <= 0 && n != -1) {
                    throw ApiException.badRequest("invalid value for max_upstream_conn: " + n);
                }
                yield Integer.toString(n);
            }
            case "proxy_cache_filter_pattern", "proxy_cache_filter_kind" ->
                throw ApiException.badRequest("can not update the normal project with proxy cache filter metadata");
            default -> throw ApiException.badRequest("invalid key: " + abbreviate(key));
        };
    }

    /**
     * The {@code metadata} of a project creation or update: known keys only, values normalised,
     * proxy-only keys dropped (as Harbor ignores them on a normal project), {@code retention_id}
     * accepted only when it equals {@code currentRetentionId} (empty on creation).
     */
    static Map<String, String> forProject(Map<?, ?> metadata, String currentRetentionId) {
        Map<String, String> clean = new LinkedHashMap<>();
        if (metadata == null) {
            return clean;
        }
        for (Map.Entry<?, ?> e : metadata.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object raw = e.getValue();
            if (raw == null) {
                continue;
            }
            String value = String.valueOf(raw);
            if (key.equals(RETENTION_ID)) {
                if (!value.isEmpty() && !value.equals(currentRetentionId)) {
                    throw ApiException.badRequest(
                            "retention_id must be omitted or equal the one already associated with the project");
                }
                continue;
            }
            if (PROXY_ONLY.contains(key)) {
                continue;
            }
            clean.put(key, normalise(key, value));
        }
        return clean;
    }

    /**
     * The {@code metadata} of a proxy-cache project's creation or update: as {@link #forProject}, but the
     * proxy keys are kept ({@code proxy_speed_kb} an int32, the filter pattern as given) and
     * {@code enable_content_trust} is dropped, as Harbor ignores it there.
     */
    static Map<String, String> forProxyProject(Map<?, ?> metadata, String currentRetentionId) {
        Map<String, String> proxyKeys = new LinkedHashMap<>();
        Map<Object, Object> rest = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (v == null || key.equals("enable_content_trust")) {
                    return;
                }
                if (PROXY_ONLY.contains(key)) {
                    String value = String.valueOf(v);
                    proxyKeys.put(
                            key,
                            switch (key) {
                                case "proxy_cache_filter_pattern", "proxy_cache_filter_kind" -> value;
                                default -> normalise(key, value);
                            });
                } else {
                    rest.put(k, v);
                }
            });
        }
        Map<String, String> clean = forProject(rest, currentRetentionId);
        clean.putAll(proxyKeys);
        return clean;
    }

    /** Go's {@code strconv.ParseBool} set, which Harbor accepts, normalised to "true"/"false". */
    private static String bool(String key, String value) {
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> "true";
            case "0", "f", "F", "FALSE", "false", "False" -> "false";
            default -> throw ApiException.badRequest(key + " must be \"true\" or \"false\"");
        };
    }

    private static String severity(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("negligible")) {
            return "none";
        }
        if (!SEVERITIES.contains(lower)) {
            throw ApiException.badRequest("severity must be one of none, low, medium, high, critical");
        }
        return lower;
    }

    private static int int32(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(key + " must be a 32-bit integer");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
