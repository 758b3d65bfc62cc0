package dev.berth.preheat;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 20's load check: 100 pushes into a project with an event-based policy, each preheated
 * exactly once: one execution per push, all Success, and, counted once every preheat task has
 * ended, the stand-in told of every tag once and of none twice. The push latency with the policy
 * off and on is printed side by side for the report (tests never assert on time; {@code
 * bench/preheat.sh} measures it).
 */
class PreheatLoadTest {
    private static final int PUSHES = 100;

    private static TestDatabase db;
    private static BerthServer server;
    private static RegistryClient admin;
    private static TestAccounts accounts;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        "berth.jobs.poll-interval", "200ms",
                        "berth.events.poll-interval", "100ms"));
        admin = server.adminClient();
        accounts = new TestAccounts(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    @Test
    void aHundredPushesInAMinuteArePreheatedOnceEach() {
        try (ProviderStandIn kraken = ProviderStandIn.start()) {
            String project = accounts.project("load", false);
            String instance = TestAccounts.unique("kraken");
            RegistryClient.check(
                    postJson(
                            admin,
                            "/api/v2.0/p2p/preheat/instances",
                            Map.of("name", instance, "vendor", "kraken", "endpoint", kraken.url())),
                    201);
            long id = admin.get("/api/v2.0/p2p/preheat/instances/" + instance)
                    .json()
                    .path("id")
                    .asLong();
            Map<String, Object> policy = new java.util.HashMap<>(Map.of(
                    "name", "every-push",
                    "provider_id", id,
                    "filters", "[{\"type\":\"repository\",\"value\":\"**\"}]",
                    "trigger", "{\"type\":\"event_based\"}",
                    "enabled", false));
            String policies = "/api/v2.0/projects/" + project + "/preheat/policies";
            RegistryClient.check(postJson(admin, policies, policy), 201);

            long[] off = pushes(project + "/off", "t");
            // A policy applies to the pushes whose events the preheat consumer reads while it is
            // enabled: let it read the first hundred before enabling the policy.
            Eventually.await(
                    Duration.ofMinutes(5),
                    () -> accounts.jdbc().sql("""
                                    SELECT count(*) FROM event e, event_consumer c
                                     WHERE c.name = 'preheat' AND (e.txid, e.id) > (c.last_txid, c.last_id)""").query(Long.class).single(),
                    behind -> behind == 0);
            policy.put("enabled", true);
            RegistryClient.check(putJson(admin, policies + "/every-push", policy), 200);
            long start = System.nanoTime();
            long[] on = pushes(project + "/on", "t");
            long pushSeconds = (System.nanoTime() - start) / 1_000_000_000L;

            // A bound for a machine shared with other builds, not a figure: nothing here is timed.
            Duration patience = Duration.ofMinutes(5);
            Eventually.await(patience, () -> kraken.calls("POST", "/registry/notifications"), c -> c.size() >= PUSHES);
            // Every preheat has ended before counting, so a late duplicate would be counted too.
            Eventually.await(
                    patience,
                    () -> accounts.jdbc()
                            .sql("SELECT count(*) FROM job_task WHERE job_type = 'P2P_PREHEAT'"
                                    + " AND status IN ('Pending', 'Running')")
                            .query(Long.class)
                            .single(),
                    open -> open == 0);
            List<ProviderStandIn.Call> calls = kraken.calls("POST", "/registry/notifications");
            Set<String> tags = new HashSet<>();
            for (ProviderStandIn.Call c : calls) {
                JsonNode target = c.json().path("events").path(0).path("target");
                assertThat(target.path("repository").asString()).isEqualTo(project + "/on");
                tags.add(target.path("tag").asString());
            }
            assertThat(calls).as("one notification per push, none twice").hasSize(PUSHES);
            assertThat(tags).hasSize(PUSHES);
            RegistryClient.Response executions = admin.get(policies + "/every-push/executions?page_size=100");
            assertThat(executions.header("X-Total-Count").orElseThrow())
                    .as("one execution per push")
                    .isEqualTo(String.valueOf(PUSHES));
            for (JsonNode e : executions.json()) {
                assertThat(e.path("status").asString()).isEqualTo("Success");
                assertThat(e.path("trigger").asString()).isEqualTo("EVENT");
            }
            // Figures for the report only: tests never assert on time (bench/preheat.sh measures).
            System.out.printf(
                    "preheat load: %d pushes in %d s; push ms p50/p99 policy off %d/%d, on %d/%d%n",
                    PUSHES, pushSeconds, off[0], off[1], on[0], on[1]);
        }
    }

    /** Pushes {@link #PUSHES} images with distinct tags; returns the push latency p50 and p99 in ms. */
    private static long[] pushes(String repository, String prefix) {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < PUSHES; i++) {
            byte[] layer = new byte[256];
            ThreadLocalRandom.current().nextBytes(layer);
            long t = System.nanoTime();
            admin.pushImage(repository, prefix + i, layer);
            ms.add((System.nanoTime() - t) / 1_000_000L);
        }
        ms.sort(Long::compare);
        return new long[] {ms.get(PUSHES / 2), ms.get(PUSHES * 99 / 100)};
    }
}
