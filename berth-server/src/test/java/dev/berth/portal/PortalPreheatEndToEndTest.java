package dev.berth.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.PortalScript;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * P2P preheat in the portal, in real headless Chromium ({@code portal/e2e/preheat.mjs}): the
 * administrator adds a Kraken instance on Administration → Distributions (its connection test
 * reaches the script's Kraken stand-in on 127.0.0.1), then a manual policy on the project's P2P
 * Preheat tab, runs it and reads the execution, its task and the log; the stand-in is told of the
 * image pushed here.
 */
class PortalPreheatEndToEndTest {
    private static TestDatabase db;
    private static BerthServer server;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db, Map.of("berth.outbound.allowed-networks", "127.0.0.1/32", "berth.jobs.poll-interval", "200ms"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            db.close();
        }
    }

    @Test
    void anAdministratorAddsAProviderAndAProjectAdminPreheatsThroughAPolicy() {
        RegistryClient admin = server.adminClient();
        String project = new TestAccounts(server).project("e2epre", false);
        admin.pushImage(project + "/app", "v1", "preheat me".getBytes(StandardCharsets.UTF_8));

        PortalScript.named("preheat.mjs").with("PROJECT", project).passes(server, 2);

        // What the pages created is what the API holds.
        JsonNode instances = admin.get("/api/v2.0/p2p/preheat/instances").json();
        assertThat(instances.size()).isEqualTo(1);
        assertThat(instances.path(0).path("vendor").asString()).isEqualTo("kraken");
        JsonNode policies =
                admin.get("/api/v2.0/projects/" + project + "/preheat/policies").json();
        assertThat(policies.size()).isEqualTo(1);
        assertThat(policies.path(0).path("provider_id").asLong())
                .isEqualTo(instances.path(0).path("id").asLong());
        assertThat(policies.path(0).path("trigger").asString()).contains("manual");
        String name = policies.path(0).path("name").asString();
        JsonNode executions = admin.get("/api/v2.0/projects/" + project + "/preheat/policies/" + name + "/executions")
                .json();
        assertThat(executions.size()).isEqualTo(1);
        assertThat(executions.path(0).path("status").asString()).isEqualTo("Success");
        assertThat(executions.path(0).path("trigger").asString()).isEqualTo("MANUAL");
    }
}
