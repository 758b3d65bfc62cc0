import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The OCI Distribution operations the load generator needs, over {@link HttpConnection}s.
 *
 * <p>Thread-safe: every calling thread gets its own keep-alive connection to the base URL, so W
 * worker threads use exactly W connections.
 *
 * <p>With credentials, every request to the base URL's origin carries {@code Authorization: Basic}
 * (what docker, podman and skopeo do after a login); requests redirected to another origin, such
 * as a storage backend, do not.
 */
final class OciClient implements AutoCloseable {

  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final int MAX_REDIRECTS = 5;

  private final URI base;
  private final List<HttpConnection> connections = new CopyOnWriteArrayList<>();
  private final ThreadLocal<HttpConnection> connection;
  private final String authorization; // null: anonymous

  /** {@code credentials} is {@code user:password}, or null for anonymous requests. */
  OciClient(String url, String credentials) {
    this.base = URI.create(url.replaceAll("/+$", ""));
    this.authorization = credentials == null ? null : basic(credentials);
    this.connection = ThreadLocal.withInitial(() -> {
      HttpConnection c = new HttpConnection(base);
      connections.add(c);
      return c;
    });
  }

  /** Monolithic upload, the common docker flow: POST to open a session, one PUT with the bytes. */
  void pushBlob(String repo, String digest, HttpConnection.Body body) throws IOException {
    Reply started = call("POST", "/v2/" + repo + "/blobs/uploads/", Map.of(), HttpConnection.Body.EMPTY, 202);
    String location = started.response().header("Location");
    if (location == null) {
      throw new BenchFailure("POST /v2/" + repo + "/blobs/uploads/: 202 without a Location header");
    }
    URI upload = base.resolve(location);
    String separator = upload.getRawQuery() == null ? "?" : "&";
    call("PUT", upload + separator + "digest=" + digest,
        Map.of("Content-Type", "application/octet-stream"), body, 201);
  }

  void putManifest(String repo, String tag, byte[] manifest) throws IOException {
    call("PUT", "/v2/" + repo + "/manifests/" + tag, Map.of("Content-Type", OCI_MANIFEST),
        HttpConnection.bytes(manifest), 201);
  }

  /** GETs a manifest by tag and checks Docker-Content-Digest (when sent) against its bytes. */
  byte[] getManifest(String repo, String tag) throws IOException {
    Reply reply = call("GET", "/v2/" + repo + "/manifests/" + tag, Map.of("Accept", OCI_MANIFEST),
        HttpConnection.Body.EMPTY, 200);
    String actual = "sha256:" + HexFormat.of().formatHex(sha256().digest(reply.body()));
    String claimed = Objects.requireNonNullElse(reply.response().header("Docker-Content-Digest"), actual);
    if (!claimed.equals(actual)) {
      throw new BenchFailure("DIGEST MISMATCH for manifest %s:%s: header says %s, body hashes to %s"
          .formatted(repo, tag, claimed, actual));
    }
    return reply.body();
  }

