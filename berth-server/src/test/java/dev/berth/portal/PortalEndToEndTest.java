package dev.berth.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The portal in real headless Chromium against a Berth started here: runs {@code portal/e2e/run.mjs}
 * (playwright-core driving Debian's {@code /usr/bin/chromium}), which signs in, creates a project,
 * pushes an image with skopeo, manages tags, members and robots, runs tag retention (a dry run listing
 * what would go, then a real run with its tasks and logs), runs GC, reads the audit log and
 * checks what a guest sees. Its screenshots land in {@code target/portal-screenshots}.
 */
class PortalEndToEndTest {
    private static final Path PORTAL = Path.of("..", "portal").toAbsolutePath().normalize();
    private static final Path SCREENSHOTS =
            Path.of("target", "portal-screenshots").toAbsolutePath();
    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

    private static BerthServer server;

    @BeforeAll
    static void start() {
        // Its own server: the run collects garbage, which must not touch other tests' artifacts.
        // The webhook step's receiver listens on 127.0.0.1, a network Berth calls only when allowed.
        server = BerthServer.withExternalDatabase(Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePortalDoesInABrowserWhatItsUsersDo() throws IOException, InterruptedException {
        assertThat(Path.of(CHROMIUM))
                .as("Debian's chromium (apt-get install chromium)")
                .isExecutable();
        assertThat(PORTAL.resolve("node_modules/playwright-core"))
                .as("the portal's npm dependencies (the portal module's build runs npm ci)")
                .isDirectory();
        Files.createDirectories(SCREENSHOTS);
        try (var old = Files.newDirectoryStream(SCREENSHOTS, "*.png")) {
            for (Path png : old) {
                Files.delete(png);
            }
        }
        Path log = Files.createTempFile("portal-e2e-", ".log");

        ProcessBuilder pb = new ProcessBuilder("node", "e2e/run.mjs")
                .directory(PORTAL.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("BERTH_URL", server.baseUri().toString());
        pb.environment().put("BERTH_ADMIN_PASSWORD", BerthServer.ADMIN_PASSWORD);
        pb.environment().put("SCREENSHOT_DIR", SCREENSHOTS.toString());
        pb.environment().put("CHROMIUM", CHROMIUM);
        Process process = pb.start();
        boolean finished = process.waitFor(8, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        System.out.println(output);

        assertThat(finished).as("the end-to-end run finished\n%s", output).isTrue();
        assertThat(process.exitValue())
                .as("exit code of node e2e/run.mjs\n%s", output)
                .isZero();
        assertThat(output).contains(" passed, 0 failed").doesNotContain("not ok");
        assertThat(SCREENSHOTS.resolve("artifacts.png")).isNotEmptyFile();
    }
}
