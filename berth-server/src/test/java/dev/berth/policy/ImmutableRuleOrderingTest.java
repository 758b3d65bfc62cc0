package dev.berth.policy;

import static dev.berth.policy.ImmutableRuleApiTest.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A tag change and a rule change never interleave: a push that arrives while a rule is being
 * created waits for it and is then judged by it, instead of slipping through on the rules it would
 * have read a moment earlier.
 */
class ImmutableRuleOrderingTest {
    @Test
    void aPushDuringARuleChangeWaitsForItAndObeysIt() throws Exception {
        BerthServer server = BerthServer.shared();
        RegistryClient admin = server.adminClient();
        TestAccounts accounts = new TestAccounts(server);
        String project = accounts.project("immord", false);
        long projectId = accounts.projectId(project);
        RegistryClient.Image first = admin.pushImage(project + "/app", "v1", "one".getBytes());
        RegistryClient.Image second = admin.pushImage(project + "/app", "v2", "two".getBytes());

        ImmutableTagRules rules = server.bean(ImmutableTagRules.class);
        JdbcClient jdbc = server.bean(JdbcClient.class);
        CompletableFuture<RegistryClient.Response> push = new CompletableFuture<>();
        server.bean(TransactionTemplate.class).executeWithoutResult(status -> {
            // The rule exists in this uncommitted transaction only, which holds the project's rule lock.
            rules.create(projectId, ImmutableRuleRequest.parse(rule("repoMatches", "app", "matches", "v1")));
            Thread.ofVirtual()
                    .start(() -> push.complete(admin.send(
                            "PUT",
                            "/v2/" + project + "/app/manifests/v1",
                            second.manifestBytes(),
                            "Content-Type",
                            RegistryClient.OCI_MANIFEST)));
            awaitBlockedOnTheRuleLock(jdbc, push);
        });

        RegistryClient.Response refused = push.get(1, TimeUnit.MINUTES);
        assertThat(refused.status()).isEqualTo(412);
        assertThat(refused.text()).contains("configured as immutable");
        assertThat(admin.head("/v2/" + project + "/app/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                        .header("Docker-Content-Digest"))
                .contains(first.manifest().toString());
    }

    /** Until the push's transaction waits for the advisory lock (a condition, not a timing). */
    private static void awaitBlockedOnTheRuleLock(JdbcClient jdbc, CompletableFuture<?> push) {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(1));
        while (true) {
            assertThat(push)
                    .as("the push finished without waiting for the rule change")
                    .isNotDone();
            // This runs inside the test's transaction, whose view of pg_stat_activity is a snapshot.
            jdbc.sql("SELECT pg_stat_clear_snapshot()").query((rs, i) -> 1).list();
            boolean waiting = jdbc.sql("""
                            SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                            WHERE datname = current_database()
                            AND wait_event_type = 'Lock' AND wait_event = 'advisory'
                            AND query LIKE '%pg_advisory_xact_lock_shared%')""").query(Boolean.class).single();
            if (waiting) {
                return;
            }
            assertThat(Instant.now()).as("the push never reached the rule lock").isBefore(giveUp);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
