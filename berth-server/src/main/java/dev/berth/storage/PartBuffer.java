package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The bytes of one part on their way to object storage: grows as bytes arrive, up to the part
 * size, so a small chunk costs little memory and a large one costs one part's worth.
 */
final class PartBuffer {
    private static final int INITIAL = 256 * 1024;

    private final int capacity;
    private byte[] bytes;
    private int size;

    /** A buffer for parts of {@code capacity} bytes, sized for at most {@code expected} bytes. */
    PartBuffer(int capacity, long expected) {
        this.capacity = capacity;
        this.bytes = new byte[(int) Math.min(capacity, Math.min(Math.max(expected, 1), INITIAL))];
    }

    /**
     * Reads until the buffer holds a whole part, the stream ends, or {@code limit} bytes were read,
     * feeding each byte to {@code hasher} (if any); never reads past {@code limit}.
     *
     * @return the number of bytes read
     */
    long fill(InputStream in, long limit, MessageDigest hasher) throws IOException {
        long read = 0;
        while (size < capacity && read < limit) {
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(capacity, Math.max((long) bytes.length * 2, 1)));
            }
            int n = in.read(bytes, size, (int) Math.min(bytes.length - size, limit - read));
            if (n < 0) {
                break;
            }
            if (hasher != null) {
                hasher.update(bytes, size, n);
            }
            size += n;
            read += n;
        }
        return read;
    }

    /** Empties the buffer and fills it again. */
    long refill(InputStream in, long limit, MessageDigest hasher) throws IOException {
        size = 0;
        return fill(in, limit, hasher);
    }

    boolean full() {
        return size == capacity;
    }

    int size() {
        return size;
    }

    byte[] bytes() {
        return bytes;
    }
}
