package dev.berth.api;

import java.util.Arrays;
import java.util.Optional;

/** Harbor's error codes for {@code /api/v2.0/} and the HTTP status each one is sent with. */
public enum ApiErrorCode {
    BAD_REQUEST(400),
    DIGEST_INVALID(400),
    MANIFEST_INVALID(400),
    UNSUPPORTED(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    DENIED(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    NOT_ACCEPTABLE(406),
    CONFLICT(409),
    PRECONDITION(412),
    VIOLATE_FOREIGN_KEY_CONSTRAINT(412),
    PROJECTPOLICYVIOLATION(412),
    REQUEST_ENTITY_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    TOO_MANY_REQUEST(429),
    UNKNOWN(500),
    /** A service Berth depends on (the LDAP directory) cannot be reached. */
    SERVICE_UNAVAILABLE(503);

    private final int status;

    ApiErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The code Harbor uses for a bare HTTP status, if it has one (the first declared wins). */
    public static Optional<ApiErrorCode> forStatus(int status) {
        return Arrays.stream(values()).filter(c -> c.status == status).findFirst();
    }
}
