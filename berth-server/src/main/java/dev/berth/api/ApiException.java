package dev.berth.api;

/**
 * A failure of an {@code /api/v2.0/} request that the client is told about: a Harbor error code
 * (which fixes the HTTP status) and a message. {@link ApiExceptionHandler} renders it.
 */
public final class ApiException extends RuntimeException {
    private final ApiErrorCode code;

    public ApiException(ApiErrorCode code, String message) {
        // Client errors are expected; a stack trace would only cost time.
        super(message, null, false, false);
        this.code = code;
    }

    public ApiException(ApiErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ApiErrorCode code() {
        return code;
    }

    public int status() {
        return code.status();
    }

    public static ApiException badRequest(String message) {
        return new ApiException(ApiErrorCode.BAD_REQUEST, message);
    }

    public static ApiException unauthorized() {
        return unauthorized("unauthorized");
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(ApiErrorCode.UNAUTHORIZED, message);
    }

    public static ApiException forbidden() {
        return forbidden("forbidden");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(ApiErrorCode.FORBIDDEN, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(ApiErrorCode.NOT_FOUND, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(ApiErrorCode.CONFLICT, message);
    }

    public static ApiException preconditionFailed(String message) {
        return new ApiException(ApiErrorCode.PRECONDITION, message);
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(ApiErrorCode.METHOD_NOT_ALLOWED, message);
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, message);
    }
}
