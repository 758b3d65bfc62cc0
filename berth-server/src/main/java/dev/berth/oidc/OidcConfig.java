package dev.berth.oidc;

import java.util.Map;

/**
 * Harbor's {@code oidc_*} configuration items as in force. The client secret is held only in memory
 * and never printed ({@link #toString()}).
 */
record OidcConfig(
        String name,
        String endpoint,
        String clientId,
        String clientSecret,
        String scope,
        boolean verifyCert,
        boolean autoOnboard,
        String userClaim,
        String groupsClaim,
        String adminGroup,
        String groupFilter,
        Map<String, String> extraRedirectParms,
        boolean logout) {

    boolean configured() {
        return !endpoint.isBlank() && !clientId.isBlank();
    }

    @Override
    public String toString() {
        return "OidcConfig[name=" + name + ", endpoint=" + endpoint + ", clientId=" + clientId + "]";
    }
}
