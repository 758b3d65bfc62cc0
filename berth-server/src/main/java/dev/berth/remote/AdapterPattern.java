package dev.berth.remote;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Harbor's {@code RegistryProviderInfo}: how the portal asks for an adapter's endpoint (fixed, a
 * list to choose from, or free) and its credential (a fixed access key name, a secret from a file).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdapterPattern(EndpointPattern endpointPattern, CredentialPattern credentialPattern) {
    static final String STANDARD = "EndpointPatternTypeStandard";
    static final String FIX = "EndpointPatternTypeFix";
    static final String LIST = "EndpointPatternTypeList";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EndpointPattern(String endpointType, List<Endpoint> endpoints) {}

    public record Endpoint(String key, String value) {}

    public record CredentialPattern(
            String accessKeyType, String accessKeyData, String accessSecretType, String accessSecretData) {}

    static AdapterPattern fixed(String key, String url) {
        return new AdapterPattern(new EndpointPattern(FIX, List.of(new Endpoint(key, url))), null);
    }

    static AdapterPattern listed(List<Endpoint> endpoints) {
        return new AdapterPattern(new EndpointPattern(LIST, endpoints), null);
    }

    static AdapterPattern empty() {
        return new AdapterPattern(null, null);
    }
}
