package dev.berth.replication;

import dev.berth.job.JobContext;
import dev.berth.outbound.OutboundException;
import dev.berth.remote.RemoteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs one step of a copy again when the remote was overloaded or the connection broke: HTTP 429
 * (waiting what its {@code Retry-After} says), 5xx, resets and timeouts, up to the configured
 * attempts with a doubling backoff. Every retry is in the task log with its reason; a refusal
 * (4xx other than 429, a refused target) is not retried. Waits end early when the execution is
 * stopped.
 */
final class Retrying {
    /** One step; {@link IOException} from a stream counts as a broken connection. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws IOException;
    }

    private final ReplicationSettings settings;
    private final JobContext context;

    Retrying(ReplicationSettings settings, JobContext context) {
        this.settings = settings;
        this.context = context;
    }

    <T> T call(String what, Step<T> step) throws IOException {
        Duration backoff = settings.retryBackoff;
        for (int attempt = 1; ; attempt++) {
            context.checkStop();
            try {
                return step.run();
            } catch (RuntimeException | IOException e) {
                Optional<Duration> wait = retryable(e);
                if (wait.isEmpty() || attempt >= settings.retryAttempts) {
                    if (wait.isPresent()) {
                        context.log(
                                what + " failed " + attempt + " time(s), the last with: " + reason(e) + "; giving up");
                    }
                    throw e;
                }
                Duration pause = wait.get().isZero() ? backoff : wait.get();
                if (pause.compareTo(settings.retryMaxWait) > 0) {
                    pause = settings.retryMaxWait;
                }
                context.log(what + " failed (" + reason(e) + "); retry " + attempt + " of "
                        + (settings.retryAttempts - 1) + " in " + pause.toMillis() + " ms");
                sleep(pause);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    void run(String what, Step<Void> step) throws IOException {
        call(what, step);
    }

    /** The wait a retry should keep to (zero: the backoff), or empty when it is not worth retrying. */
    static Optional<Duration> retryable(Throwable e) {
        if (BlobDeadline.TooSlow.in(e).isPresent()) {
            return Optional.empty(); // a remote that trickled once will trickle again: the task fails
        }
        if (e instanceof RemoteException r) {
            if (r.status() == 429 || r.status() >= 500) {
                return Optional.of(r.retryAfter().orElse(Duration.ZERO));
            }
            return r.status() == 0 && r.getCause() instanceof IOException
                    ? Optional.of(Duration.ZERO)
                    : Optional.empty();
        }
        if (e instanceof OutboundException o) {
            return switch (o.kind()) {
                case CONNECT, TIMEOUT, IO -> Optional.of(Duration.ZERO);
                default -> Optional.empty();
            };
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.empty();
    }

    /** Berth's words for the failure, never a remote's body. */
    private String reason(Throwable e) {
        if (timedOut(e)) {
            return "the remote did not answer within the timeout (berth.replication.connect-timeout "
                    + settings.connectTimeout.toMillis() + " ms, read-timeout " + settings.readTimeout.toMillis()
                    + " ms)";
        }
        if (e instanceof RemoteException || e instanceof OutboundException) {
            return e.getMessage();
        }
        return "the connection broke (" + e.getClass().getSimpleName() + ")";
    }

    /** Whether a connect or read timeout is behind the failure (a stalled answer or body). */
    static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutboundException o && o.kind() == OutboundException.Kind.TIMEOUT) {
                return true;
            }
            // a socket's read timeout, and the HTTP client's connect timeout (both interrupted
            // I/O, as the outbound client's own translation counts them)
            if (t instanceof java.io.InterruptedIOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private void sleep(Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        while (System.nanoTime() < until) {
            context.checkStop();
            try {
                Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                context.checkStop();
                throw new IllegalStateException("interrupted while waiting to retry");
            }
        }
    }
}
