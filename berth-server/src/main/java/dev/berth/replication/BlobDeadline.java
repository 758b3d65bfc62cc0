package dev.berth.replication;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The whole-transfer rule for one blob: its bytes must all have been read within {@code
 * berth.replication.min-transfer-time} plus its size at {@code berth.replication.min-throughput}.
 * The read timeout alone does not end a remote that trickles a byte just inside it; this does. A
 * policy's {@code speed} below the minimum lowers the minimum to half of it, so a limit the
 * administrator chose never trips the rule. The time is the server's clock, checked at every read.
 */
final class BlobDeadline {
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

    /** The blob's stream, failing with {@link TooSlow} once the blob's time is up. */
    InputStream wrap(InputStream in, String digest, long size) {
        if (!enabled()) {
            return in;
        }
        Instant start = clock.instant();
        Duration allowed = allowed(size);
        Instant until = start.plus(allowed);
        return new FilterInputStream(in) {
            private long read;

            private void check() throws TooSlow {
                Instant now = clock.instant();
                if (now.isAfter(until)) {
                    throw new TooSlow("blob " + digest + ": " + read + " of " + size + " bytes in "
                            + Duration.between(start, now).toMillis() + " ms, past its deadline of "
                            + allowed.toMillis() + " ms (berth.replication.min-throughput "
                            + bytesPerSecond / 1024 + " KiB/s after berth.replication.min-transfer-time "
                            + grace.toMillis() + " ms): the remote is too slow");
                }
            }

            @Override
            public int read() throws IOException {
                check();
                int b = super.read();
                if (b >= 0) {
                    read++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                check();
                int n = super.read(b, off, len);
                if (n > 0) {
                    read += n;
                }
                return n;
            }
        };
    }

    /** A blob that did not arrive within its deadline; not retried by the request's retries. */
    static final class TooSlow extends IOException {
        TooSlow(String message) {
            super(message);
        }

        /** The rule's failure behind {@code e}, if it is one. */
        static java.util.Optional<TooSlow> in(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TooSlow s) {
                    return java.util.Optional.of(s);
                }
                if (t.getCause() == t) {
                    break;
                }
            }
            return java.util.Optional.empty();
        }
    }
}
