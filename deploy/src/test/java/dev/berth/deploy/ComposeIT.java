package dev.berth.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.support.Podman;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/compose/compose.yaml started as install.md says, with Debian's {@code podman-compose}
 * (1.0.3) on podman: a copy of the file with a {@code .env} next to it, the image {@code -Pimage}
 * built and a stand-in for {@code postgres:17} (no registry is reachable here). Berth and
 * PostgreSQL come up healthy, a push and a pull work, and the documented upgrade to a new image
 * tag ({@code down}, a new {@code BERTH_IMAGE}, {@code up}) keeps the data: the volumes outlive
 * the containers. Runs with {@code -Pimage} (failsafe).
 */
class ComposeIT {
    private static final Path COMPOSE =
            Path.of(System.getProperty("berth.deploy.dir", ".")).resolve("compose/compose.yaml");

    @TempDir
    Path work;

    @Test
    void composeFileServesKeepsItsDataAcrossDownAndUpAndAcrossAnUpgrade() throws Exception {
        Workloads w = Workloads.start();
        String postgres = w.postgresImage(work);
        Path dir = work.resolve("compose");
        Files.createDirectories(dir);
        Files.copy(COMPOSE, dir.resolve("compose.yaml"));
        int port = Workloads.freePort();
        String project = "berth-it-" + UUID.randomUUID().toString().substring(0, 8);
        writeEnv(dir, port, w.image, postgres);
        URI base = URI.create("http://127.0.0.1:" + port);
        String registry = "127.0.0.1:" + port;
        String berth = project + "_berth_1";
        String database = project + "_postgres_1";
        try {
            compose(w, dir, project, "up", "-d");
            Workloads.awaitOk(base, "/v2/", () -> notRunning(w, berth, database));

            // both health checks of the file pass, run by podman in the containers
            assertEquals(0, w.podman.run("healthcheck", "run", database).exit(), "PostgreSQL's pg_isready");
            assertEquals(0, w.podman.run("healthcheck", "run", berth).exit(), "Berth's HealthCheck");
            // Berth as the file says: uid 10000, read-only root, no capabilities, only on 127.0.0.1
            assertEquals(
                    "10000:10000 true",
                    w.podman
                            .run("inspect", "--format", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}", berth)
                            .ok()
                            .output());
            // cap_drop ALL: podman lists every capability it would otherwise grant as dropped
            assertThat(w.podman
                            .run("inspect", "--format", "{{.HostConfig.CapDrop}}", berth)
                            .ok()
                            .output())
                    .contains("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_NET_RAW", "CAP_SETUID", "CAP_SYS_CHROOT");
            assertThat(w.podman.run("port", berth).ok().output()).isEqualTo("8080/tcp -> 127.0.0.1:" + port);

            String first = w.pushAndPull(work, registry, "library/compose:first");

            // the documented upgrade: a new BERTH_IMAGE in .env, then down (which removes the
            // containers and keeps the named volumes) and up: the data is still there
            String next = "localhost/berth:compose-upgrade";
            w.podman.run("tag", w.image, next).ok();
            writeEnv(dir, port, next, postgres);
            compose(w, dir, project, "down");
            assertThat(w.podman.run("container", "exists", berth).exit()).isNotZero();
            assertEquals(0, w.podman.run("volume", "exists", project + "_data").exit());
            assertEquals(
                    0, w.podman.run("volume", "exists", project + "_database").exit());
            compose(w, dir, project, "up", "-d");
            Workloads.awaitOk(base, "/v2/", () -> notRunning(w, berth, database));
            assertEquals(
                    next,
                    w.podman
                            .run("inspect", "--format", "{{.ImageName}}", berth)
                            .ok()
                            .output());
            w.assertPulls(work, "docker://" + registry + "/library/compose:first", first);
            w.pushAndPull(work, registry, "library/compose:after-upgrade");
        } finally {
            compose(w, dir, project, "down", "-v");
            for (String volume : List.of(project + "_data", project + "_database")) {
                w.podman.run("volume", "rm", "-f", volume);
            }
        }
    }

    private static void writeEnv(Path dir, int port, String berthImage, String postgresImage) throws Exception {
        Files.writeString(
                dir.resolve(".env"),
                String.join(
                        "\n",
                        List.of(
                                "BERTH_ADMIN_PASSWORD=" + Workloads.ADMIN_PASSWORD,
                                "BERTH_DB_PASSWORD=Compose-Db-2026",
                                "BERTH_EXTERNAL_URL=http://127.0.0.1:" + port,
                                "BERTH_BIND_ADDRESS=127.0.0.1",
                                "BERTH_PORT=" + port,
                                "BERTH_IMAGE=" + berthImage,
                                "POSTGRES_IMAGE=" + postgresImage,
                                "")));
    }

    private static void compose(Workloads w, Path dir, String project, String... args) {
        List<String> command = new ArrayList<>(
                List.of("podman-compose", "--podman-path", w.podman.executable().toString(), "-p", project));
        command.addAll(List.of(args));
        Podman.Result result = w.podman.runTool(dir, command);
        // podman-compose 1.0.3 exits 0 even when a podman command fails: its output tells
        assertEquals(0, result.exit(), result.stdout() + result.stderr());
    }

    /** Why the stack is not running, or null while both containers are. */
    private static String notRunning(Workloads w, String... containers) {
        for (String c : containers) {
            Podman.Result state = w.podman.run("inspect", "--format", "{{.State.Status}}", c);
            // (podman-compose does not wait for the database's health check: a Berth that started
            // first exits and is restarted by its restart policy)
            if (!List.of("running", "restarting", "created").contains(state.output())) {
                Podman.Result logs = w.podman.run("logs", "--tail", "60", c);
                return c + " is " + state.output() + state.stderr() + ":\n" + logs.stdout() + logs.stderr();
            }
        }
        return null;
    }
}
