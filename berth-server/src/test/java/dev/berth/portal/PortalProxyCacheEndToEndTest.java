package dev.berth.portal;

import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
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
 * The proxy cache in the portal, in real headless Chromium ({@code portal/e2e/proxy-cache.mjs}):
 * the administrator creates a proxy-cache project in the New project dialog with the endpoint
 * picker, an image is pulled through it from a real {@code docker-registry} upstream, and the
 * project's Proxy cache tab shows the endpoint and the cached tag.
 */
class PortalProxyCacheEndToEndTest {
    private static TestDatabase db;
    private static BerthServer server;
    private static DistributionRegistry upstream;

    @BeforeAll
    static void start() {
        upstream = DistributionRegistry.open();
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(db, Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            db.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void anAdministratorCreatesAProxyCacheWithTheEndpointPickerAndSeesWhatItCached() {
        RegistryClient admin = server.adminClient();
        RegistryClient.Image image = new RegistryClient(upstream.baseUri())
                .pushImage("library/app", "1.0", "pulled through".getBytes(StandardCharsets.UTF_8));
        // Long, as real ones are: the picker shows name, type and URL, and must stay inside the dialog.
        String endpointName = TestAccounts.unique("upstream-mirror-of-the-build-farm-");
        RegistryClient.Response endpoint = postJson(
                admin,
                "/api/v2.0/registries",
                Map.of(
                        "name",
                        endpointName,
                        "type",
                        "docker-registry",
                        "url",
                        upstream.baseUri().toString()));
        assertThat(endpoint.status()).as(endpoint.text()).isEqualTo(201);
        String location = endpoint.header("Location").orElseThrow();
        String endpointId = location.substring(location.lastIndexOf('/') + 1);
        String project = TestAccounts.unique("e2epc-");

        PortalScript.named("proxy-cache.mjs")
                .with("PROJECT", project)
                .with("ENDPOINT_ID", endpointId)
                .with("ENDPOINT_NAME", endpointName)
                .with("UPSTREAM_REPO", "library/app")
                .with("TAG", "1.0")
                .passes(server, 3);

        // What the dialog created is what the API holds, and the pull cached the image.
        JsonNode created = admin.get("/api/v2.0/projects/" + project).json();
        assertThat(created.path("registry_id").asString()).isEqualTo(endpointId);
        JsonNode artifact = admin.get("/api/v2.0/projects/" + project + "/repositories/library%252Fapp/artifacts/1.0")
                .json();
        assertThat(artifact.path("digest").asString())
                .isEqualTo(image.manifest().toString());
    }
}
