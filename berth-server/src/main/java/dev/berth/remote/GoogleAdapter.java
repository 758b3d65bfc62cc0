package dev.berth.remote;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Google Container Registry and Artifact Registry ({@code google-gcr}): the credential's secret is a
 * service account's JSON key (Harbor's pattern fixes the access key to {@code _json_key}). Berth
 * signs a JWT with the key (RS256, issuer the account's e-mail, audience the key's {@code
 * token_uri}), exchanges it at that token URI for an OAuth access token (RFC 7523's JWT bearer
 * grant, as Google documents for service accounts), and logs in to the registry with {@code
 * oauth2accesstoken} and the access token, Basic or through the registry's token service. A secret
 * that is not a service account key is sent as it is (Basic), as Harbor does.
 */
final class GoogleAdapter extends DistributionAdapter {
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    static final String USER = "oauth2accesstoken";
    private static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);

    private final ExchangedLogins logins;
    private final Clock clock;

    GoogleAdapter(
            Optional<AdapterPattern> pattern,
            ExchangedLogins logins,
            Clock clock,
            dev.berth.outbound.OutboundHttp outbound,
            JsonMapper json) {
        super("google-gcr", pattern, UnaryOperator.identity(), outbound, json);
        this.logins = logins;
        this.clock = clock;
    }

    @Override
    Session session(RemoteRegistry registry) {
        Optional<JsonNode> key = registry.login().flatMap(c -> serviceAccountKey(c.accessSecret()));
        if (key.isEmpty()) {
            return super.session(registry);
        }
        return logins.get(registry, () -> exchange(registry, key.get()));
    }

    private Optional<JsonNode> serviceAccountKey(String secret) {
        if (!secret.trim().startsWith("{")) {
            return Optional.empty();
        }
        try {
            JsonNode key = json().readTree(secret);
            return "service_account".equals(key.path("type").asString("")) ? Optional.of(key) : Optional.empty();
        } catch (JacksonException e) {
            throw new RemoteException("the Google credential is not a valid JSON key file");
        }
    }

    private ExchangedLogins.Login exchange(RemoteRegistry registry, JsonNode key) {
        String email = key.path("client_email").asString("");
        String pem = key.path("private_key").asString("");
        String tokenUri = key.path("token_uri").asString(DEFAULT_TOKEN_URI);
        if (email.isEmpty() || pem.isEmpty()) {
            throw new RemoteException("the service account key has no client_email or private_key");
        }
        URI uri;
        try {
            uri = URI.create(tokenUri);
        } catch (IllegalArgumentException e) {
            throw new RemoteException("the service account key's token_uri is not a URL");
        }
        Instant now = clock.instant();
        String assertion = assertion(email, key.path("private_key_id").asString(""), privateKey(pem), tokenUri, now);
        String form = "grant_type=" + URLEncoder.encode(GRANT, StandardCharsets.UTF_8) + "&assertion="
                + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
        OutboundRequest request = OutboundRequest.post(
                        uri, RequestBody.of("application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8)))
                .withHeader("Accept", "application/json");
        try (OutboundResponse response = apiClient(registry).send(request)) {
            if (response.status() != 200) {
                throw new RemoteException(
                        "the Google token service refused the service account key: HTTP " + response.status());
            }
            JsonNode body = json().readTree(response.body().readNBytes(64 * 1024));
            String accessToken = body.path("access_token").asString("");
            if (accessToken.isEmpty()) {
                throw new RemoteException("the Google token service answered without an access token");
            }
            long expiresIn = body.path("expires_in").asLong(3600);
            return new ExchangedLogins.Login(
                    new Session(registry.uri(), Optional.of(new Credential(Credential.BASIC, USER, accessToken))),
                    now.plusSeconds(expiresIn));
        } catch (IOException | JacksonException e) {
            throw new RemoteException("reading the Google access token failed");
        }
    }

    private static String assertion(String email, String keyId, PrivateKey key, String audience, Instant now) {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
        if (!keyId.isEmpty()) {
            header.keyID(keyId);
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(email)
                .audience(audience)
                .claim("scope", SCOPE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new RemoteException("signing with the service account key failed");
        }
        return jwt.serialize();
    }

    /** The key file's {@code -----BEGIN PRIVATE KEY-----} PKCS#8 RSA key. */
    static PrivateKey privateKey(String pem) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new RemoteException("the service account key's private_key is not a PKCS#8 RSA key");
        }
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type(), List.of("image"), List.of(), false);
    }
}
