package dev.berth.oidc;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code oidc_flow} table: sign-ins through the provider in progress, found by the random id of
 * the browser's {@code oidc_flow} cookie. A flow lives {@link #LIFETIME}; a callback consumes it,
 * so a state can be answered once.
 */
@Repository
class OidcFlows {
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private final JdbcClient jdbc;
    private final Clock clock;

    OidcFlows(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    record Flow(String id, String state, String nonce, String verifier, String redirectUrl, String identity) {
        @Override
        public String toString() {
            return "Flow[redirectUrl=" + redirectUrl + "]";
        }
    }

    void start(Flow f) {
        jdbc.sql("DELETE FROM oidc_flow WHERE expires_at < ?")
                .param(Timestamp.from(clock.instant()))
                .update();
        jdbc.sql(
                        "INSERT INTO oidc_flow (id, state, nonce, verifier, redirect_url, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
                .param(f.id())
                .param(f.state())
                .param(f.nonce())
                .param(f.verifier())
                .param(f.redirectUrl())
                .param(Timestamp.from(clock.instant().plus(LIFETIME)))
                .update();
    }

    /** The live flow of this id, removed: a state is good for one callback. */
    Optional<Flow> take(String id) {
        return jdbc.sql("""
                        DELETE FROM oidc_flow WHERE id = ? AND expires_at > ?
                        RETURNING id, state, nonce, verifier, redirect_url, identity
                        """)
                .param(id)
                .param(Timestamp.from(clock.instant()))
                .query((rs, i) -> new Flow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
                .optional();
    }

    /** Keeps what the provider said about a user not onboarded yet, for {@code /c/oidc/onboard}. */
    void awaitOnboarding(Flow f, String sealedIdentity) {
        jdbc.sql("""
                        INSERT INTO oidc_flow (id, state, nonce, verifier, redirect_url, identity, expires_at)
                        VALUES (?, '', '', '', ?, ?, ?)
                        """)
                .param(f.id())
                .param(f.redirectUrl())
                .param(sealedIdentity)
                .param(Timestamp.from(clock.instant().plus(LIFETIME)))
                .update();
    }
}
