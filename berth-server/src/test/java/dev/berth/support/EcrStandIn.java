package dev.berth.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * A stand-in for Amazon ECR's API on 127.0.0.1, speaking its documented protocol: AWS JSON 1.1
 * ({@code POST /}, {@code X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>}), every
 * request checked for a valid Signature Version 4 with the one access key it knows (recomputed
 * here: a wrong secret is {@code InvalidSignatureException}, as AWS answers). It answers {@code
 * GetAuthorizationToken} with a Basic login to a real registry ({@code proxyEndpoint}),
 * {@code DescribeRepositories}, {@code CreateRepository} and {@code BatchDeleteImage} (which
 * deletes the manifests by digest from the registry behind), and records each operation in
 * order.
 */
public final class EcrStandIn implements AutoCloseable {
    private static final String TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";
    private static final Pattern CREDENTIAL = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)");

    private final String accessKey;
    private final String secretKey;
    private final String region;
    private final URI registry;
    private final String user;
    private final String password;
    private final HttpServer server;
    private final List<String> operations = new CopyOnWriteArrayList<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final Set<String> repositories = ConcurrentHashMap.newKeySet();

    private EcrStandIn(String accessKey, String secretKey, String region, URI registry, String user, String password)
            throws IOException {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.region = region;
        this.registry = registry;
        this.user = user;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * An ECR API in {@code region} that knows one key pair and hands out {@code user}/{@code
     * password} for the registry at {@code registry}.
     */
    public static EcrStandIn start(
            String accessKey, String secretKey, String region, URI registry, String user, String password) {
        try {
            return new EcrStandIn(accessKey, secretKey, region, registry, user, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The operations answered (signature valid), in order. */
    public List<String> operations() {
        return List.copyOf(operations);
    }

    /** The request bodies of the operations answered, in the same order. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** Repositories DescribeRepositories lists (CreateRepository adds to them). */
    public void addRepository(String name) {
        repositories.add(name);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith(TARGET_PREFIX)) {
                answer(exchange, 400, error("UnknownOperationException", "not an ECR operation"));
                return;
            }
            String signatureProblem = checkSignature(exchange, body);
            if (signatureProblem != null) {
                answer(
                        exchange,
                        403,
                        error(
                                signatureProblem.startsWith("The security token")
                                        ? "UnrecognizedClientException"
                                        : "InvalidSignatureException",
                                signatureProblem));
                return;
            }
            String operation = target.substring(TARGET_PREFIX.length());
            JsonNode request = RegistryClient.JSON.readTree(body.length == 0 ? "{}".getBytes() : body);
            operations.add(operation);
            requests.add(request);
            switch (operation) {
                case "GetAuthorizationToken" -> {
                    String token = Base64.getEncoder()
                            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("authorizationToken", token);
                    data.put("expiresAt", Instant.now().plusSeconds(12 * 3600).getEpochSecond());
                    data.put("proxyEndpoint", registry.toString());
                    answer(exchange, 200, Map.of("authorizationData", List.of(data)));
                }
                case "DescribeRepositories" -> {
                    List<String> names = new ArrayList<>();
                    request.path("repositoryNames").forEach(n -> names.add(n.asString()));
                    List<Map<String, Object>> found = new ArrayList<>();
                    for (String name :
                            names.isEmpty() ? repositories.stream().sorted().toList() : names) {
                        if (!repositories.contains(name)) {
                            answer(
                                    exchange,
                                    400,
                                    error(
                                            "RepositoryNotFoundException",
                                            "The repository with name '" + name + "' does not exist in the registry"));
                            return;
                        }
                        found.add(Map.of("repositoryName", name, "registryId", "123456789012"));
                    }
                    answer(exchange, 200, Map.of("repositories", found));
                }
                case "CreateRepository" -> {
                    String name = request.path("repositoryName").asString();
                    if (!repositories.add(name)) {
                        answer(exchange, 400, error("RepositoryAlreadyExistsException", "exists: " + name));
                        return;
                    }
                    answer(exchange, 200, Map.of("repository", Map.of("repositoryName", name)));
                }
                case "BatchDeleteImage" -> batchDeleteImage(exchange, request);
                default -> answer(exchange, 400, error("UnknownOperationException", operation));
            }
        }
    }

    /**
     * Deletes each image by digest from the registry behind (ECR's registry API does not delete),
     * answering as ECR does: the deleted ids, and {@code ImageNotFound} failures for the others.
     */
    private void batchDeleteImage(HttpExchange exchange, JsonNode request) throws IOException {
        String repository = request.path("repositoryName").asString();
        if (!repositories.contains(repository)) {
            answer(
                    exchange,
                    400,
                    error(
                            "RepositoryNotFoundException",
                            "The repository with name '" + repository + "' does not exist in the registry"));
            return;
        }
        List<Object> deleted = new ArrayList<>();
        List<Object> failures = new ArrayList<>();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (JsonNode id : request.path("imageIds")) {
            String digest = id.path("imageDigest").asString("");
            int status;
            try {
                status = digest.isEmpty()
                        ? 404
                        : http.send(
                                        java.net.http.HttpRequest.newBuilder(URI.create(
                                                        registry + "/v2/" + repository + "/manifests/" + digest))
                                                .DELETE()
                                                .header(
                                                        "Authorization",
                                                        "Basic "
                                                                + Base64.getEncoder()
                                                                        .encodeToString((user + ":" + password)
                                                                                .getBytes(StandardCharsets.UTF_8)))
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.discarding())
                                .statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (status == 202) {
                deleted.add(Map.of("imageDigest", digest));
            } else {
                failures.add(Map.of(
                        "imageId",
                        Map.of("imageDigest", digest),
                        "failureCode",
                        "ImageNotFound",
                        "failureReason",
                        "Requested image not found"));
            }
        }
        answer(exchange, 200, Map.of("imageIds", deleted, "failures", failures));
    }

    /** Null when the request is signed by the known key; AWS's message otherwise. */
    private String checkSignature(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher m = authorization == null ? null : CREDENTIAL.matcher(authorization);
        if (m == null || !m.matches()) {
            return "Missing Authentication Token";
        }
        if (!m.group(1).equals(accessKey)) {
            return "The security token included in the request is invalid.";
        }
        if (!m.group(3).equals(region) || !m.group(4).equals("ecr")) {
            return "Credential should be scoped to a valid region and service ecr";
        }
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        StringBuilder canonical = new StringBuilder();
        canonical.append(exchange.getRequestMethod()).append('\n');
        canonical.append(exchange.getRequestURI().getRawPath()).append('\n');
        canonical
                .append(
                        exchange.getRequestURI().getRawQuery() == null
                                ? ""
                                : exchange.getRequestURI().getRawQuery())
                .append('\n');
        for (String name : m.group(5).split(";")) {
            String value = String.join(",", exchange.getRequestHeaders().getOrDefault(name, List.of()));
            canonical
                    .append(name.toLowerCase(Locale.ROOT))
                    .append(':')
                    .append(value.trim())
                    .append('\n');
        }
        canonical.append('\n').append(m.group(5)).append('\n').append(hex(sha256(body)));
        String scope = m.group(2) + "/" + m.group(3) + "/" + m.group(4) + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), m.group(2));
        key = hmac(key, m.group(3));
        key = hmac(key, m.group(4));
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, toSign));
        return expected.equals(m.group(6))
                ? null
                : "The request signature we calculated does not match the signature you provided.";
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static Map<String, Object> error(String type, String message) {
        return Map.of("__type", type, "message", message);
    }

    private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = RegistryClient.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders()
                .set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
