package dev.berth.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream blob's bytes that survive a transfer breaking off: when the connection fails or ends
 * short of the announced length, the rest is asked for again from where it stopped (a {@code
 * Range} request), a few times. An upstream that does not answer the range as asked ends the
 * fetch ({@link UpstreamUnavailable}); nothing already read is read twice.
 */
final class ResumingStream extends InputStream {
    private static final Logger log = LoggerFactory.getLogger(ResumingStream.class);
    static final int RESUMES = 3;

    /** Opens the blob's bytes from an offset. */
    interface Opener {
        InputStream open(long offset);
    }

    private final Opener opener;
    private final long length;
    private final String what;
    private InputStream current;
    private long position;
    private int resumesLeft = RESUMES;

    /**
     * @param first the first answer's body, from offset 0
     * @param length the blob's length; -1 when unknown (then a break is not resumed)
     */
    ResumingStream(InputStream first, long length, Opener opener, String what) {
        this.current = first;
        this.length = length;
        this.opener = opener;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            try {
                int n = current.read(b, off, len);
                if (n < 0 && length >= 0 && position < length) {
                    throw new EOFException("the upstream's answer ended at " + position + " of " + length + " bytes");
                }
                if (n > 0) {
                    position += n;
                }
                return n;
            } catch (IOException | UncheckedIOException e) {
                if (length < 0 || resumesLeft <= 0) {
                    throw e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
                }
                resumesLeft--;
                log.info("event=proxy_blob_resume blob={} offset={} reason=\"{}\"", what, position, e.getMessage());
                closeQuietly(current);
                current = opener.open(position);
            }
        }
    }

    @Override
    public void close() throws IOException {
        current.close();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | UncheckedIOException ignored) {
            // a broken connection
        }
    }
}
