package dev.berth.remote;

import dev.berth.outbound.Cancellation;
import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Speaks the OCI distribution API ({@code /v2/}) to one remote registry, logging in the way its
 * 401 asks: HTTP Basic, or Docker's token protocol (a token from the challenge's realm for each
 * scope, requested with the credential as Basic). An {@code oauth} credential is sent as a bearer
 * token as it is. Tokens are kept per scope for the life of this client (one task, one ping).
 *
 * <p>Every request, the token requests included, goes through the {@link OutboundClient} it was
 * given, so the outbound rules apply to the registry and to its token realm alike.
 */
public final class DistributionClient {
    /** What the catalog asks for at most per page. */
    static final int CATALOG_PAGE = 100;

    private final OutboundClient http;
    private final URI base;
    private final Optional<Credential> login;
    private final JsonMapper json;
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();
    private final String tagListAction;

    DistributionClient(OutboundClient http, URI base, Optional<Credential> login, JsonMapper json) {
        this(http, base, login, json, "pull");
    }

    private DistributionClient(
            OutboundClient http, URI base, Optional<Credential> login, JsonMapper json, String tagListAction) {
        this.http = http;
        this.base = base;
        this.login = login;
        this.json = json;
        this.tagListAction = tagListAction;
    }

    /**
     * The same client asking the token service for {@code action} (not {@code pull}) on a tag list:
     * Azure's {@code metadata_read}, as Harbor's ACR adapter does.
     */
    DistributionClient withTagListAction(String action) {
        return new DistributionClient(http, base, login, json, action);
    }

    /** The registry's base URL (without {@code /v2/}). */
    public URI base() {
        return base;
    }

    /**
     * Whether the registry answers {@code /v2/} as a registry: with a credential, only a 200 after
     * logging in counts; without one, a 401 counts too (Harbor's rule: the endpoint is there, it
     * just wants a login that replication will not have).
     *
     * @throws dev.berth.outbound.TargetRefusedException when the outbound rules refuse the URL
     */
    public Health ping() {
        try (OutboundResponse response = login.isPresent()
                ? send(OutboundRequest.get(resolve("/v2/")), "")
                : http.send(OutboundRequest.get(resolve("/v2/")))) {
            int status = response.status();
            boolean healthy = status == 200 || (login.isEmpty() && status == 401);
            return new Health(healthy, healthy ? "" : "GET /v2/ answered HTTP " + status);
        } catch (dev.berth.outbound.TargetRefusedException e) {
            throw e;
        } catch (OutboundException | RemoteException e) {
            return new Health(false, e.getMessage());
        } catch (IOException e) {
            return new Health(false, "connection failed");
        }
    }

    /** Whether a remote is usable, and if not, a reason fit for an API message. */
    public record Health(boolean healthy, String reason) {}

    /** Every repository of {@code /v2/_catalog}, following its {@code Link} pages. */
    public List<String> catalog() {
        List<String> names = new ArrayList<>();
        String next = "/v2/_catalog?n=" + CATALOG_PAGE;
        for (int pages = 0; next != null && pages < 10_000; pages++) {
            try (OutboundResponse response = send(OutboundRequest.get(resolve(next)), "registry:catalog:*")) {
                if (response.status() != 200) {
                    throw new RemoteException("the catalog is not available: " + response.summary());
                }
                JsonNode body = json.readTree(response.body());
                for (JsonNode name : body.path("repositories")) {
                    names.add(name.asString());
                }
                next = response.header("Link")
                        .flatMap(DistributionClient::linkTarget)
                        .orElse(null);
            } catch (IOException e) {
                throw new RemoteException("reading the catalog failed", e);
            }
        }
        return names;
    }

