package dev.berth.replication;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A policy's {@code speed}: at most so many KiB per second through every stream of one task,
 * whichever blob it carries. Reads are paced against the task's start, so the average over the
 * task holds the limit and a burst never exceeds one read's buffer.
 */
final class Throttle {
    private final long bytesPerSecond;
    private final long start = System.nanoTime();
    private long sent;

    /** @param kibPerSecond 0 or less for no limit */
    Throttle(long kibPerSecond) {
        this.bytesPerSecond = Math.max(0, kibPerSecond) * 1024;
    }

    boolean limited() {
        return bytesPerSecond > 0;
    }

    InputStream wrap(InputStream in) {
        if (!limited()) {
            return in;
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                pace(1);
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                // at most a tenth of a second's worth per read keeps the pacing smooth
                int n = super.read(b, off, (int) Math.max(1, Math.min(len, bytesPerSecond / 10)));
                if (n > 0) {
                    pace(n);
                }
                return n;
            }
        };
    }

    private synchronized void pace(long bytes) throws IOException {
        sent += bytes;
        long dueNanos = (long) ((double) sent / bytesPerSecond * 1e9);
        long early = dueNanos - (System.nanoTime() - start);
        if (early > 0) {
            try {
                Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stopped");
            }
        }
    }
}
