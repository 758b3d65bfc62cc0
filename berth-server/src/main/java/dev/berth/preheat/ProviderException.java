package dev.berth.preheat;

/**
 * A provider call that failed: no answer, a refused target, or an answer that is not what the
 * provider's API promises. The message is Berth's own words plus at most a short, sanitized summary
 * of the provider's answer, never credentials, so it can go into task logs and API errors.
 */
final class ProviderException extends RuntimeException {
    private final boolean refused;

    ProviderException(String message) {
        this(message, false);
    }

    ProviderException(String message, boolean refused) {
        super(message);
        this.refused = refused;
    }

    /** Whether the outbound rules refused the endpoint (nothing was sent). */
    boolean refused() {
        return refused;
    }
}