  /** GETs a blob (following redirects), counting bytes; verifies them unless digest is null. */
  long getBlob(String path, String digest) throws IOException {
    URI uri = base.resolve(path);
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      BlobSink blob = new BlobSink(digest != null);
      ByteArrayOutputStream other = new ByteArrayOutputStream();
      HttpConnection.Response response = send("GET", uri, Map.of(), HttpConnection.Body.EMPTY,
          head -> head.status() == 200 ? blob : HttpConnection.collectInto(other).open(head));
      String location = response.header("Location");
      if (response.status() / 100 == 3 && location != null) {
        uri = uri.resolve(location);
        continue;
      }
      check("GET", uri, response.status(), 200, other.toByteArray());
      String declared = response.header("Content-Length");
      if (declared != null && Long.parseLong(declared) != blob.bytes) {
        throw new BenchFailure("%s: Content-Length %s but %d bytes received".formatted(path, declared, blob.bytes));
      }
      String received = blob.digest();
      if (digest != null && !digest.equals(received)) {
        throw new BenchFailure("DIGEST MISMATCH for %s: expected %s, received bytes hash to %s"
            .formatted(path, digest, received));
      }
      return blob.bytes;
    }
    throw new BenchFailure(path + ": more than " + MAX_REDIRECTS + " redirects");
  }

  void getTags(String repo) throws IOException {
    Reply reply = call("GET", "/v2/" + repo + "/tags/list", Map.of(), HttpConnection.Body.EMPTY, 200);
    String body = new String(reply.body(), StandardCharsets.UTF_8);
    if (!body.contains("\"tags\"")) {
      throw new BenchFailure("tags/list for " + repo + " has no tags field: " + body);
    }
  }

  /**
   * GETs a JSON API path, expecting 200 and a JSON array (the list APIs) or object (search);
   * returns the body.
   */
  byte[] getJsonList(String path) throws IOException {
    Reply reply = call("GET", path, Map.of("Accept", "application/json"), HttpConnection.Body.EMPTY, 200);
    if (reply.body().length == 0 || (reply.body()[0] != '[' && reply.body()[0] != '{')) {
      throw new BenchFailure("GET " + path + ": not a JSON array or object: "
          + new String(reply.body(), 0, Math.min(reply.body().length, 300), StandardCharsets.UTF_8));
    }
    return reply.body();
  }

  @Override
  public void close() {
    connections.forEach(HttpConnection::close);
  }

  // ---------------------------------------------------------------- plumbing

  private record Reply(HttpConnection.Response response, byte[] body) {}

  private Reply call(String method, String pathOrUrl, Map<String, String> headers, HttpConnection.Body body,
      int expected) throws IOException {
    URI uri = base.resolve(pathOrUrl);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HttpConnection.Response response = send(method, uri, headers, body, HttpConnection.collectInto(out));
    check(method, uri, response.status(), expected, out.toByteArray());
    return new Reply(response, out.toByteArray());
  }

  /** Uses this thread's connection for the base URL's origin, a one-off connection otherwise. */
  private HttpConnection.Response send(String method, URI uri, Map<String, String> headers,
      HttpConnection.Body body, HttpConnection.BodyHandler handler) throws IOException {
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    if (Objects.equals(uri.getRawAuthority(), base.getRawAuthority())) {
      if (authorization != null) {
        Map<String, String> withAuth = new HashMap<>(headers);
        withAuth.put("Authorization", authorization);
        headers = withAuth;
      }
      return connection.get().exchange(method, target, headers, body, handler);
    }
    try (HttpConnection oneOff = new HttpConnection(uri)) {
      return oneOff.exchange(method, target, headers, body, handler);
    }
  }

  private static void check(String method, URI uri, int status, int expected, byte[] body) {
    if (status != expected) {
      String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
      throw new BenchFailure("%s %s: HTTP %d (expected %d) %s".formatted(method, uri, status, expected, text));
    }
  }

  /** {@code user:password} to the value of an {@code Authorization: Basic} header. */
  static String basic(String credentials) {
    if (credentials.indexOf(':') <= 0) {
      throw new IllegalArgumentException("credentials must be user:password");
    }
    return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts body bytes and, when asked to, hashes them. */
  private static final class BlobSink implements HttpConnection.BodySink {
    private final MessageDigest sha;
    private long bytes;

    BlobSink(boolean hash) {
      this.sha = hash ? sha256() : null;
    }

    @Override
    public void accept(ByteBuffer chunk) {
      bytes += chunk.remaining();
      if (sha != null) {
        sha.update(chunk);
      }
    }

    /** The digest of everything received; call once (it resets the hash). */
    String digest() {
      return sha == null ? null : "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
  }

  /** A protocol violation or digest mismatch: fails the scenario. */
  static final class BenchFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchFailure(String message) {
      super(message);
    }
  }
}
