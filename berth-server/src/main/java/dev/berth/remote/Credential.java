package dev.berth.remote;

/**
 * What Berth presents to a remote registry, in plain form (only in memory, never in a response or a
 * log line: {@link #toString} hides both values).
 *
 * @param type Harbor's credential type: {@code basic} (user name and password, or access key and
 *     secret for the cloud adapters), {@code oauth} (a bearer token as the secret) or {@code secret}
 * @param accessKey a user name or an access key id; may be empty
 * @param accessSecret a password, token or secret key; may be empty
 */
public record Credential(String type, String accessKey, String accessSecret) {
    public static final String BASIC = "basic";
    public static final String OAUTH = "oauth";
    public static final String SECRET = "secret";

    public Credential {
        type = type == null || type.isBlank() ? BASIC : type;
        accessKey = accessKey == null ? "" : accessKey;
        accessSecret = accessSecret == null ? "" : accessSecret;
    }

    /** Whether there is anything to log in with. */
    public boolean isPresent() {
        return !accessKey.isEmpty() || !accessSecret.isEmpty();
    }

    @Override
    public String toString() {
        return "Credential[type=" + type + ", accessKey=" + (accessKey.isEmpty() ? "" : "*****") + ", accessSecret="
                + (accessSecret.isEmpty() ? "" : "*****") + "]";
    }
}
