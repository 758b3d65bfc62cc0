import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A minimal blocking HTTP/1.1 client connection with keep-alive, meant to be owned by one thread.
 *
 * <p>java.net.http.HttpClient tops out far below loopback speed for large bodies and burns CPU
 * that the server under test needs on a small machine, so the load generator speaks HTTP/1.1
 * itself: request bytes are written straight to a {@link SocketChannel}, file bodies go through
 * {@link FileChannel#transferTo}, and response bodies are handed to a {@link BodySink} as slices
 * of one direct buffer, without copying. Supports Content-Length, chunked and read-until-close
 * bodies; no pipelining, no TLS, no compression.
 */
final class HttpConnection implements AutoCloseable {

  /** Receives the response body piecewise; the buffer is only valid during the call. */
  interface BodySink {
    void accept(ByteBuffer chunk);
  }

  /** Chooses where the body goes once the status line and headers are known. */
  interface BodyHandler {
    BodySink open(Response head);
  }

  /** A handler that appends every body to {@code out}. */
  static BodyHandler collectInto(ByteArrayOutputStream out) {
    return head -> chunk -> {
      byte[] bytes = new byte[chunk.remaining()];
      chunk.get(bytes);
      out.write(bytes, 0, bytes.length);
    };
  }

  /** A request body: nothing, bytes in memory, or a file sent with transferTo. */
  sealed interface Body {
    Body EMPTY = new Bytes(new byte[0]);

    long length();

    record Bytes(byte[] data) implements Body {
      public long length() {
        return data.length;
      }
    }

    record File(Path path, long length) implements Body {}
  }

  static Body bytes(byte[] data) {
    return new Body.Bytes(data);
  }

  static Body file(Path path) throws IOException {
    return new Body.File(path, Files.size(path));
  }

  /** Status line and headers (names lower-cased; last value wins) of a response. */
  record Response(int status, Map<String, String> headers) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private static final int BUFFER_SIZE = 1 << 20;
  private static final int MAX_HEADER_BYTES = 64 << 10;

  /** Longest one exchange may take before its socket is closed under it: keeps every loop bounded. */
  static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(Long.getLong("registryload.timeout", 120));

  private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

  private final InetSocketAddress address;
  private final String hostHeader;
  private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER_SIZE).flip(); // read mode
  private volatile SocketChannel channel;
  private volatile boolean timedOut;

  HttpConnection(URI base) {
    int port = base.getPort() > 0 ? base.getPort() : 80;
    if (!"http".equals(base.getScheme())) {
      throw new IllegalArgumentException("only http:// URLs are supported: " + base);
    }
    this.address = new InetSocketAddress(base.getHost(), port);
    this.hostHeader = base.getHost() + (base.getPort() > 0 ? ":" + port : "");
  }

  /** Sends one request and streams the response body to the sink chosen by {@code handler}. */
  Response exchange(String method, String target, Map<String, String> headers, Body body, BodyHandler handler)
      throws IOException {
    timedOut = false;
    ScheduledFuture<?> guard = WATCHDOG.schedule(this::abort, EXCHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return attempt(method, target, headers, body, handler);
    } catch (IOException e) {
      if (timedOut) {
        throw new IOException("%s %s: no complete response within %d s".formatted(method, target, EXCHANGE_TIMEOUT.toSeconds()), e);
      }
      throw e;
    } finally {
      guard.cancel(false);
    }
  }

  private Response attempt(String method, String target, Map<String, String> headers, Body body, BodyHandler handler)
      throws IOException {
    boolean reused = channel != null;
    try {
      try {
        sendRequest(method, target, headers, body);
      } catch (IOException e) {
        throw reused ? new StaleConnection(e) : e;
      }
      return readResponse(method, handler);
    } catch (StaleConnection e) {
      close();
      if (!reused || timedOut) {
        throw e;
      }
      // The server dropped an idle keep-alive connection before answering: retry on a fresh one.
      return attempt(method, target, headers, body, handler);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Called by the watchdog: closing the channel wakes the blocked reader or writer. */
  private void abort() {
    timedOut = true;
    SocketChannel c = channel;
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // it is closed either way
      }
    }
  }

  private static ScheduledThreadPoolExecutor watchdog() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "http-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  @Override
  public void close() {
    SocketChannel c = channel;
    channel = null;
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    in.clear().flip();
  }

  // ---------------------------------------------------------------- request

  private void sendRequest(String method, String target, Map<String, String> headers, Body body)
      throws IOException {
    if (channel == null) {
      channel = SocketChannel.open(); // assigned before connecting so the watchdog can abort the connect
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.connect(address);
    }
    StringBuilder head = new StringBuilder(256)
        .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: ").append(hostHeader).append("\r\n")
        .append("User-Agent: berth-bench\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (body.length() > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
      head.append("Content-Length: ").append(body.length()).append("\r\n");
    }
    head.append("\r\n");
    ByteBuffer headBytes = ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    switch (body) {
      case Body.Bytes(byte[] data) -> writeFully(headBytes, ByteBuffer.wrap(data));
      case Body.File(Path path, long length) -> {
        writeFully(headBytes);
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
          for (long sent = 0; sent < length; ) {
            sent += file.transferTo(sent, length - sent, channel);
          }
        }
      }
    }
  }

  private void writeFully(ByteBuffer... buffers) throws IOException {
    long total = 0;
    for (ByteBuffer b : buffers) {
      total += b.remaining();
    }
    for (long written = 0; written < total; ) {
      written += channel.write(buffers);
    }
  }

  // ---------------------------------------------------------------- response

  private Response readResponse(String method, BodyHandler handler) throws IOException {
    Response response = readHead();
    while (response.status() / 100 == 1) { // 100 Continue and friends carry no body
      response = readHead();
    }
    BodySink sink = handler.open(response);
    String length = response.header("content-length");
    String encoding = response.header("transfer-encoding");
    boolean noBody = method.equals("HEAD") || response.status() == 204 || response.status() == 304;
    if (noBody) {
      // nothing to read
    } else if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      readChunked(sink);
    } else if (length != null) {
      readExactly(Long.parseLong(length.trim()), sink);
    } else {
      readUntilClose(sink);
    }
    if ("close".equalsIgnoreCase(response.header("connection")) || (length == null && encoding == null && !noBody)) {
      close();
    }
    return response;
  }

  private Response readHead() throws IOException {
    String statusLine;
    try {
      statusLine = readLine();
    } catch (IOException e) {
      throw new StaleConnection(e);
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("malformed status line: " + statusLine);
    }
    Map<String, String> headers = new TreeMap<>();
    int headerBytes = 0;
    for (String line; !(line = readLine()).isEmpty(); ) {
      headerBytes += line.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new IOException("response headers exceed " + MAX_HEADER_BYTES + " bytes");
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    return new Response(Integer.parseInt(parts[1]), headers);
  }

  private void readChunked(BodySink sink) throws IOException {
    while (true) {
      String sizeLine = readLine();
      int semicolon = sizeLine.indexOf(';');
      long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // skip trailers
        }
        return;
      }
      readExactly(size, sink);
      if (!readLine().isEmpty()) {
        throw new IOException("missing CRLF after chunk");
      }
    }
  }

  /** Delivers exactly {@code length} body bytes, never reading past them. */
  private void readExactly(long length, BodySink sink) throws IOException {
    long left = length;
    while (left > 0) {
      if (!in.hasRemaining()) {
        in.clear().limit((int) Math.min(in.capacity(), left));
        int n = channel.read(in);
        in.flip();
        if (n < 0) {
          throw new EOFException("connection closed with " + left + " body bytes outstanding");
        }
      }
      int take = (int) Math.min(in.remaining(), left);
      deliver(take, sink);
      left -= take;
    }
  }

  private void readUntilClose(BodySink sink) throws IOException {
    while (true) {
      if (in.hasRemaining()) {
        deliver(in.remaining(), sink);
      }
      in.clear();
      int n = channel.read(in);
      in.flip();
      if (n < 0) {
        return;
      }
    }
  }

  private void deliver(int count, BodySink sink) {
    int end = in.position() + count;
    ByteBuffer slice = in.slice(in.position(), count);
    sink.accept(slice);
    in.position(end);
  }

  /** Reads one CRLF-terminated ASCII line (without the CRLF). */
  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      while (in.hasRemaining()) {
        char c = (char) (in.get() & 0xff);
        if (c == '\n') {
          int len = line.length();
          return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
        }
        line.append(c);
        if (line.length() > MAX_HEADER_BYTES) {
          throw new IOException("line too long");
        }
      }
      in.clear();
      int n = channel.read(in);
      in.flip();
      if (n < 0) {
        throw new EOFException("connection closed while reading the response head");
      }
    }
  }

  /** Nothing of the response arrived: the request may be retried on a new connection. */
  private static final class StaleConnection extends IOException {
    private static final long serialVersionUID = 1L;

    StaleConnection(IOException cause) {
      super("no response: " + cause.getMessage(), cause);
    }
  }
}
