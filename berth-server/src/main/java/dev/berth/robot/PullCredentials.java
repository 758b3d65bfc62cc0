package dev.berth.robot;

import dev.berth.iam.CredentialAuthenticator;
import dev.berth.iam.CredentialStamps;
import dev.berth.iam.ExternalUrl;
import dev.berth.iam.Principal;
import dev.berth.iam.RegistryAccess;
import dev.berth.iam.RobotSecrets;
import dev.berth.iam.TokenIssuer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Short-lived credentials Berth hands to a service it calls (a scanner adapter) so that it can pull
 * one artifact's repository and nothing else. Each credential is a registry token granting only
 * {@code pull} (and {@code scanner-pull}, which the vulnerability policy lets through) on one
 * repository, bound to a hidden robot account made for it: the robot has no permissions of its own
 * and a random secret nobody learns, and deleting it ({@link #revoke}) voids the token at once on
 * every replica (its credential stamp no longer holds).
 */
@Service
public class PullCredentials {
    /** Actions of a scan credential: Harbor gives its scanner robots pull and scanner-pull. */
    public static final Set<String> SCANNER_ACTIONS = Set.of("pull", "scanner-pull");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RobotStore store;
    private final JdbcClient jdbc;
    private final TokenIssuer issuer;
    private final CredentialStamps stamps;
    private final CredentialAuthenticator credentials;
    private final ExternalUrl externalUrl;
    private final Clock clock;
    private final TransactionTemplate tx;

    PullCredentials(
            RobotStore store,
            JdbcClient jdbc,
            TokenIssuer issuer,
            CredentialStamps stamps,
            CredentialAuthenticator credentials,
            ExternalUrl externalUrl,
            Clock clock,
            TransactionTemplate tx) {
        this.tx = tx;
        this.store = store;
        this.jdbc = jdbc;
        this.issuer = issuer;
        this.stamps = stamps;
        this.credentials = credentials;
        this.externalUrl = externalUrl;
        this.clock = clock;
    }

    /**
     * A credential as sent to the service.
     *
     * @param robotId the hidden robot to {@link #revoke} when done
     * @param authorization the value of an {@code Authorization} header for {@code /v2/}
     */
    public record Issued(long robotId, String authorization, Instant expiresAt) {}

    /** Mints a credential that may pull {@code repository} (a full name) of the project, and only it. */
    public Issued mint(long projectId, String projectName, String repository, String purpose) {
        Instant now = clock.instant();
        Instant expires = now.plus(issuer.lifetime());
        String name = purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        // Hidden from the first moment: inserted and hidden in one transaction.
        long id = tx.execute(status -> {
            long robotId = store.insert(
                    name,
                    projectId,
                    "pull credential for " + repository,
                    RobotSecrets.ofGenerated(HexFormat.of().formatHex(secret)),
                    false,
                    0,
                    expires.getEpochSecond(),
                    "berth",
                    purpose,
                    List.of());
            jdbc.sql("UPDATE robot SET visible = false WHERE id = ?")
                    .param(robotId)
                    .update();
            return robotId;
        });
        Principal.Robot robot = new Principal.Robot(id, "robot$" + projectName + "+" + name, projectId, List.of());
        TokenIssuer.Issued token = issuer.issue(
                robot.name(),
                stamps.bindingOf(robot),
                externalUrl.service(),
                List.of(new RegistryAccess("repository", repository, SCANNER_ACTIONS, projectId)));
        return new Issued(id, "Bearer " + token.token(), token.issuedAt().plus(token.expiresIn()));
    }

    /** Voids a credential from {@link #mint}; safe to repeat. */
    public void revoke(long robotId) {
        int deleted = jdbc.sql("DELETE FROM robot WHERE id = ? AND NOT visible")
                .param(robotId)
                .update();
        if (deleted > 0) {
            credentials.forgetAll();
        }
    }
}
