package dev.berth.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An in-process fake of Google Cloud Storage's JSON API on 127.0.0.1, for the GCS driver's tests:
 * the operations the driver and the SDK's HTTP client use, as Google documents them — bucket get;
 * object insert (multipart and media uploads), get (metadata, and media with ranges, pinned by
 * generation), list (by prefix, in pages, so paging is exercised), delete, and compose (at most 32
 * sources, as GCS). Objects live in memory. Not a general emulator: no ACLs, no resumable uploads,
 * no preconditions.
 */
public final class GcsTestServer implements AutoCloseable {
    /** Small pages, so that a listing of a few dozen objects already takes several requests. */
    private static final int PAGE = 25;

    private static final Pattern OBJECT = Pattern.compile("^/storage/v1/b/([^/]+)/o/([^/]+)(/compose)?$");
    private static final Pattern OBJECTS = Pattern.compile("^/storage/v1/b/([^/]+)/o/?$");
    private static final Pattern BUCKET = Pattern.compile("^/storage/v1/b/([^/]+)/?$");
    private static final Pattern UPLOAD = Pattern.compile("^/upload/storage/v1/b/([^/]+)/o/?$");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static GcsTestServer shared;

    private record Stored(byte[] data, long generation, Instant updated) {}

    private final HttpServer server;
    private final Map<String, NavigableMap<String, Stored>> buckets = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong(1_000_000);
    private final AtomicInteger composes = new AtomicInteger();

    private GcsTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** One server for the test classes of this JVM. */
    public static synchronized GcsTestServer shared() {
        if (shared == null) {
            try {
                shared = new GcsTestServer();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the GCS fake", e);
            }
        }
        return shared;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates an empty bucket with a fresh name. */
    public String newBucket() {
        String name = "berth-" + UUID.randomUUID().toString().substring(0, 8);
        buckets.put(name, new ConcurrentSkipListMap<>());
        return name;
    }

    /** The names of the objects in the bucket, for checks on the layout. */
    public List<String> names(String bucket) {
        return new ArrayList<>(buckets.get(bucket).keySet());
    }

    /** How many compose requests were served, so a test can tell a server-side compose happened. */
    public int composes() {
        return composes.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            // Downloads (alt=media) go to the same resource under /download.
            String path = exchange.getRequestURI().getRawPath().replaceFirst("^/download/storage/", "/storage/");
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            Matcher m;
            if ((m = UPLOAD.matcher(path)).matches() && method.equals("POST")) {
                insert(exchange, decode(m.group(1)), query);
            } else if ((m = OBJECT.matcher(path)).matches()) {
                String bucket = decode(m.group(1));
                String name = decode(m.group(2));
                if (m.group(3) != null && method.equals("POST")) {
                    compose(exchange, bucket, name);
                } else if (method.equals("GET")) {
                    get(exchange, bucket, name, query);
                } else if (method.equals("DELETE")) {
                    delete(exchange, bucket, name);
                } else {
                    error(exchange, 405, "method not allowed");
                }
            } else if ((m = OBJECTS.matcher(path)).matches() && method.equals("GET")) {
                list(exchange, decode(m.group(1)), query);
            } else if ((m = BUCKET.matcher(path)).matches() && method.equals("GET")) {
                String bucket = decode(m.group(1));
                if (!buckets.containsKey(bucket)) {
                    error(exchange, 404, "bucket not found");
                } else {
                    json(
                            exchange,
                            200,
                            JSON.createObjectNode()
                                    .put("kind", "storage#bucket")
                                    .put("id", bucket)
                                    .put("name", bucket));
                }
            } else {
                error(exchange, 404, "no route " + method + " " + path);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, e.toString());
        }
    }

    private NavigableMap<String, Stored> bucket(HttpExchange exchange, String name) throws IOException {
        NavigableMap<String, Stored> bucket = buckets.get(name);
        if (bucket == null) {
            error(exchange, 404, "bucket not found");
        }
        return bucket;
    }

