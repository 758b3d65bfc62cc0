package dev.berth.outbound;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A response body that fails, rather than ends, once it has yielded more than its limit. */
final class BoundedInputStream extends FilterInputStream {
    private final long limit;
    private long read;

    BoundedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        // ask for one byte past the limit at most, so an over-long body is noticed without reading on
        long room = limit - read + 1;
        int n = super.read(buffer, offset, (int) Math.min(length, Math.max(1, room)));
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, limit - read + 1));
        count(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(long n) throws IOException {
        read += n;
        if (read > limit) {
            throw new IOException("the response body is longer than " + limit + " bytes");
        }
    }
}
