package dev.berth.registry;

import java.util.Map;

/**
 * A failure of a {@code /v2/} request, carrying what the client is told: an OCI error code, an
 * HTTP status, a message and optionally a detail object and extra response headers.
 */
public final class RegistryException extends RuntimeException {
    private final ErrorCode code;
    private final int status;
    private final Object detail;
    private final Map<String, String> headers;

    public RegistryException(ErrorCode code, int status, String message, Object detail, Map<String, String> headers) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
        this.detail = detail;
        this.headers = Map.copyOf(headers);
    }

    public RegistryException(ErrorCode code, String message) {
        this(code, code.status(), message, null, Map.of());
    }

    public static RegistryException of(ErrorCode code, String message) {
        return new RegistryException(code, message);
    }

    public static RegistryException of(ErrorCode code, int status, String message) {
        return new RegistryException(code, status, message, null, Map.of());
    }

    public static RegistryException withDetail(ErrorCode code, String message, Object detail) {
        return new RegistryException(code, code.status(), message, detail, Map.of());
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    public Object detail() {
        return detail;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
