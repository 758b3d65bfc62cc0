package dev.berth.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.PortalScript;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replication in the portal, in real headless Chromium ({@code portal/e2e/replication.mjs}): the
 * administrator adds Debian's docker-registry (Basic auth, started here) as an endpoint with the
 * connection test, creates a push rule with name and tag filters, runs it and reads the execution,
 * its task and the task's log; a user who is not an administrator sees none of it. What the run
 * copied is then checked at the destination through its registry API: the filtered tag whole,
 * digests identical, the other tag not there.
 */
class PortalReplicationEndToEndTest {
    private static final String REMOTE_USER = "mirror";
    private static final String REMOTE_PASSWORD = "Mirror-" + UUID.randomUUID();
    private static final String ACCEPT = String.join(",", RegistryClient.OCI_MANIFEST, RegistryClient.DOCKER_MANIFEST);

    private static TestDatabase db;
    private static BerthServer server;
    private static DistributionRegistry remote;

    @BeforeAll
    static void start() {
        remote = DistributionRegistry.withBasicAuth(REMOTE_USER, REMOTE_PASSWORD);
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
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    void anAdministratorReplicatesThroughThePagesAndAUserSeesNoneOfIt() {
        RegistryClient admin = server.adminClient();
        TestAccounts accounts = new TestAccounts(server);
        String project = accounts.project("e2erepl-", false);
        RegistryClient.Image wanted =
                admin.pushImage(project + "/app", "1.0", "replicated".getBytes(StandardCharsets.UTF_8));
        admin.pushImage(project + "/app", "dev", "filtered out".getBytes(StandardCharsets.UTF_8));
        TestAccounts.Account user = accounts.user("e2euser-");
        String endpoint = TestAccounts.unique("mirror-");
        String rule = TestAccounts.unique("push-");

        String output = PortalScript.named("replication.mjs")
                .with("PROJECT", project)
                .with("REMOTE_URL", remote.baseUri().toString())
                .with("REMOTE_USER", REMOTE_USER)
                .with("REMOTE_PASSWORD", REMOTE_PASSWORD)
                .with("ENDPOINT", endpoint)
                .with("RULE", rule)
                .with("USER", user.name())
                .with("USER_PASSWORD", user.password())
                .passes(server, 6);
        assertThat(output).doesNotContain(REMOTE_PASSWORD + "\"");

        RegistryClient destination = new RegistryClient(
                remote.baseUri(), Map.of("Authorization", BerthServer.basic(REMOTE_USER, REMOTE_PASSWORD)));
        RegistryClient.Response copied = destination.get("/v2/" + project + "/app/manifests/1.0", "Accept", ACCEPT);
        assertThat(copied.status()).as(copied.text()).isEqualTo(200);
        assertThat(Digest.sha256(copied.body())).isEqualTo(wanted.manifest());
        for (Digest layer : wanted.layers()) {
            assertThat(destination
                            .head("/v2/" + project + "/app/blobs/" + layer)
                            .status())
                    .isEqualTo(200);
        }
        assertThat(destination
                        .get("/v2/" + project + "/app/manifests/dev", "Accept", ACCEPT)
                        .status())
                .as("the tag filter left dev where it was")
                .isEqualTo(404);
        // what the dialogs created is what the API holds
        assertThat(admin.get("/api/v2.0/registries?name=" + endpoint).text()).contains("\"docker-registry\"");
        assertThat(admin.get("/api/v2.0/replication/policies?name=" + rule).text())
                .contains("\"1.*\"")
                .contains("\"" + project + "/**\"");
    }
}
