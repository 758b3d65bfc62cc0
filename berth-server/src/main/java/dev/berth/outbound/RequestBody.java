package dev.berth.outbound;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of an {@link OutboundRequest}. It can be opened more than once, so that a 307/308
 * redirect (when the client follows redirects) can send it again.
 *
 * @param contentType the {@code Content-Type} to send
 * @param length the length in bytes, or {@code -1} for chunked transfer
 * @param source opens the bytes; each call starts from the beginning
 */
public record RequestBody(String contentType, long length, Source source) {
    /** Opens a body's bytes from the start. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    public RequestBody {
        if (contentType == null || contentType.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("invalid content type");
        }
        if (length < -1) {
            throw new IllegalArgumentException("invalid length");
        }
    }

    /** A body held in memory: a webhook payload, a JSON request. */
    public static RequestBody of(String contentType, byte[] bytes) {
        byte[] copy = bytes.clone();
        return new RequestBody(contentType, copy.length, () -> new ByteArrayInputStream(copy));
    }
}
