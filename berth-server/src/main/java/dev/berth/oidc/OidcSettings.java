package dev.berth.oidc;

import dev.berth.crypto.SecretBox;
import dev.berth.crypto.SecretUnreadableException;
import dev.berth.system.SystemSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OIDC items of {@code /configurations} as in force (Harbor's defaults where unset), and
 * Berth's own OIDC property: how often a CLI secret's OIDC session is checked at the provider by
 * refreshing the user's token ({@code berth.oidc.session-check}, at the latest when the access
 * token expires, as Harbor does).
 */
@Component
class OidcSettings {
    private final SystemSettings settings;
    private final SecretBox secrets;
    private final JsonMapper json;
    private final Duration sessionCheck;

    OidcSettings(
            SystemSettings settings,
            SecretBox secrets,
            JsonMapper json,
            @Value("${berth.oidc.session-check:PT5M}") Duration sessionCheck) {
        this.settings = settings;
        this.secrets = secrets;
        this.json = json;
        this.sessionCheck = sessionCheck;
    }

    boolean active() {
        return "oidc_auth".equals(settings.authMode());
    }

    String mode() {
        return settings.authMode();
    }

    OidcConfig current() {
        return new OidcConfig(
                settings.string("oidc_name").trim(),
                settings.string("oidc_endpoint").trim(),
                settings.string("oidc_client_id").trim(),
                clientSecret(),
                settings.string("oidc_scope").trim(),
                settings.raw("oidc_verify_cert").map(JsonNode::asBoolean).orElse(true),
                settings.raw("oidc_auto_onboard").map(JsonNode::asBoolean).orElse(false),
                settings.string("oidc_user_claim").trim(),
                settings.string("oidc_groups_claim").trim(),
                settings.string("oidc_admin_group").trim(),
                settings.string("oidc_group_filter").trim(),
                extra(settings.string("oidc_extra_redirect_parms")),
                settings.raw("oidc_logout").map(JsonNode::asBoolean).orElse(false));
    }

    Duration sessionCheck() {
        return sessionCheck;
    }

    /** The stored client secret, opened; empty when none is set. */
    private String clientSecret() {
        String sealed = settings.string("oidc_client_secret");
        if (sealed.isEmpty()) {
            return "";
        }
        try {
            return secrets.open(sealed, SystemSettings.OIDC_CLIENT_SECRET_CONTEXT);
        } catch (SecretUnreadableException e) {
            throw new OidcException(
                    "the OIDC client secret cannot be read with this server's key file; set oidc_client_secret again");
        }
    }

    private Map<String, String> extra(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw.isBlank()) {
            return m;
        }
        JsonNode node = json.readTree(raw);
        node.properties().forEach(e -> m.put(e.getKey(), e.getValue().asString()));
        return m;
    }
}
