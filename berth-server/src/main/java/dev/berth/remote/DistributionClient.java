package dev.berth.remote;

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

    DistributionClient(OutboundClient http, URI base, Optional<Credential> login, JsonMapper json) {
        this.http = http;
        this.base = base;
        this.login = login;
        this.json = json;
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

    URI resolve(String pathAndQuery) {
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
