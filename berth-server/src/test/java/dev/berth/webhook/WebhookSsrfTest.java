package dev.berth.webhook;

import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.outbound.HostResolver;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import dev.berth.support.WebhookReceiver;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks on a server with Berth's default outbound rules (nothing opened): a host name that
 * resolved to a public address when the policy was saved and resolves to 127.0.0.1 when the event
 * is delivered (DNS rebinding) is refused at delivery, and the receiver listening there hears
 * nothing. Name resolution is the one thing replaced here: the machine's DNS cannot be steered.
 */
class WebhookSsrfTest {
    static final AtomicBoolean REBOUND = new AtomicBoolean();

    /** Resolves {@code rebind.test}: a public address until {@link #REBOUND}, then 127.0.0.1. */
    static class RebindingResolver {
        @Bean
        HostResolver hostResolver() {
            return host -> host.equals("rebind.test")
                    ? List.of(InetAddress.getByAddress(
                            REBOUND.get() ? new byte[] {127, 0, 0, 1} : new byte[] {93, (byte) 184, (byte) 216, 34}))
                    : HostResolver.system().resolve(host);
        }
    }

    private static TestDatabase db;
    private static BerthServer server;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db, Map.of("berth.jobs.poll-interval", "200ms", "berth.jobs.lease", "5s"), RebindingResolver.class);
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    @Test
    void aNameThatResolvesToLoopbackOnlyAtDeliveryIsRefusedThen() {
        RegistryClient admin = server.adminClient();
        TestAccounts accounts = new TestAccounts(server);
        String project = accounts.project("rebind", false);
        String policies = "/api/v2.0/projects/" + project + "/webhook/policies";
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String address = "http://rebind.test:" + receiver.port() + "/hook";
            // Saved while the name points outside; the loopback spelling itself is refused at once.
            RegistryClient.Response loopback = postJson(
                    admin,
                    policies,
                    Map.of(
                            "name",
                            "direct",
                            "targets",
                            List.of(Map.of("type", "http", "address", receiver.url("/hook"))),
                            "event_types",
                            List.of("PUSH_ARTIFACT"),
                            "enabled",
                            true));
            assertThat(loopback.status()).isEqualTo(400);
            RegistryClient.Response saved = postJson(
                    admin,
                    policies,
                    Map.of(
                            "name",
                            "rebinding",
                            "targets",
                            List.of(Map.of("type", "http", "address", address)),
                            "event_types",
                            List.of("PUSH_ARTIFACT"),
                            "enabled",
                            true));
            RegistryClient.check(saved, 201);
            String location = saved.header("Location").orElseThrow();
            long policyId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));

            REBOUND.set(true);
            admin.pushImage(project + "/app", "v1", "layer".getBytes());

            String executions = policies + "/" + policyId + "/executions";
            JsonNode execution = Eventually.await(
                            () -> admin.get(executions).json(),
                            e -> e.path(0).path("status").asString().equals("Error"))
                    .path(0);
            String tasks = executions + "/" + execution.path("id").asLong() + "/tasks";
            JsonNode task = admin.get(tasks).json().path(0);
            assertThat(task.path("run_count").asInt())
                    .as("refused targets are not retried")
                    .isEqualTo(1);
            String log =
                    admin.get(tasks + "/" + task.path("id").asLong() + "/log").text();
            assertThat(log).contains("not sent: ").contains("not retried");
            assertThat(receiver.received()).isEmpty();
        } finally {
            REBOUND.set(false);
        }
    }
}
