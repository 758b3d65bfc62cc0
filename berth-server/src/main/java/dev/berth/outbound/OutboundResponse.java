package dev.berth.outbound;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A receiver's answer: status, headers and a body stream that fails past the client's {@code
 * maxResponseBytes}. Close it (try-with-resources) to release the connection.
 *
 * <p>Nothing here is safe to show as it is: use {@link #summary()} for logs and API messages.
 */
public final class OutboundResponse implements Closeable {
    private final int status;
    private final Map<String, List<String>> headers;
    private final InputStream body;
    private final Closeable connection;

    OutboundResponse(int status, Map<String, List<String>> headers, InputStream body, Closeable connection) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.connection = connection;
    }

    public int status() {
        return status;
    }

    /** Whether the status is 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** All headers; names compare case-insensitively. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /**
     * The body, read at most once; reading past the client's {@code maxResponseBytes} throws an
     * {@link IOException}. Empty for responses without a body.
     */
    public InputStream body() {
        return body;
    }

    /**
     * A short description that is safe for task logs and API messages: the status code and at most
     * {@value ResponseSummary#MAX_CHARS} printable ASCII characters from the start of the body, e.g.
     * {@code HTTP 503: upstream unavailable}. Reads from the body if it has not been read.
     */
    public String summary() {
        return ResponseSummary.of(status, body);
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
