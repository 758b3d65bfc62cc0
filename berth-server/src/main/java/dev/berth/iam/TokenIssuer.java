package dev.berth.iam;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Signs registry tokens (Docker's token format, RS256). */
@Component
public class TokenIssuer {
    public static final String ISSUER = "berth-token-issuer";
    /** The claim naming the account a token was issued to: {@code {"kind","id","stamp"}}. */
    static final String BINDING_CLAIM = "berth_subject";

    private final TokenKeys keys;
    private final Clock clock;
    private final Duration defaultLifetime;
    private final IdentitySettings settings;

    TokenIssuer(
            TokenKeys keys,
            Clock clock,
            @Value("${berth.token.expiration:30m}") Duration defaultLifetime,
            IdentitySettings settings) {
        this.keys = keys;
        this.clock = clock;
        this.defaultLifetime = defaultLifetime;
        this.settings = settings;
    }

    /** How long tokens live: the {@code token_expiration} setting, else {@code berth.token.expiration}. */
    public Duration lifetime() {
        return settings.tokenExpiration().orElse(defaultLifetime);
    }

    public record Issued(String token, Instant issuedAt, Duration expiresIn) {}

    /**
     * A token for {@code subject} (empty for anonymous callers), bound to the account it names when
     * there is one ({@link CredentialStamps}). Only granted actions pin their repository to its
     * project ({@code berth_projects}): a repository the caller may do nothing with is listed with
     * no actions and no project, whether its project exists or not.
     */
    public Issued issue(
            String subject, Optional<CredentialStamps.Binding> binding, String audience, List<RegistryAccess> access) {
        Instant now = clock.instant();
        Duration lifetime = lifetime();
        List<Map<String, Object>> accessClaim = access.stream()
                .map(a -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("type", a.type());
                    entry.put("name", a.name());
                    entry.put("actions", a.actions().stream().sorted().toList());
                    return entry;
                })
                .toList();
        Map<String, Long> projects = new LinkedHashMap<>();
        access.stream()
                .filter(a -> a.projectId() > 0 && !a.actions().isEmpty())
                .forEach(a -> projects.put(a.name(), a.projectId()));
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("access", accessClaim)
                .claim("berth_projects", projects);
        binding.ifPresent(b -> claims.claim(
                BINDING_CLAIM,
                Map.of(
                        "kind",
                        b.subject().kind().name().toLowerCase(java.util.Locale.ROOT),
                        "id",
                        b.subject().id(),
                        "stamp",
                        b.stamp())));
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(keys.key().getKeyID())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(new RSASSASigner(keys.key()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return new Issued(jwt.serialize(), now, lifetime);
    }
}
