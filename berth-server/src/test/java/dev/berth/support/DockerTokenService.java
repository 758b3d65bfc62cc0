package dev.berth.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Docker registry token service on 127.0.0.1, as the token authentication specification of
 * CNCF distribution describes it (and as GHCR's {@code /token} and GitLab's {@code /jwt/auth}
 * answer): {@code GET <realm>?service=...&scope=...} with the account as HTTP Basic gives a JWT
 * (RS256, the signing certificate in {@code x5c}) granting the requested actions. The key and its
 * self-signed certificate are made by {@code openssl} for each instance; the registry trusts the
 * certificate as its root bundle. One account is known; a wrong password is a 401, anonymous
 * requests get a token without access. Every request's service and scopes are recorded.
 */
public final class DockerTokenService implements AutoCloseable {
    public static final String ISSUER = "berth-test-token-service";

    /** One token request as received. */
    public record Request(String path, String service, List<String> scopes, boolean authenticated) {}

    private final Path dir;
    private final PrivateKey key;
    private final Base64 certificateDer;
    private final String user;
    private final String password;
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private DockerTokenService(String user, String password, List<String> realmPaths)
            throws IOException, InterruptedException, GeneralSecurityException {
        this.user = user;
        this.password = password;
        dir = Files.createTempDirectory("token-service-");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=" + ISSUER,
                        "-keyout",
                        dir.resolve("key.pem").toString(),
                        "-out",
                        dir.resolve("cert.pem").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile())
                .start();
        if (openssl.waitFor() != 0) {
            throw new IllegalStateException("openssl failed: " + Files.readString(dir.resolve("openssl.log")));
        }
        key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(pem(Files.readString(dir.resolve("key.pem")))));
        certificateDer = Base64.encode(pem(Files.readString(dir.resolve("cert.pem"))));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String path : realmPaths) {
            server.createContext(path, this::handle);
        }
        server.start();
    }

    /** A token service for one account, answering at each of {@code realmPaths} ({@code /token}, {@code /jwt/auth}). */
    public static DockerTokenService start(String user, String password, String... realmPaths) {
        try {
            return new DockerTokenService(user, password, List.of(realmPaths));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pem(String text) {
        String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return java.util.Base64.getDecoder().decode(body);
    }

    /**
     * Serves another API on this host, as a hosted registry's own API lives beside its token
     * service (GitLab's {@code /api/v4/} beside {@code /jwt/auth}).
     */
    public void serve(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The PEM file of the signing certificate (the registry's {@code rootcertbundle}). */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String service = "";
            List<String> scopes = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (name.equals("service")) {
                    service = value;
                } else if (name.equals("scope")) {
                    scopes.addAll(List.of(value.split(" ")));
                }
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            boolean presented = authorization != null;
            boolean valid = presented && authorization.equals(BerthServer.basic(user, password));
            requests.add(new Request(exchange.getRequestURI().getPath(), service, List.copyOf(scopes), valid));
            if (presented && !valid) {
                answer(
                        exchange,
                        401,
                        Map.of("errors", List.of(Map.of("code", "UNAUTHORIZED", "message", "bad login"))));
                return;
            }
            List<Map<String, Object>> access = new ArrayList<>();
            if (valid) {
                for (String scope : scopes) {
                    String[] parts = scope.split(":");
                    if (parts.length == 3) {
                        access.add(Map.of("type", parts[0], "name", parts[1], "actions", List.of(parts[2].split(","))));
                    }
                }
            }
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(ISSUER)
                    .subject(valid ? user : "")
                    .audience(service)
                    .issueTime(Date.from(now))
                    .notBeforeTime(Date.from(now.minusSeconds(5)))
                    .expirationTime(Date.from(now.plusSeconds(300)))
                    .jwtID(UUID.randomUUID().toString())
                    .claim("access", access)
                    .build();
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .type(JOSEObjectType.JWT)
                            .x509CertChain(List.of(certificateDer))
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", jwt.serialize());
            body.put("access_token", jwt.serialize());
            body.put("expires_in", 300);
            body.put("issued_at", now.toString());
            answer(exchange, 200, body);
        } catch (JOSEException e) {
            throw new IOException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = RegistryClient.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        BerthServer.deleteRecursively(dir);
    }
}
