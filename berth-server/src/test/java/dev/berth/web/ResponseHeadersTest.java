package dev.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Every answer, of the API, the registry and the token service, successes and errors alike, carries
 * {@code X-Content-Type-Options: nosniff} and its request id, so a browser never takes a blob or an
 * error body for a page, also when a handler resets the response to write its error.
 */
class ResponseHeadersTest {
    private final BerthServer server = BerthServer.shared();

    @Test
    void everyKindOfResponseSaysNosniff() {
        RegistryClient admin = server.adminClient();
        String project = TestUsers.uniqueName("nosniff");
        server.ensureProject(project, false);
        byte[] html = "<html><script>alert(1)</script></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] large = new byte[200_000];
        ThreadLocalRandom.current().nextBytes(large);
        RegistryClient.Image image = admin.pushImage(project + "/app", "v1", html, large);
        String repo = "/v2/" + project + "/app";
        List<RegistryClient.Response> responses = List.of(
                admin.get(repo + "/blobs/" + image.layers().get(0)),
                admin.get(repo + "/blobs/" + image.layers().get(1)),
                admin.head(repo + "/blobs/" + image.layers().get(0)),
                admin.get(repo + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST),
                admin.get(repo + "/tags/list"),
                server.anonymousClient().get("/v2/"),
                admin.get(repo + "/blobs/sha256:" + "0".repeat(64)),
                admin.get("/api/v2.0/projects/" + project),
                admin.get("/api/v2.0/projects/no-such-project-" + project),
                server.anonymousClient().get("/api/v2.0/users"),
                admin.get("/service/token?service=berth&scope=repository:" + project + "/app:pull"),
                server.client("admin", "wrong").get("/api/v2.0/projects"));
        for (RegistryClient.Response r : responses) {
            String what = r.raw().request().method() + " " + r.raw().request().uri() + " -> " + r.status();
            assertThat(r.header("X-Content-Type-Options")).as(what).contains("nosniff");
            assertThat(r.header("X-Request-Id")).as(what).isPresent();
        }
    }
}
