package dev.berth.support;

import dev.berth.storage.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small OCI distribution client over real HTTP, for tests. */
public final class RegistryClient {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final HttpClient http;
    private final Map<String, String> defaultHeaders;

    public RegistryClient(URI base) {
        this(base, Map.of());
    }

    public RegistryClient(URI base, Map<String, String> defaultHeaders) {
        this.base = base;
        this.defaultHeaders = Map.copyOf(defaultHeaders);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public RegistryClient withHeaders(Map<String, String> headers) {
        return new RegistryClient(base, headers);
    }

    /** This client with one more default header (its credentials kept), e.g. an {@code X-Request-Id}. */
    public RegistryClient withHeader(String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(defaultHeaders);
        all.put(name, value);
        return new RegistryClient(base, all);
    }

    public record Response(int status, HttpResponse<byte[]> raw) {
        public byte[] body() {
            return raw.body();
        }

        public String text() {
            return new String(raw.body(), StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return JSON.readTree(raw.body());
        }

        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        public List<String> headers(String name) {
            return raw.headers().allValues(name);
        }

        /** The first OCI error code of the body. */
        public String errorCode() {
            return json().path("errors").path(0).path("code").asString("");
        }
    }

    public Response send(String method, String pathAndQuery, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(pathAndQuery)).timeout(Duration.ofSeconds(60));
        defaultHeaders.forEach(b::header);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpRequest.BodyPublisher publisher =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        b.method(method, publisher);
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    /**
     * A GET that follows a redirect as registry clients do: to the new location with the request's
     * own headers (such as {@code Range}) but without this client's credentials, which belong to
     * the registry and not to, say, the object store a presigned URL points at.
     */
    public Response getFollowingRedirect(String path, String... headers) {
        Response first = get(path, headers);
        if (first.status() != 307 && first.status() != 302 && first.status() != 303) {
            return first;
        }
        URI target = resolve(path).resolve(first.header("Location").orElseThrow());
        return new RegistryClient(target).get(target.toString(), headers);
    }

    public Response head(String path, String... headers) {
        return send("HEAD", path, null, headers);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    public URI resolve(String pathOrUrl) {
        return pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : base.resolve(pathOrUrl);
    }

    // ---- pushing ------------------------------------------------------------------------------

    /** POST then a single PUT with the whole body. */
    public Digest pushBlob(String repository, byte[] content) {
        Digest digest = Digest.sha256(content);
        Response start = send("POST", "/v2/" + repository + "/blobs/uploads/", null);
        check(start, 202);
        String location = start.header("Location").orElseThrow();
        Response put = send(
                "PUT",
                location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                content,
                "Content-Type",
                "application/octet-stream");
        check(put, 201);
        return digest;
    }

    public Digest pushManifest(String repository, String reference, String mediaType, byte[] manifest) {
        Response r = send("PUT", "/v2/" + repository + "/manifests/" + reference, manifest, "Content-Type", mediaType);
        check(r, 201);
        return Digest.parse(r.header("Docker-Content-Digest").orElseThrow()).orElseThrow();
    }

    /** An image pushed by {@link #pushImage}: its manifest and blobs. */
    public record Image(Digest manifest, byte[] manifestBytes, Digest config, List<Digest> layers) {}

    public Image pushImage(String repository, String tag, byte[]... layers) {
        byte[] config =
                ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"x\":\""
                                + UUID.randomUUID() + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
        Digest configDigest = pushBlob(repository, config);
        List<Digest> layerDigests = new ArrayList<>();
        List<String> descriptors = new ArrayList<>();
        for (byte[] layer : layers) {
            Digest d = pushBlob(repository, layer);
            layerDigests.add(d);
            descriptors.add(descriptor(OCI_LAYER, d, layer.length));
        }
        byte[] manifest = imageManifest(descriptor(OCI_CONFIG, configDigest, config.length), descriptors, null, null);
        Digest digest = pushManifest(
                repository, tag == null ? Digest.sha256(manifest).toString() : tag, OCI_MANIFEST, manifest);
        return new Image(digest, manifest, configDigest, layerDigests);
    }

    /** The bytes of a gzip stream (a layer blob, a {@code Content-Encoding: gzip} body). */
    public static byte[] gunzip(byte[] gz) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String descriptor(String mediaType, Digest digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    public static byte[] imageManifest(String config, List<String> layers, String subject, String artifactType) {
        StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"");
        if (artifactType != null) {
            sb.append(",\"artifactType\":\"").append(artifactType).append('"');
        }
        sb.append(",\"config\":").append(config);
        sb.append(",\"layers\":[").append(String.join(",", layers)).append(']');
        if (subject != null) {
            sb.append(",\"subject\":").append(subject);
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] index(String mediaType, List<String> manifests) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"manifests\":[" + String.join(",", manifests)
                        + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Creates a project through Harbor's API: {@code POST /api/v2.0/projects}. */
    public Response createProject(String name, boolean isPublic) {
        return send(
                "POST",
                "/api/v2.0/projects",
                ("{\"project_name\":\"" + name + "\",\"metadata\":{\"public\":\"" + isPublic + "\"}}")
                        .getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
    }

    public static void check(Response r, int expected) {
        if (r.status() != expected) {
            throw new AssertionError("expected HTTP " + expected + " but got " + r.status() + ": " + r.text());
        }
    }

    /**
     * The actions a {@code /service/token} answer grants, space-separated in the order of its
     * {@code access} claim (empty when it grants nothing); fails unless the answer is 200.
     */
    public static String grantedActions(Response tokenAnswer) {
        check(tokenAnswer, 200);
        String[] parts = tokenAnswer.json().path("token").asString().split("\\.");
        JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
        List<String> actions = new ArrayList<>();
        claims.path("access").forEach(a -> a.path("actions").forEach(x -> actions.add(x.asString())));
        return String.join(" ", actions);
    }
}
