package dev.berth.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the portal's end-to-end scripts ({@code portal/e2e/*.mjs}: playwright-core driving Debian's
 * {@code /usr/bin/chromium} headless) run by node against a Berth started by the test. The script
 * gets {@code BERTH_URL}, {@code BERTH_ADMIN_PASSWORD}, {@code SCREENSHOT_DIR} ({@code
 * target/portal-screenshots}) and {@code CHROMIUM}, plus what the test adds with {@link #with}; it
 * prints {@code ok - <step>} / {@code not ok - <step>} per step and {@code <n> passed, <m> failed}
 * at the end, and exits non-zero when a step failed.
 */
public final class PortalScript {
    public static final Path PORTAL = Path.of("..", "portal").toAbsolutePath().normalize();
    public static final Path SCREENSHOTS =
            Path.of("target", "portal-screenshots").toAbsolutePath();
    public static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

    private final String script;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofMinutes(4);

    private PortalScript(String script) {
        this.script = script;
    }

    /** A script under {@code portal/e2e/}, e.g. {@code "ldap.mjs"}. */
    public static PortalScript named(String script) {
        return new PortalScript(script);
    }

    /** An environment variable for the script. */
    public PortalScript with(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** How long the run may take before it is killed and the test fails (default 4 minutes). */
    public PortalScript within(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Runs the script against the server and asserts that exactly {@code steps} steps passed. */
    public String passes(BerthServer server, int steps) {
        String output = run(server);
        assertThat(output).contains(steps + " passed, 0 failed");
        return output;
    }

    /** Runs the script against the server and asserts that every step passed. */
    public String passes(BerthServer server) {
        return run(server);
    }

    private String run(BerthServer server) {
        assertThat(Path.of(CHROMIUM))
                .as("Debian's chromium (apt-get install chromium)")
                .isExecutable();
        assertThat(PORTAL.resolve("node_modules/playwright-core"))
                .as("the portal's npm dependencies (the portal module's build runs npm ci)")
                .isDirectory();
        try {
            Files.createDirectories(SCREENSHOTS);
            Path log = Files.createTempFile("portal-e2e-", ".log");
            ProcessBuilder pb = new ProcessBuilder("node", "e2e/" + script)
                    .directory(PORTAL.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("BERTH_URL", server.baseUri().toString());
            pb.environment().put("BERTH_ADMIN_PASSWORD", BerthServer.ADMIN_PASSWORD);
            pb.environment().put("SCREENSHOT_DIR", SCREENSHOTS.toString());
            pb.environment().put("CHROMIUM", CHROMIUM);
            pb.environment().putAll(env);
            Process process = pb.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            System.out.println(output);
            assertThat(finished).as("node e2e/%s finished\n%s", script, output).isTrue();
            assertThat(process.exitValue())
                    .as("exit code of node e2e/%s\n%s", script, output)
                    .isZero();
            assertThat(output).contains(" passed, 0 failed").doesNotContain("not ok");
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node e2e/" + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
