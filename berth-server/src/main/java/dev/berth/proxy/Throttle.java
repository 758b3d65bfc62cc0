package dev.berth.proxy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Harbor's {@code proxy_speed_kb}: reads from the upstream at most this many KiB per second, by
 * pausing the reading (virtual) thread whenever it is ahead of the allowance.
 */
final class Throttle extends FilterInputStream {
    private final long bytesPerSecond;
    private final long start = System.nanoTime();
    private long read;

    private Throttle(InputStream in, long bytesPerSecond) {
        super(in);
        this.bytesPerSecond = bytesPerSecond;
    }

    /** {@code in} itself when {@code kibPerSecond} is 0 or less (no limit). */
    static InputStream of(InputStream in, long kibPerSecond) {
        return kibPerSecond > 0 ? new Throttle(in, kibPerSecond * 1024) : in;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            account(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, (int) Math.min(length, Math.max(1, bytesPerSecond / 4)));
        if (n > 0) {
            account(n);
        }
        return n;
    }

    private void account(int n) throws IOException {
        read += n;
        long dueNanos = read * 1_000_000_000L / bytesPerSecond;
        long ahead = dueNanos - (System.nanoTime() - start);
        if (ahead > 0) {
            try {
                Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("throttled read interrupted");
            }
        }
    }
}
