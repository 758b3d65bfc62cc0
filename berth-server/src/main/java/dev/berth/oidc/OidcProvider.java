package dev.berth.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundOptions;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.outbound.Trust;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to the OpenID Connect provider: discovery ({@code .well-known/openid-configuration}), its
 * keys (JWKS), the token endpoint (authorization code with PKCE, refresh), and verifies ID tokens
 * (signature by the provider's keys, issuer, audience, expiry by the injected clock, nonce), and
 * reads the userinfo endpoint with the access token. Every
 * call goes through {@link OutboundHttp} at the administrator's trust level; discovery documents
 * and key sets are kept for ten minutes, and the keys fetched again at once when a token names a
 * key Berth has not seen (the provider rotated them).
 */
@Component
class OidcProvider {
    private static final Duration KEEP = Duration.ofMinutes(10);
    private static final Set<String> REQUIRED = Set.of("sub", "iss", "aud", "exp", "iat");

    private final OutboundHttp http;
    private final JsonMapper json;
    private final Clock clock;
    private final Cache<String, Discovery> discoveries =
            Caffeine.newBuilder().expireAfterWrite(KEEP).maximumSize(16).build();
    private final Cache<String, JWKSet> keys =
            Caffeine.newBuilder().expireAfterWrite(KEEP).maximumSize(16).build();

    OidcProvider(OutboundHttp http, JsonMapper json, Clock clock) {
        this.http = http;
        this.json = json;
        this.clock = clock;
    }

    /** What the provider's discovery document says Berth needs. */
    record Discovery(String issuer, URI authorization, URI token, URI jwks, String endSession, String userInfo) {}

    /**
     * What the token endpoint answered; the refresh token may be empty. The access token is only
     * used at once (for the userinfo endpoint), never stored.
     */
    record Tokens(String idToken, String refreshToken, Instant accessExpiry, String accessToken) {
        Tokens(String idToken, String refreshToken, Instant accessExpiry) {
            this(idToken, refreshToken, accessExpiry, "");
        }

        @Override
        public String toString() {
            return "Tokens[accessExpiry=" + accessExpiry + "]";
        }
    }

    /** The provider answered the token request with an OAuth error (e.g. a revoked refresh token). */
    static final class Refused extends OidcException {
        Refused(String message) {
            super(message);
        }
    }

    Discovery discovery(OidcConfig config) {
        String key = config.endpoint() + "|" + config.verifyCert();
        Discovery d = discoveries.getIfPresent(key);
        if (d == null) {
            d = discover(config.endpoint(), config.verifyCert());
            discoveries.put(key, d);
        }
        return d;
    }

    /** Reads and checks the discovery document of {@code endpoint} (used by ping as well). */
    Discovery discover(String endpoint, boolean verifyCert) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        URI uri = uri(base + "/.well-known/openid-configuration");
        JsonNode doc = getJson(uri, verifyCert);
        String issuer = doc.path("issuer").asString("");
        if (!strip(issuer).equals(base)) {
            throw new OidcException("the provider's issuer " + issuer + " is not the endpoint " + endpoint);
        }
        String authorization = doc.path("authorization_endpoint").asString("");
        String token = doc.path("token_endpoint").asString("");
        String jwks = doc.path("jwks_uri").asString("");
        if (authorization.isEmpty() || token.isEmpty() || jwks.isEmpty()) {
            throw new OidcException(
                    "the provider's discovery document lacks authorization_endpoint, token_endpoint" + " or jwks_uri");
        }
        return new Discovery(
                issuer,
                uri(authorization),
                uri(token),
                uri(jwks),
                doc.path("end_session_endpoint").asString(""),
                doc.path("userinfo_endpoint").asString(""));
    }

    /** The provider's authorization URL for a new sign-in (authorization code with PKCE S256). */
    URI authorizationUrl(OidcConfig config, String redirectUri, String state, String nonce, String challenge) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", config.clientId());
        q.put("redirect_uri", redirectUri);
        q.put("scope", scope(config));
        q.put("state", state);
        q.put("nonce", nonce);
        q.put("code_challenge", challenge);
        q.put("code_challenge_method", "S256");
        config.extraRedirectParms().forEach(q::putIfAbsent);
        URI endpoint = discovery(config).authorization();
        String sep = endpoint.getRawQuery() == null ? "?" : "&";
        return URI.create(endpoint + sep + form(q));
    }

    Tokens exchange(OidcConfig config, String code, String verifier, String redirectUri) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "authorization_code");
        f.put("code", code);
        f.put("redirect_uri", redirectUri);
        f.put("code_verifier", verifier);
        return tokenRequest(config, f);
    }

    Tokens refresh(OidcConfig config, String refreshToken) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "refresh_token");
        f.put("refresh_token", refreshToken);
        return tokenRequest(config, f);
    }

    /**
     * Verifies an ID token: signed (asymmetric algorithms only) by a key of the provider's JWKS, issued
     * by the provider for this client, not expired by the injected clock (a minute of skew), and,
     * when {@code nonce} is given, carrying it.
     */
    JWTClaimsSet verify(OidcConfig config, String idToken, String nonce) {
        Discovery d = discovery(config);
        try {
            JWTClaimsSet claims;
            try {
                claims = process(config, d, keys(d, config.verifyCert(), false), idToken);
            } catch (BadJOSEException e) {
                // The provider may have rotated its keys since they were fetched.
                claims = process(config, d, keys(d, config.verifyCert(), true), idToken);
            }
            if (nonce != null && !nonce.equals(claims.getStringClaim("nonce"))) {
                throw new OidcException("the ID token's nonce does not match this sign-in");
            }
            return claims;
        } catch (BadJOSEException | JOSEException | ParseException e) {
            throw new OidcException("the ID token is not valid: " + e.getMessage());
        }
    }

    /**
     * The claims of the provider's userinfo endpoint for this access token; empty when the provider
     * names no such endpoint or there is no access token. A JSON object answer only (a signed JWT
     * answer is not read). Failures are {@link OidcException}s, which callers treat as Harbor does:
     * a warning, and the ID token's claims alone.
     */
    Optional<Map<String, Object>> userInfo(OidcConfig config, String accessToken) {
        String endpoint = discovery(config).userInfo();
        if (endpoint.isEmpty() || accessToken == null || accessToken.isEmpty()) {
            return Optional.empty();
        }
        URI uri = uri(endpoint);
        OutboundRequest request = OutboundRequest.get(uri)
                .withHeader("Accept", "application/json")
                .withHeader("Authorization", "Bearer " + accessToken);
        try (OutboundResponse r = client(config.verifyCert()).send(request)) {
            if (!r.isSuccess()) {
                throw new OidcException("the provider's userinfo endpoint answered HTTP " + r.status());
            }
            JsonNode node = readJson(r);
            if (node == null || !node.isObject()) {
                throw new OidcException("the provider's userinfo endpoint did not answer a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> claims = json.convertValue(node, Map.class);
            return Optional.of(claims);
        } catch (IOException e) {
            throw new OidcException("the provider's userinfo endpoint could not be read");
        } catch (TargetRefusedException e) {
            throw new OidcException(e.getMessage());
        } catch (OutboundException e) {
            throw new OidcException("the provider's userinfo endpoint cannot be reached: " + e.getMessage());
        }
    }

    private JWTClaimsSet process(OidcConfig config, Discovery d, JWKSet set, String idToken)
            throws BadJOSEException, JOSEException, ParseException {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        Set<JWSAlgorithm> algorithms = new HashSet<>(JWSAlgorithm.Family.SIGNATURE);
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(set)));
        DefaultJWTClaimsVerifier<SecurityContext> v =
                new DefaultJWTClaimsVerifier<>(
                        Set.of(config.clientId()),
                        new JWTClaimsSet.Builder().issuer(d.issuer()).build(),
                        REQUIRED,
                        null) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant());
                    }
                };
        v.setMaxClockSkew(60);
        p.setJWTClaimsSetVerifier(v);
        return p.process(idToken, null);
    }

    private JWKSet keys(Discovery d, boolean verifyCert, boolean fresh) {
        String key = d.jwks() + "|" + verifyCert;
        JWKSet set = fresh ? null : keys.getIfPresent(key);
        if (set == null) {
            try {
                set = JWKSet.parse(json.writeValueAsString(getJson(d.jwks(), verifyCert)));
            } catch (ParseException e) {
                throw new OidcException("the provider's key set (jwks_uri) cannot be read");
            }
            keys.put(key, set);
        }
        return set;
    }

    private Tokens tokenRequest(OidcConfig config, Map<String, String> f) {
        Discovery d = discovery(config);
        String basic = Base64.getEncoder()
                .encodeToString(
                        (enc(config.clientId()) + ":" + enc(config.clientSecret())).getBytes(StandardCharsets.UTF_8));
        OutboundClient client = client(config.verifyCert());
        OutboundRequest request = OutboundRequest.post(
                        d.token(),
                        RequestBody.of("application/x-www-form-urlencoded", form(f).getBytes(StandardCharsets.UTF_8)))
                .withHeader("Authorization", "Basic " + basic)
                .withHeader("Accept", "application/json");
        try (OutboundResponse r = client.send(request)) {
            JsonNode body = readJson(r);
            if (!r.isSuccess()) {
                String error = body == null ? "" : body.path("error").asString("");
                if (r.status() == 400 || r.status() == 401) {
                    throw new Refused("the provider refused the token request: "
                            + (error.isEmpty() ? "HTTP " + r.status() : error));
                }
                throw new OidcException("the provider's token endpoint answered HTTP " + r.status());
            }
            if (body == null) {
                throw new OidcException("the provider's token endpoint did not answer JSON");
            }
            long expiresIn = body.path("expires_in").asLong(0);
            Instant expiry = expiresIn > 0 ? clock.instant().plusSeconds(expiresIn) : Instant.MAX;
            return new Tokens(
                    body.path("id_token").asString(""),
                    body.path("refresh_token").asString(""),
                    expiry,
                    body.path("access_token").asString(""));
        } catch (IOException e) {
            throw new OidcException("the provider's token endpoint could not be read");
        } catch (TargetRefusedException e) {
            throw new OidcException(e.getMessage());
        } catch (OutboundException e) {
            throw new OidcException("the provider's token endpoint cannot be reached: " + e.getMessage());
        }
    }

    private JsonNode getJson(URI uri, boolean verifyCert) {
        try (OutboundResponse r =
                client(verifyCert).send(OutboundRequest.get(uri).withHeader("Accept", "application/json"))) {
            if (!r.isSuccess()) {
                throw new OidcException(uri + " answered HTTP " + r.status());
            }
            JsonNode node = readJson(r);
            if (node == null || !node.isObject()) {
                throw new OidcException(uri + " did not answer a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new OidcException(uri + " could not be read");
        } catch (TargetRefusedException e) {
            throw new OidcException(e.getMessage());
        } catch (OutboundException e) {
            throw new OidcException(uri + " cannot be reached: " + e.getMessage());
        }
    }

    private JsonNode readJson(OutboundResponse r) throws IOException {
        byte[] bytes = r.body().readAllBytes();
        try {
            return json.readTree(bytes);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private OutboundClient client(boolean verifyCert) {
        return http.client(
                Trust.ADMINISTRATOR,
                OutboundOptions.defaults()
                        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15))
                        .withSkipCertVerify(!verifyCert)
                        .withMaxResponseBytes(256 * 1024));
    }

    /** Harbor's scope default, with {@code openid} always in it. */
    static String scope(OidcConfig config) {
        String s = config.scope().isBlank() ? "openid,offline_access" : config.scope();
        StringJoiner j = new StringJoiner(" ");
        boolean openid = false;
        for (String part : s.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                j.add(part);
                openid |= part.equals("openid");
            }
        }
        return openid ? j.toString() : "openid " + j;
    }

    private static URI uri(String s) {
        try {
            URI u = URI.create(s);
            if (!"https".equalsIgnoreCase(u.getScheme()) && !"http".equalsIgnoreCase(u.getScheme())) {
                throw new OidcException(s + " is not an http(s) URL");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new OidcException(s + " is not a URL");
        }
    }

    private static String strip(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    static String form(Map<String, String> f) {
        StringJoiner j = new StringJoiner("&");
        f.forEach((k, v) -> j.add(enc(k) + "=" + enc(v)));
        return j.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