    /** The manifest media types a copy accepts, in Accept order. */
    public static final String ACCEPT = String.join(
            ", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    /** A manifest larger than this is refused (distribution's own limit is 4 MiB). */
    public static final int MAX_MANIFEST = 4 << 20;

    /** A manifest as the registry holds it: its exact bytes and their media type. */
    public record Manifest(String mediaType, byte[] content) {}

    private static String pull(String repository) {
        return "repository:" + repository + ":pull";
    }

    private static String push(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    /** The manifest a tag or digest names; empty on 404. */
    public Optional<Manifest> manifest(String repository, String reference) {
        OutboundRequest request = OutboundRequest.get(resolve("/v2/" + repository + "/manifests/" + reference))
                .withHeader("Accept", ACCEPT);
        try (OutboundResponse response = send(request, pull(repository))) {
            if (response.status() == 404) {
                return Optional.empty();
            }
            if (response.status() != 200) {
                throw failure("GET manifest " + repository + ":" + reference, response);
            }
            byte[] content = response.body().readNBytes(MAX_MANIFEST + 1);
            if (content.length > MAX_MANIFEST) {
                throw new RemoteException("the manifest " + repository + ":" + reference + " is larger than 4 MiB");
            }
            String type =
                    response.header("Content-Type").orElse("").split(";")[0].trim();
            return Optional.of(new Manifest(type, content));
        } catch (IOException e) {
            throw new RemoteException("reading manifest " + repository + ":" + reference + " failed", e);
        }
    }

    /** Whether the repository has the blob (HEAD). */
    public boolean hasBlob(String repository, String digest) {
        return exists(resolve("/v2/" + repository + "/blobs/" + digest), push(repository));
    }

    /** Whether the repository has the manifest (HEAD). */
    public boolean hasManifest(String repository, String reference) {
        return exists(resolve("/v2/" + repository + "/manifests/" + reference), push(repository));
    }

    private boolean exists(URI uri, String scope) {
        try (OutboundResponse response =
                send(new OutboundRequest("HEAD", uri, Map.of("Accept", ACCEPT), Optional.empty()), scope)) {
            int status = response.status();
            if (status == 429 || status >= 500) {
                throw failure("HEAD " + uri.getRawPath(), response);
            }
            return status == 200;
        } catch (IOException e) {
            throw new RemoteException("HEAD failed", e);
        }
    }

    /** The digest the registry gives for a tag or digest (HEAD, {@code Docker-Content-Digest}); empty on 404. */
    public Optional<String> manifestDigest(String repository, String reference) {
        URI uri = resolve("/v2/" + repository + "/manifests/" + reference);
        try (OutboundResponse response =
                send(new OutboundRequest("HEAD", uri, Map.of("Accept", ACCEPT), Optional.empty()), push(repository))) {
            if (response.status() == 404) {
                return Optional.empty();
            }
            if (response.status() != 200) {
                throw failure("HEAD manifest " + repository + ":" + reference, response);
            }
            return response.header("Docker-Content-Digest");
        } catch (IOException e) {
            throw new RemoteException("HEAD failed", e);
        }
    }

    /**
     * Deletes a manifest by digest, or a tag alone by name where the registry supports it (OCI
     * distribution 1.1; CNCF distribution 2.8 answers 400 or 405 for a tag). False on 404.
     */
    public boolean deleteManifest(String repository, String reference) {
        try (OutboundResponse response = send(
                OutboundRequest.delete(resolve("/v2/" + repository + "/manifests/" + reference)),
                "repository:" + repository + ":delete,pull,push")) {
            if (response.status() == 404) {
                return false;
            }
            if (response.status() != 202 && response.status() != 200) {
                throw failure("DELETE manifest " + repository + ":" + reference, response);
            }
            return true;
        } catch (IOException e) {
            throw new RemoteException("DELETE manifest failed", e);
        }
    }

    /**
     * The digests of the manifests whose {@code subject} is the digest ({@code /v2/<name>/referrers/<digest>});
     * empty when the registry has none or does not support the API (404).
     */
    public List<String> referrers(String repository, String digest) {
        OutboundRequest request = OutboundRequest.get(resolve("/v2/" + repository + "/referrers/" + digest))
                .withHeader("Accept", "application/vnd.oci.image.index.v1+json");
        try (OutboundResponse response = send(request, pull(repository))) {
            if (response.status() == 404 || response.status() == 400 || response.status() == 405) {
                return List.of();
            }
            if (response.status() != 200) {
                throw failure("GET referrers of " + repository + "@" + digest, response);
            }
            List<String> digests = new ArrayList<>();
            for (JsonNode m :
                    json.readTree(response.body().readNBytes(MAX_MANIFEST)).path("manifests")) {
                digests.add(m.path("digest").asString());
            }
            return digests;
        } catch (IOException e) {
            throw new RemoteException("reading the referrers of " + repository + "@" + digest + " failed", e);
        }
    }

    /** Opens a blob; the caller closes the response (its body is the blob). */
    public OutboundResponse openBlob(String repository, String digest) {
        OutboundResponse response =
                send(OutboundRequest.get(resolve("/v2/" + repository + "/blobs/" + digest)), pull(repository));
        if (response.status() != 200) {
            RemoteException failure = failure("GET blob " + digest, response);
            closeQuietly(response);
            throw failure;
        }
        return response;
    }

    /** Uploads a blob in one request after opening an upload session (POST, then PUT ?digest=). */
    public void putBlob(String repository, String digest, long size, dev.berth.outbound.RequestBody.Source source) {
        putBlob(repository, digest, size, source, new Cancellation());
    }

    /**
     * {@link #putBlob(String, String, long, dev.berth.outbound.RequestBody.Source)}, ended (the
     * connection closed, the caller's thread released) when {@code cancel} is cancelled.
     */
    public void putBlob(
            String repository,
            String digest,
            long size,
            dev.berth.outbound.RequestBody.Source source,
            Cancellation cancel) {
        URI target = startUpload(repository);
        String put = target.toString() + (target.getRawQuery() == null ? "?" : "&") + "digest=" + encode(digest);
        try (OutboundResponse response = send(
                OutboundRequest.put(
                                URI.create(put),
                                new dev.berth.outbound.RequestBody("application/octet-stream", size, source))
                        .withCancellation(cancel),
                push(repository))) {
            if (response.status() != 201) {
                throw failure("uploading blob " + digest, response);
            }
        } catch (IOException e) {
            throw new RemoteException("uploading blob " + digest + " failed", e);
        }
    }

    /**
     * Uploads a blob in chunks of at most {@code chunkSize} bytes: POST, a PATCH with {@code
     * Content-Range} per chunk (each to the {@code Location} the previous answer named), then an
     * empty PUT {@code ?digest=}. At most one chunk is in memory.
     */
    public void putBlobInChunks(
            String repository, String digest, dev.berth.outbound.RequestBody.Source source, int chunkSize) {
        putBlobInChunks(repository, digest, source, chunkSize, new Cancellation());
    }

    /** {@link #putBlobInChunks(String, String, dev.berth.outbound.RequestBody.Source, int)}, ended by {@code cancel}. */
    public void putBlobInChunks(
            String repository,
            String digest,
            dev.berth.outbound.RequestBody.Source source,
            int chunkSize,
            Cancellation cancel) {
        URI target = startUpload(repository);
        long offset = 0;
        try (java.io.InputStream in = source.open()) {
            while (true) {
                byte[] chunk = in.readNBytes(chunkSize);
                if (chunk.length == 0) {
                    break;
                }
                OutboundRequest patch = new OutboundRequest(
                                "PATCH",
                                target,
                                Map.of(),
                                Optional.of(dev.berth.outbound.RequestBody.of("application/octet-stream", chunk)))
                        .withHeader("Content-Range", offset + "-" + (offset + chunk.length - 1))
                        .withCancellation(cancel);
                try (OutboundResponse response = send(patch, push(repository))) {
                    if (response.status() != 202) {
                        throw failure("uploading a chunk of blob " + digest, response);
                    }
                    target = target.resolve(response.header("Location").orElse(target.toString()));
                }
                offset += chunk.length;
                if (chunk.length < chunkSize) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new RemoteException("uploading blob " + digest + " failed", e);
        }
        String put = target.toString() + (target.getRawQuery() == null ? "?" : "&") + "digest=" + encode(digest);
        try (OutboundResponse response = send(
                OutboundRequest.put(
                                URI.create(put),
                                dev.berth.outbound.RequestBody.of("application/octet-stream", new byte[0]))
                        .withCancellation(cancel),
                push(repository))) {
            if (response.status() != 201) {
                throw failure("finishing the upload of blob " + digest, response);
            }
        } catch (IOException e) {
            throw new RemoteException("uploading blob " + digest + " failed", e);
        }
    }

    /** Opens an upload session; its absolute URL. */
    private URI startUpload(String repository) {
        URI start = resolve("/v2/" + repository + "/blobs/uploads/");
        try (OutboundResponse response = send(
                new OutboundRequest(
                        "POST",
                        start,
                        Map.of(),
                        Optional.of(dev.berth.outbound.RequestBody.of("application/octet-stream", new byte[0]))),
                push(repository))) {
            if (response.status() != 202) {
                throw failure("starting an upload to " + repository, response);
            }
            return start.resolve(response.header("Location")
                    .orElseThrow(() -> new RemoteException("the registry started an upload without a Location")));
        } catch (IOException e) {
            throw new RemoteException("starting an upload failed", e);
        }
    }

    /** Stores a manifest by tag or digest. */
    public void putManifest(String repository, String reference, String mediaType, byte[] content) {
        try (OutboundResponse response = send(
                OutboundRequest.put(
                        resolve("/v2/" + repository + "/manifests/" + reference),
                        dev.berth.outbound.RequestBody.of(mediaType, content)),
                push(repository))) {
            if (response.status() != 201) {
                throw failure("PUT manifest " + repository + ":" + reference, response);
            }
        } catch (IOException e) {
            throw new RemoteException("PUT manifest failed", e);
        }
    }

    /** Every tag of the repository ({@code /v2/<name>/tags/list}, following its pages); empty on 404. */
    public List<String> tags(String repository) {
        List<String> tags = new ArrayList<>();
        String next = "/v2/" + repository + "/tags/list?n=" + CATALOG_PAGE;
        for (int pages = 0; next != null && pages < 10_000; pages++) {
            try (OutboundResponse response =
                    send(OutboundRequest.get(resolve(next)), "repository:" + repository + ":" + tagListAction)) {
                if (response.status() == 404) {
                    return tags;
                }
                if (response.status() != 200) {
                    throw failure("listing the tags of " + repository, response);
                }
                for (JsonNode tag : json.readTree(response.body()).path("tags")) {
                    tags.add(tag.asString());
                }
                next = response.header("Link")
                        .flatMap(DistributionClient::linkTarget)
                        .orElse(null);
            } catch (IOException e) {
                throw new RemoteException("reading the tags of " + repository + " failed", e);
            }
        }
        return tags;
    }

    /**
     * Sends a request, logging in if the registry asks to: on a 401 with a challenge, once more with
     * the authorization the challenge wants for {@code scope} ({@code repository:<name>:pull}, ...).
     * The caller closes the response.
     */
    public OutboundResponse send(OutboundRequest request, String scope) {
        Optional<String> known = Optional.ofNullable(authorizations.get(scope));
        OutboundResponse response =
                http.send(known.map(a -> request.withHeader("Authorization", a)).orElse(request));
        if (response.status() != 401 || login.isEmpty() && known.isEmpty() && !hasBearer(response)) {
            return response;
        }
        Optional<Challenge> challenge = response.header("WWW-Authenticate").flatMap(Challenge::parse);
        closeQuietly(response);
        Optional<String> authorization = challenge.flatMap(c -> authorize(c, scope));
        if (authorization.isEmpty()) {
            return http.send(request);
        }
        authorizations.put(scope, authorization.get());
        return http.send(request.withHeader("Authorization", authorization.get()));
    }

    private static boolean hasBearer(OutboundResponse response) {
        return response.header("WWW-Authenticate")
                .flatMap(Challenge::parse)
                .filter(c -> c.scheme().equals("bearer"))
                .isPresent();
    }

    private Optional<String> authorize(Challenge challenge, String scope) {
        if (login.isPresent() && login.get().type().equals(Credential.OAUTH)) {
            return Optional.of("Bearer " + login.get().accessSecret());
        }
        if (challenge.scheme().equals("basic")) {
            return login.map(DistributionClient::basic);
        }
        return challenge.param("realm").map(realm -> "Bearer " + token(realm, challenge, scope));
    }

    /** A token from the realm for the scope (and the challenge's own scope, if it named one). */
    private String token(String realm, Challenge challenge, String scope) {
        StringBuilder query = new StringBuilder();
        challenge.param("service").ifPresent(s -> query.append("&service=").append(encode(s)));
        if (!scope.isEmpty()) {
            query.append("&scope=").append(encode(scope));
        }
        challenge
                .param("scope")
                .filter(s -> !s.equals(scope))
                .ifPresent(s -> query.append("&scope=").append(encode(s)));
        URI uri;
        try {
            uri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query.substring(1)));
        } catch (IllegalArgumentException e) {
            throw new RemoteException("the registry named an invalid token realm");
        }
        OutboundRequest request = OutboundRequest.get(uri);
        if (login.isPresent()) {
            request = request.withHeader("Authorization", basic(login.get()));
        }
        try (OutboundResponse response = http.send(request)) {
            if (response.status() != 200) {
                throw new RemoteException("the token service refused the login: HTTP " + response.status());
            }
            JsonNode body = json.readTree(response.body());
            String token = body.path("token").asString("");
            if (token.isEmpty()) {
                token = body.path("access_token").asString("");
            }
            if (token.isEmpty()) {
                throw new RemoteException("the token service answered without a token");
            }
            return token;
        } catch (IOException e) {
            throw new RemoteException("reading the token failed", e);
        }
    }

    /** The registry's URL for a path such as {@code /v2/<name>/manifests/<ref>}. */
    public URI resolve(String pathAndQuery) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + pathAndQuery);
    }

    /** The path and query of a {@code Link: </v2/_catalog?last=x&n=100>; rel="next"} header. */
    static Optional<String> linkTarget(String link) {
        int open = link.indexOf('<');
        int close = link.indexOf('>', open + 1);
        if (open < 0 || close < 0 || !link.substring(close).contains("rel=\"next\"")) {
            return Optional.empty();
        }
        URI target = URI.create(link.substring(open + 1, close));
        String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        return path.startsWith("/v2/") ? Optional.of(path) : Optional.empty();
    }

    static String basic(Credential c) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((c.accessKey() + ":" + c.accessSecret()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An error answer as an exception that keeps its status and, for 429 and 503, the wait its
     * {@code Retry-After} asked for (seconds; an HTTP date is read as "soon").
     */
    static RemoteException failure(String what, OutboundResponse response) {
        int status = response.status();
        Optional<java.time.Duration> wait = Optional.empty();
        if (status == 429 || status == 503) {
            wait = response.header("Retry-After").map(v -> {
                try {
                    return java.time.Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
                } catch (NumberFormatException e) {
                    return java.time.Duration.ofSeconds(1);
                }
            });
        }
        return new RemoteException(what + " answered HTTP " + status, status, wait);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(OutboundResponse response) {
        try {
            response.close();
        } catch (IOException | UncheckedIOException ignored) {
            // the 401 is of no further use
        }
    }
}
