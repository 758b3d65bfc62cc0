package dev.berth.iam;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Verifies registry tokens without touching the database: signature with our key and RS256 only
 * (no {@code none}, no HMAC), issuer, audience, expiry and not-before with a minute of leeway.
 */
@Component
public class TokenVerifier {
    private static final long LEEWAY_SECONDS = 60;

    private final TokenKeys keys;
    private final Clock clock;
    private final String knownAudience;
    private final Cache<String, VerifiedToken> verified = Caffeine.newBuilder()
            .maximumSize(20_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();

    TokenVerifier(TokenKeys keys, Clock clock, ExternalUrl externalUrl) {
        this.keys = keys;
        this.clock = clock;
        this.knownAudience = externalUrl.service();
    }

    /**
     * A verified token: who it was issued to ({@code ""} for anonymous callers, and the account it is
     * bound to, see {@link CredentialStamps}) and what it grants.
     */
    public record VerifiedToken(
            String subject,
            Optional<CredentialStamps.Binding> binding,
            Instant issuedAt,
            Instant expiresAt,
            List<RegistryAccess> access) {
        public boolean grants(String type, String name, String action, long projectId) {
            return access.stream()
                    .anyMatch(a -> a.type().equals(type)
                            && a.name().equals(name)
                            && (a.actions().contains(action) || a.actions().contains("*"))
                            && (projectId == 0 || a.projectId() == projectId));
        }
    }

    public Optional<VerifiedToken> verify(String token, String audience) {
        // Clients present the same token on every request; its RSA signature is checked once.
        VerifiedToken known = verified.getIfPresent(token);
        if (known != null && audience.equals(knownAudience)) {
            return known.expiresAt().plusSeconds(LEEWAY_SECONDS).isAfter(clock.instant())
                    ? Optional.of(known)
                    : Optional.empty();
        }
        Optional<VerifiedToken> result = verifyUncached(token, audience);
        if (result.isPresent() && audience.equals(knownAudience)) {
            verified.put(token, result.get());
        }
        return result;
    }

    private Optional<VerifiedToken> verifyUncached(String token, String audience) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(new RSASSAVerifier(keys.key().toRSAPublicKey()))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            if (!TokenIssuer.ISSUER.equals(claims.getIssuer())
                    || claims.getAudience() == null
                    || !claims.getAudience().contains(audience)
                    || claims.getExpirationTime() == null
                    || claims.getIssueTime() == null
                    || claims.getExpirationTime()
                            .toInstant()
                            .plusSeconds(LEEWAY_SECONDS)
                            .isBefore(now)
                    || (claims.getNotBeforeTime() != null
                            && claims.getNotBeforeTime()
                                    .toInstant()
                                    .minusSeconds(LEEWAY_SECONDS)
                                    .isAfter(now))) {
                return Optional.empty();
            }
            Map<String, Object> projects = claims.getJSONObjectClaim("berth_projects");
            List<RegistryAccess> access = new ArrayList<>();
            List<Object> entries = claims.getListClaim("access");
            if (entries != null) {
                for (Object o : entries) {
                    if (o instanceof Map<?, ?> m
                            && m.get("type") instanceof String type
                            && m.get("name") instanceof String name) {
                        HashSet<String> actions = new HashSet<>();
                        if (m.get("actions") instanceof List<?> list) {
                            list.stream()
                                    .filter(String.class::isInstance)
                                    .map(String.class::cast)
                                    .forEach(actions::add);
                        }
                        long projectId = projects != null && projects.get(name) instanceof Number n ? n.longValue() : 0;
                        access.add(new RegistryAccess(type, name, actions, projectId));
                    }
                }
            }
            String subject = claims.getSubject() == null ? "" : claims.getSubject();
            Optional<CredentialStamps.Binding> binding = binding(claims.getJSONObjectClaim(TokenIssuer.BINDING_CLAIM));
            if (!subject.isEmpty() && binding.isEmpty()) {
                return Optional.empty(); // a named holder without the account it was issued to
            }
            return Optional.of(new VerifiedToken(
                    subject,
                    binding,
                    claims.getIssueTime().toInstant(),
                    claims.getExpirationTime().toInstant(),
                    access));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static Optional<CredentialStamps.Binding> binding(Map<String, Object> claim) {
        if (claim == null
                || !(claim.get("kind") instanceof String kind)
                || !(claim.get("id") instanceof Number id)
                || !(claim.get("stamp") instanceof String stamp)) {
            return Optional.empty();
        }
        CredentialStamps.Kind k = switch (kind) {
            case "user" -> CredentialStamps.Kind.USER;
            case "robot" -> CredentialStamps.Kind.ROBOT;
            default -> null;
        };
        return k == null
                ? Optional.empty()
                : Optional.of(new CredentialStamps.Binding(new CredentialStamps.Subject(k, id.longValue()), stamp));
    }
}