    private void insert(HttpExchange exchange, String bucketName, Map<String, String> query) throws IOException {
        NavigableMap<String, Stored> bucket = bucket(exchange, bucketName);
        if (bucket == null) {
            return;
        }
        byte[] body = body(exchange);
        String name;
        byte[] data;
        switch (query.getOrDefault("uploadType", "")) {
            case "media" -> {
                name = query.get("name");
                data = body;
            }
            case "multipart" -> {
                List<byte[]> parts = multipart(exchange.getRequestHeaders().getFirst("Content-Type"), body);
                if (parts.size() != 2) {
                    error(exchange, 400, "a multipart upload has metadata and media");
                    return;
                }
                name = JSON.readTree(parts.get(0)).path("name").asString(null);
                data = parts.get(1);
            }
            default -> {
                error(exchange, 400, "unsupported uploadType " + query.get("uploadType"));
                return;
            }
        }
        if (name == null || name.isEmpty()) {
            error(exchange, 400, "no object name");
            return;
        }
        Stored stored = new Stored(data, generations.incrementAndGet(), Instant.now());
        bucket.put(name, stored);
        json(exchange, 200, metadata(bucketName, name, stored));
    }

    private void get(HttpExchange exchange, String bucketName, String name, Map<String, String> query)
            throws IOException {
        NavigableMap<String, Stored> bucket = bucket(exchange, bucketName);
        if (bucket == null) {
            return;
        }
        Stored stored = bucket.get(name);
        if (stored == null
                || (query.containsKey("generation")
                        && Long.parseLong(query.get("generation")) != stored.generation())) {
            error(exchange, 404, "no such object: " + bucketName + "/" + name);
            return;
        }
        if (!"media".equals(query.get("alt"))) {
            json(exchange, 200, metadata(bucketName, name, stored));
            return;
        }
        byte[] data = stored.data();
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/octet-stream");
        headers.set("x-goog-generation", Long.toString(stored.generation()));
        headers.set("x-goog-metageneration", "1");
        headers.set("x-goog-stored-content-length", Integer.toString(data.length));
        headers.set("x-goog-stored-content-encoding", "identity");
        headers.set("ETag", "\"" + stored.generation() + "\"");
        String range = exchange.getRequestHeaders().getFirst("Range");
        int from = 0;
        int to = data.length - 1;
        int status = 200;
        if (range != null && range.startsWith("bytes=")) {
            String[] bounds = range.substring(6).split("-", -1);
            from = Integer.parseInt(bounds[0]);
            if (!bounds[1].isEmpty()) {
                to = (int) Math.min(Long.parseLong(bounds[1]), data.length - 1L);
            }
            if (from >= data.length) {
                headers.set("Content-Range", "bytes */" + data.length);
                error(exchange, 416, "range not satisfiable");
                return;
            }
            headers.set("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
            status = 206;
        } else {
            headers.set("x-goog-hash", "crc32c=" + crc32c(data) + ",md5=" + md5(data));
        }
        int length = to - from + 1;
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(data, from, length);
        }
    }

