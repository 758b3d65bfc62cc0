package dev.berth.replication;

import dev.berth.outbound.Cancellation;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The whole-transfer rule for one blob: its bytes must all have gone from source to destination
 * within {@code berth.replication.min-transfer-time} plus its size at {@code
 * berth.replication.min-throughput}. The read timeout alone does not end a remote that trickles a
 * byte just inside it, nor a destination that accepts the connection and then stops reading the
 * upload (a blocked write has no timeout); this does. A policy's {@code speed} below the minimum
 * lowers the minimum to half of it, so a limit the administrator chose never trips the rule.
 *
 * <p>The time is the server's clock: checked at every read of the source, and by a watchdog every
 * {@link #POLL} while the blob is under way, which ends the upload's connection once the time is
 * up (through its {@link Cancellation}), so a copy blocked writing to a stalled destination fails
 * too. The failure names the side that held it up: the source when most of the time went to
 * reading it, the destination otherwise.
 */
final class BlobDeadline {
    /** How often the watchdog looks at the clock. */
    static final Duration POLL = Duration.ofMillis(500);

    private final Clock clock;
    private final Duration grace;
    private final long bytesPerSecond;

    /**
     * @param minKibPerSecond 0 for no rule
     * @param speedKibPerSecond the policy's limit, 0 for none
     */
    BlobDeadline(Clock clock, Duration grace, long minKibPerSecond, long speedKibPerSecond) {
        this.clock = clock;
        this.grace = grace;
        long min = Math.max(0, minKibPerSecond) * 1024;
        if (speedKibPerSecond > 0 && min > speedKibPerSecond * 1024 / 2) {
            min = Math.max(1, speedKibPerSecond * 1024 / 2);
        }
        this.bytesPerSecond = min;
    }

    boolean enabled() {
        return bytesPerSecond > 0;
    }

    /** How long a blob of {@code size} bytes may take (an unknown size counts as 0). */
    Duration allowed(long size) {
        return grace.plusMillis(Math.max(0, size) * 1000 / bytesPerSecond);
    }

    /** Starts the clock for one attempt at one blob; close the watch when the attempt ends. */
    Watch start(String digest, long size) {
        return new Watch(digest, size);
    }

    /** One attempt at one blob under the rule. */
    final class Watch implements AutoCloseable {
        private final String digest;
        private final long size;
        private final Instant start;
        private final Duration allowed;
        private final Instant until;
        private final Cancellation cancellation = new Cancellation();
        private final Thread watchdog;
        private volatile long read;
        private volatile Instant readingSince;
        private volatile long readingMillis;
        private volatile TooSlow expired;

        private Watch(String digest, long size) {
            this.digest = digest;
            this.size = size;
            this.start = clock.instant();
            this.allowed = enabled() ? allowed(size) : Duration.ZERO;
            this.until = start.plus(allowed);
            this.watchdog = enabled() ? Thread.ofVirtual().name("blob-deadline").start(this::watch) : null;
        }

        /** Ends the upload's requests when the time is up. */
        Cancellation cancellation() {
            return cancellation;
        }

        /** The rule's failure, if the watchdog ended the transfer. */
        Optional<TooSlow> expired() {
            return Optional.ofNullable(expired);
        }

        /** The source's stream, checked at every read. */
        InputStream wrap(InputStream in) {
            if (!enabled()) {
                return in;
            }
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    check();
                    begin();
                    int b;
                    try {
                        b = super.read();
                    } finally {
                        end();
                    }
                    if (b >= 0) {
                        read++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    check();
                    begin();
                    int n;
                    try {
                        n = super.read(b, off, len);
                    } finally {
                        end();
                    }
                    if (n > 0) {
                        read += n;
                    }
                    return n;
                }
            };
        }

        private void begin() {
            readingSince = clock.instant();
        }

        private void end() {
            Instant since = readingSince;
            readingSince = null;
            if (since != null) {
                readingMillis += Duration.between(since, clock.instant()).toMillis();
            }
        }

        private void check() throws TooSlow {
            TooSlow e = expired;
            if (e != null) {
                throw e;
            }
            Instant now = clock.instant();
            if (now.isAfter(until)) {
                throw failure(now);
            }
        }

        private TooSlow failure(Instant now) {
            long elapsed = Duration.between(start, now).toMillis();
            Instant since = readingSince;
            long reading = readingMillis
                    + (since == null ? 0 : Duration.between(since, now).toMillis());
            String who = reading * 2 >= elapsed
                    ? "the source is too slow"
                    : "the destination stopped taking the upload (" + reading + " ms of it waiting for the source)";
            return new TooSlow("blob " + digest + ": " + read + " of " + size + " bytes in " + elapsed
                    + " ms, past its deadline of " + allowed.toMillis() + " ms (berth.replication.min-throughput "
                    + bytesPerSecond / 1024 + " KiB/s after berth.replication.min-transfer-time "
                    + grace.toMillis() + " ms): " + who);
        }

        private void watch() {
            try {
                while (true) {
                    Thread.sleep(POLL);
                    Instant now = clock.instant();
                    if (now.isAfter(until)) {
                        expired = failure(now);
                        cancellation.cancel();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // the attempt ended
            }
        }

        /**
         * The failure to report instead of {@code e}, thrown by the attempt: the rule's when the
         * watchdog ended it (and {@code e} is not already the rule's); empty for {@code e} itself.
         */
        Optional<TooSlow> explains(Exception e) {
            TooSlow slow = expired;
            if (slow == null || TooSlow.in(e).isPresent()) {
                return Optional.empty();
            }
            slow.addSuppressed(e);
            return Optional.of(slow);
        }

        @Override
        public void close() {
            if (watchdog != null) {
                watchdog.interrupt();
            }
        }
    }

    /** A blob that did not arrive within its deadline; not retried by the request's retries. */
    static final class TooSlow extends IOException {
        TooSlow(String message) {
            super(message);
        }

        /** The rule's failure behind {@code e}, if it is one. */
        static Optional<TooSlow> in(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TooSlow s) {
                    return Optional.of(s);
                }
                if (t.getCause() == t) {
                    break;
                }
            }
            return Optional.empty();
        }
    }
}
