package dev.berth.replication;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A policy's {@code speed}: at most so many KiB per second through every stream of one task,
 * whichever blob it carries — a token bucket over the whole transfer. The bucket fills at the
 * limit and holds at most a tenth of a second's worth, so a pause (a HEAD, a manifest, the next
 * blob's upload session) earns no burst beyond that, and over any stretch of {@code t} seconds no
 * more than {@code (t + 0.1) × limit} bytes pass; a read that takes more than the bucket holds
 * runs it into debt, which the next reads wait off. A read asks for at most the bucket's size, so
 * the pacing is smooth and the average over a long blob is the limit itself.
 */
final class Throttle {
    /** Time as the bucket sees it: the system's, or a test's. */
    interface Ticker {
        long nanos();

        void sleep(long nanos) throws InterruptedException;

        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        };
    }

    private static final long NANOS = 1_000_000_000L;

    private final long bytesPerSecond;
    private final long capacity;
    private final Ticker ticker;
    /** Bytes that may pass now; negative when reads ran ahead (a debt still to wait off). */
    private long tokens;

    private long last;

    /** @param kibPerSecond 0 or less for no limit */
    Throttle(long kibPerSecond) {
        this(kibPerSecond, Ticker.SYSTEM);
    }

    Throttle(long kibPerSecond, Ticker ticker) {
        this.bytesPerSecond = Math.max(0, kibPerSecond) * 1024;
        this.capacity = Math.max(1, bytesPerSecond / 10);
        this.ticker = ticker;
        this.tokens = capacity;
        this.last = ticker.nanos();
    }

    boolean limited() {
        return bytesPerSecond > 0;
    }

    /** The most bytes the bucket holds: the largest burst after a pause. */
    long capacity() {
        return capacity;
    }

    InputStream wrap(InputStream in) {
        if (!limited()) {
            return in;
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    take(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n = super.read(b, off, (int) Math.min(len, capacity));
                if (n > 0) {
                    take(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                if (skipped > 0) {
                    take(skipped);
                }
                return skipped;
            }
        };
    }

    /** Takes {@code bytes} from the bucket, waiting until they are paid for. */
    synchronized void take(long bytes) throws InterruptedIOException {
        refill();
        tokens -= bytes;
        while (tokens < 0) {
            long wait = Math.ceilDiv(-tokens * NANOS, bytesPerSecond);
            try {
                ticker.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stopped");
            }
            refill();
        }
    }

    private void refill() {
        long now = ticker.nanos();
        long elapsed = now - last;
        if (elapsed <= 0) {
            return;
        }
        // whole bytes only; the remainder of the time is kept for the next refill
        long earned = Math.multiplyHigh(elapsed, bytesPerSecond) == 0
                ? elapsed * bytesPerSecond / NANOS
                : (long) ((double) elapsed * bytesPerSecond / NANOS);
        if (earned <= 0) {
            return;
        }
        long used = Math.ceilDiv(earned * NANOS, bytesPerSecond);
        last = tokens + earned >= capacity ? now : last + Math.min(used, elapsed);
        tokens = Math.min(capacity, tokens + earned);
    }
}