    private void delete(HttpExchange exchange, String bucketName, String name) throws IOException {
        NavigableMap<String, Stored> bucket = bucket(exchange, bucketName);
        if (bucket == null) {
            return;
        }
        if (bucket.remove(name) == null) {
            error(exchange, 404, "no such object: " + bucketName + "/" + name);
            return;
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private void list(HttpExchange exchange, String bucketName, Map<String, String> query) throws IOException {
        NavigableMap<String, Stored> bucket = bucket(exchange, bucketName);
        if (bucket == null) {
            return;
        }
        String prefix = query.getOrDefault("prefix", "");
        int max = Math.min(PAGE, Integer.parseInt(query.getOrDefault("maxResults", "1000")));
        String after = query.get("pageToken");
        NavigableMap<String, Stored> from = after == null ? bucket.tailMap(prefix, true) : bucket.tailMap(after, false);
        ObjectNode page = JSON.createObjectNode().put("kind", "storage#objects");
        var items = page.putArray("items");
        String last = null;
        for (Map.Entry<String, Stored> e : from.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            if (items.size() == max) {
                page.put("nextPageToken", last);
                break;
            }
            items.add(metadata(bucketName, e.getKey(), e.getValue()));
            last = e.getKey();
        }
        json(exchange, 200, page);
    }

    private void compose(HttpExchange exchange, String bucketName, String name) throws IOException {
        NavigableMap<String, Stored> bucket = bucket(exchange, bucketName);
        if (bucket == null) {
            return;
        }
        JsonNode request = JSON.readTree(body(exchange));
        JsonNode sources = request.path("sourceObjects");
        if (!sources.isArray() || sources.isEmpty() || sources.size() > 32) {
            error(exchange, 400, "compose takes 1 to 32 source objects");
            return;
        }
        List<byte[]> parts = new ArrayList<>();
        for (JsonNode source : sources) {
            Stored stored = bucket.get(source.path("name").asString(""));
            if (stored == null) {
                error(
                        exchange,
                        404,
                        "no such source object: " + source.path("name").asString(""));
                return;
            }
            parts.add(stored.data());
        }
        int size = parts.stream().mapToInt(p -> p.length).sum();
        byte[] data = new byte[size];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, data, at, part.length);
            at += part.length;
        }
        Stored stored = new Stored(data, generations.incrementAndGet(), Instant.now());
        bucket.put(name, stored);
        composes.incrementAndGet();
        json(exchange, 200, metadata(bucketName, name, stored));
    }

    /** The request's body; Google's HTTP client gzips what it sends. */
    private static byte[] body(HttpExchange exchange) throws IOException {
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            try (var in = new java.util.zip.GZIPInputStream(exchange.getRequestBody())) {
                return in.readAllBytes();
            }
        }
        return exchange.getRequestBody().readAllBytes();
    }

    private static ObjectNode metadata(String bucket, String name, Stored stored) {
        return JSON.createObjectNode()
                .put("kind", "storage#object")
                .put("id", bucket + "/" + name + "/" + stored.generation())
                .put("name", name)
                .put("bucket", bucket)
                .put("generation", Long.toString(stored.generation()))
                .put("metageneration", "1")
                .put("contentType", "application/octet-stream")
                .put("size", Integer.toString(stored.data().length))
                .put("md5Hash", md5(stored.data()))
                .put("crc32c", crc32c(stored.data()))
                .put("etag", Long.toString(stored.generation()))
                .put("timeCreated", stored.updated().toString())
                .put("updated", stored.updated().toString())
                .put("storageClass", "STANDARD");
    }

    /** The parts of a {@code multipart/related} body, without their headers. */
    private static List<byte[]> multipart(String contentType, byte[] body) {
        Matcher b = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType == null ? "" : contentType);
        if (!b.find()) {
            return List.of();
        }
        byte[] delimiter = ("--" + b.group(1)).getBytes(StandardCharsets.US_ASCII);
        List<Integer> at = new ArrayList<>();
        for (int i = indexOf(body, delimiter, 0); i >= 0; i = indexOf(body, delimiter, i + delimiter.length)) {
            at.add(i);
        }
        List<byte[]> parts = new ArrayList<>();
        for (int k = 0; k + 1 < at.size(); k++) {
            int start = at.get(k) + delimiter.length;
            int end = at.get(k + 1) - 2; // the CRLF before the next delimiter
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), start);
            parts.add(Arrays.copyOfRange(body, headersEnd + 4, end));
        }
        return parts;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
        }
        return query;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String md5(byte[] data) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        long v = crc.getValue();
        return Base64.getEncoder()
                .encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", status).put("message", message);
        json(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
