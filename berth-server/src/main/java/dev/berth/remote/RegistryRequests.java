package dev.berth.remote;

/** The bodies of Harbor's registry operations; fields a client echoes from a GET are ignored. */
final class RegistryRequests {
    private RegistryRequests() {}

    /** Harbor's {@code Registry}, as {@code POST /registries} takes it. */
    record Create(
            String name, String description, String type, String url, Boolean insecure, CredentialBody credential) {}

    /** Harbor's {@code RegistryCredential}; {@code "*****"} (what a GET shows) keeps the stored value. */
    record CredentialBody(String type, String accessKey, String accessSecret) {}

    /** Harbor's {@code RegistryUpdate}: absent fields keep their value. */
    record Update(
            String name,
            String description,
            String url,
            String credentialType,
            String accessKey,
            String accessSecret,
            Boolean insecure) {}

    /** Harbor's {@code RegistryPing}: a stored endpoint ({@code id}) with fields overridden, or only fields. */
    record Ping(
            Long id,
            String type,
            String url,
            String credentialType,
            String accessKey,
            String accessSecret,
            Boolean insecure) {}
}
