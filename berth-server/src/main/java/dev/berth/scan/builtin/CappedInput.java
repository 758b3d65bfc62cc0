package dev.berth.scan.builtin;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A view of a stream that refuses to read past a limit (a file that claims to be a package
 * database but is larger than any real one) and never closes what it wraps: the tar or zip
 * stream it reads from goes on to its next entry.
 */
final class CappedInput extends FilterInputStream {
    /** Thrown when a file is larger than its reader's limit; the file is skipped with a note. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("larger than " + limit + " bytes");
        }
    }

    private final long limit;
    private long read;

    CappedInput(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0 && ++read > limit) {
            throw new TooLarge(limit);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        // One byte past the limit is read, so a file of exactly the limit passes and a larger one does not.
        long room = limit - read;
        int n = super.read(b, off, room >= len ? len : (int) room + 1);
        if (n > 0) {
            read += n;
            if (read > limit) {
                throw new TooLarge(limit);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long room = limit - read;
        long s = super.skip(room >= n ? n : room + 1);
        read += s;
        if (read > limit) {
            throw new TooLarge(limit);
        }
        return s;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {}
}
