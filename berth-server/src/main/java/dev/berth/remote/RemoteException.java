package dev.berth.remote;

import java.time.Duration;
import java.util.Optional;

/**
 * A remote registry answered, but not as it should (an error status, a malformed body, a refused
 * login). The message is Berth's own words with at most a status code, safe for API messages and
 * task logs; it never holds a credential. {@link #status()} is the HTTP status when there was one
 * (0 otherwise) and {@link #retryAfter()} the wait a 429 or 503 asked for, so a caller can tell a
 * passing overload from a refusal.
 */
public class RemoteException extends RuntimeException {
    private final int status;
    private final transient Optional<Duration> retryAfter;

    public RemoteException(String message) {
        this(message, 0, Optional.empty());
    }

    public RemoteException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.retryAfter = Optional.empty();
    }

    public RemoteException(String message, int status, Optional<Duration> retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status the remote answered, or 0 when the failure was not an answer. */
    public int status() {
        return status;
    }

    /** How long a 429 or 503 asked the caller to wait ({@code Retry-After} in seconds). */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
