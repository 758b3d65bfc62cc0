package dev.berth.ldap;

import dev.berth.crypto.SecretBox;
import dev.berth.crypto.SecretUnreadableException;
import dev.berth.system.SystemSettings;
import java.io.File;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The LDAP items of {@code /configurations} as in force (Harbor's defaults where unset), and
 * Berth's own LDAP properties: how long a login's group memberships are trusted ({@code
 * berth.ldap.group-cache}), how deep nested groups are followed ({@code
 * berth.ldap.nested-group-depth}), and a PEM file of certificate authorities trusted for ldaps://
 * besides the JVM's ({@code berth.ldap.trusted-ca}).
 */
@Component
class LdapSettings {
    /** The context the bind password is sealed under; {@code system} seals it with the same. */
    static final String PASSWORD_CONTEXT = SystemSettings.LDAP_SEARCH_PASSWORD_CONTEXT;

    private final SystemSettings settings;
    private final SecretBox secrets;
    private final Duration groupCache;
    private final int nestedDepth;
    private final Optional<File> trustedCa;

    LdapSettings(
            SystemSettings settings,
            SecretBox secrets,
            @Value("${berth.ldap.group-cache:PT10M}") Duration groupCache,
            @Value("${berth.ldap.nested-group-depth:5}") int nestedDepth,
            @Value("${berth.ldap.trusted-ca:}") String trustedCa) {
        this.settings = settings;
        this.secrets = secrets;
        this.groupCache = groupCache;
        this.nestedDepth = Math.max(0, Math.min(nestedDepth, 20));
        this.trustedCa = trustedCa.isBlank() ? Optional.empty() : Optional.of(new File(trustedCa));
    }

    boolean active() {
        return "ldap_auth".equals(settings.string("auth_mode"));
    }

    LdapConfig current() {
        return new LdapConfig(
                settings.string("ldap_url").trim(),
                settings.string("ldap_search_dn").trim(),
                searchPassword(),
                settings.string("ldap_base_dn").trim(),
                settings.string("ldap_filter").trim(),
                string("ldap_uid", "cn"),
                integer("ldap_scope", 2),
                integer("ldap_timeout", 5),
                settings.raw("ldap_verify_cert").map(JsonNode::asBoolean).orElse(true),
                settings.string("ldap_group_base_dn").trim(),
                settings.string("ldap_group_search_filter").trim(),
                string("ldap_group_attribute_name", "cn"),
                integer("ldap_group_search_scope", 2),
                settings.string("ldap_group_admin_dn").trim(),
                string("ldap_group_membership_attribute", "memberof"));
    }

    /** The stored bind password, opened; empty when none is set. */
    String searchPassword() {
        String sealed = settings.string("ldap_search_password");
        if (sealed.isEmpty()) {
            return "";
        }
        try {
            return secrets.open(sealed, PASSWORD_CONTEXT);
        } catch (SecretUnreadableException e) {
            throw new LdapUnavailableException(
                    "the LDAP bind password cannot be read with this server's key file; set ldap_search_password again");
        }
    }

    Duration groupCache() {
        return groupCache;
    }

    int nestedDepth() {
        return nestedDepth;
    }

    Optional<File> trustedCa() {
        return trustedCa;
    }

    private String string(String name, String fallback) {
        String v = settings.string(name).trim();
        return v.isEmpty() ? fallback : v;
    }

    private int integer(String name, int fallback) {
        return settings.raw(name)
                .filter(JsonNode::isIntegralNumber)
                .map(JsonNode::asInt)
                .orElse(fallback);
    }
}
