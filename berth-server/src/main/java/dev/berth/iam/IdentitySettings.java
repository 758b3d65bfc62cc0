package dev.berth.iam;

import java.time.Duration;
import java.util.Optional;

/**
 * Runtime settings that identity reads, kept by the system module (which implements this, so that
 * identity does not depend on it). An empty value means "not set at runtime": the static property
 * ({@code berth.session-timeout}, {@code berth.token.expiration}) applies.
 */
public interface IdentitySettings {
    /** {@code session_timeout}: how long an idle portal session lives. */
    Optional<Duration> sessionTimeout();

    /** {@code token_expiration}: how long a registry token is valid. */
    Optional<Duration> tokenExpiration();
}
