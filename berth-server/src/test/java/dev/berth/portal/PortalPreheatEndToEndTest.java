package dev.berth.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    private static final Path PORTAL = Path.of("..", "portal").toAbsolutePath().normalize();
    private static final Path SCREENSHOTS =
            Path.of("target", "portal-screenshots").toAbsolutePath();
    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

    private static TestDatabase db;
    private static BerthServer server;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
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
    void anAdministratorAddsAProviderAndAProjectAdminPreheatsThroughAPolicy() throws IOException, InterruptedException {
        assertThat(Path.of(CHROMIUM)).as("Debian's chromium").isExecutable();
        assertThat(PORTAL.resolve("node_modules/playwright-core")).isDirectory();
        Files.createDirectories(SCREENSHOTS);
        RegistryClient admin = server.adminClient();
        String project = new TestAccounts(server).project("e2epre", false);
        admin.pushImage(project + "/app", "v1", "preheat me".getBytes(StandardCharsets.UTF_8));

        Path log = Files.createTempFile("portal-preheat-e2e-", ".log");
        ProcessBuilder pb = new ProcessBuilder("node", "e2e/preheat.mjs")
                .directory(PORTAL.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("BERTH_URL", server.baseUri().toString());
        pb.environment().put("BERTH_ADMIN_PASSWORD", BerthServer.ADMIN_PASSWORD);
        pb.environment().put("SCREENSHOT_DIR", SCREENSHOTS.toString());
        pb.environment().put("CHROMIUM", CHROMIUM);
        pb.environment().put("PROJECT", project);
        Process process = pb.start();
        boolean finished = process.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        System.out.println(output);
        assertThat(finished)
                .as("the preheat end-to-end run finished\n%s", output)
                .isTrue();
        assertThat(process.exitValue())
                .as("exit code of node e2e/preheat.mjs\n%s", output)
                .isZero();
        assertThat(output).contains("2 passed, 0 failed").doesNotContain("not ok");

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
