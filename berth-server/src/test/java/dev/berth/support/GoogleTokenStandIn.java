package dev.berth.support;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
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
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Google's OAuth 2.0 token endpoint on 127.0.0.1, as Google documents it for
 * service accounts: {@code POST /token} with {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}
 * and an RS256-signed {@code assertion} whose issuer is the account's e-mail, audience the token
 * URI, with a {@code scope} and a lifetime of at most an hour. The signature is checked with the
 * account's public key; a valid assertion gets the one access token the test gave it.
 */
public final class GoogleTokenStandIn implements AutoCloseable {
    public static final String EMAIL = "replicator@berth-test.iam.gserviceaccount.com";

    private final HttpServer server;
    private final KeyPair account;
    private final String accessToken;
    private final AtomicInteger issued = new AtomicInteger();
    private volatile String lastRefusal = "";

    private GoogleTokenStandIn(String accessToken) throws IOException, GeneralSecurityException {
        this.accessToken = accessToken;
        this.account = rsa();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::handle);
        server.start();
    }

    public static GoogleTokenStandIn start(String accessToken) {
        try {
            return new GoogleTokenStandIn(accessToken);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI tokenUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    /** How many access tokens it gave out. */
    public int issued() {
        return issued.get();
    }

    /** Why it refused the last assertion it refused. */
    public String lastRefusal() {
        return lastRefusal;
    }

    /** The service account's JSON key file, as Google's console downloads it. */
    public String keyFile() {
        return keyFile(account);
    }

    /** A key file for the same account whose private key the token service does not know. */
    public String foreignKeyFile() {
        try {
            return keyFile(rsa());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String keyFile(KeyPair keys) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("type", "service_account");
        key.put("project_id", "berth-test");
        key.put("private_key_id", "0123456789abcdef");
        key.put("private_key", pem);
        key.put("client_email", EMAIL);
        key.put("client_id", "1234567890");
        key.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        key.put("token_uri", tokenUri().toString());
        return RegistryClient.JSON.writeValueAsString(key);
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = new HashMap<>();
            for (String pair :
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            String refusal = refusal(exchange, form);
            if (refusal != null) {
                lastRefusal = refusal;
                answer(exchange, 400, Map.of("error", "invalid_grant", "error_description", refusal));
                return;
            }
            issued.incrementAndGet();
            answer(exchange, 200, Map.of("access_token", accessToken, "expires_in", 3599, "token_type", "Bearer"));
        }
    }

    private String refusal(HttpExchange exchange, Map<String, String> form) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return "POST only";
        }
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            return "unsupported grant_type";
        }
        try {
            SignedJWT jwt = SignedJWT.parse(form.getOrDefault("assertion", ""));
            if (!jwt.getHeader().getAlgorithm().equals(JWSAlgorithm.RS256)) {
                return "assertion not RS256";
            }
            if (!jwt.verify(new RSASSAVerifier((RSAPublicKey) account.getPublic()))) {
                return "Invalid JWT Signature.";
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date now = new Date();
            if (!EMAIL.equals(claims.getIssuer())
                    || !claims.getAudience().contains(tokenUri().toString())
                    || claims.getStringClaim("scope") == null
                    || claims.getStringClaim("scope").isBlank()
                    || claims.getIssueTime() == null
                    || claims.getExpirationTime() == null
                    || claims.getExpirationTime().before(now)
                    || claims.getExpirationTime().getTime()
                                    - claims.getIssueTime().getTime()
                            > 3_600_000L) {
                return "Invalid JWT: iss, aud, scope, iat or exp";
            }
            return null;
        } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
            return "malformed assertion";
        }
    }

    private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = RegistryClient.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
