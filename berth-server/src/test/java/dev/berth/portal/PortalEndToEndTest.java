package dev.berth.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.PortalScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    void thePortalDoesInABrowserWhatItsUsersDo() throws IOException {
        // Screenshots of an earlier run must not pass for this one's.
        Files.createDirectories(PortalScript.SCREENSHOTS);
        try (var old = Files.newDirectoryStream(PortalScript.SCREENSHOTS, "*.png")) {
            for (Path png : old) {
                Files.delete(png);
            }
        }
        PortalScript.named("run.mjs").within(Duration.ofMinutes(8)).passes(server);
        assertThat(PortalScript.SCREENSHOTS.resolve("artifacts.png")).isNotEmptyFile();
    }
}
