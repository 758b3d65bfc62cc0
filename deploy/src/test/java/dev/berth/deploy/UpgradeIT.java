package dev.berth.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.support.Podman;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade as a single-machine user makes it: the previous release's image ({@link
 * PreviousRelease}, built from an earlier commit of main) runs on a volume and takes pushes; this
 * build's image starts on the same volume (its embedded PostgreSQL opens the old data directory),
 * migrates the schema once and serves every image; started again, it migrates nothing. A rollback
 * after the schema moved is refused: by the previous release itself when it has the schema guard,
 * and always by this image on a schema a later release left (Flyway's history with a migration
 * this image does not have), with a message naming both versions. Runs with {@code -Pimage}.
 */
class UpgradeIT {
    private static final Duration STOPPED = Duration.ofMinutes(4);

    @TempDir
    Path work;

    private final List<String> containers = new ArrayList<>();

    @Test
    void thePreviousReleaseUpgradesOnItsVolumeMigratesOnceServesEveryImageAndANewerSchemaIsRefused() throws Exception {
        Workloads w = Workloads.start();
        PreviousRelease previous = PreviousRelease.image(w, work);
        System.out.println("previous release " + previous.commit() + " as " + previous.image() + ", built in "
                + previous.buildTime().toSeconds() + " s");
        String volume = "berth-upgrade-" + UUID.randomUUID().toString().substring(0, 8);
        int port = Workloads.freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        String registry = "127.0.0.1:" + port;
        w.podman.run("volume", "create", volume).ok();
        try {
            // the previous release with data
            String old = start(w, "old", previous.image(), volume, port);
            Workloads.awaitOk(base, "/v2/", () -> notRunning(w, old));
            List<String> before = history(w, volume);
            Map<String, String> pushed = new LinkedHashMap<>();
            for (String repository : List.of("library/upgrade:one", "library/upgrade:two", "library/other:latest")) {
                pushed.put(repository, w.pushAndPull(work, registry, repository));
            }
            stop(w, old);

            // this build's image on the same volume: the schema migrated, every image pulls
            String upgraded = start(w, "new", w.image, volume, port);
            Workloads.awaitOk(base, "/v2/", () -> notRunning(w, upgraded));
            List<String> after = history(w, volume);
            assertThat(after).as("the schema moved").hasSizeGreaterThan(before.size());
            assertThat(after.subList(0, before.size()))
                    .as("the previous release's history is kept")
                    .isEqualTo(before);
            assertThat(after).as("each migration applied once").doesNotHaveDuplicates();
            assertThat(after).allMatch(m -> m.endsWith(" ok"), "every migration succeeded");
            pushed.forEach(
                    (repository, digest) -> w.assertPulls(work, "docker://" + registry + "/" + repository, digest));
            w.pushAndPull(work, registry, "library/upgrade:after");
            String appliedLog = logs(w, upgraded);
            assertThat(appliedLog).contains("Successfully applied " + (after.size() - before.size()) + " migration");
            stop(w, upgraded);

            if (previous.refusesNewerSchema()) {
                // a rollback to the previous release after the schema moved
                String rollback = start(w, "rollback", previous.image(), volume, port);
                assertRefused(w, rollback, version(before), version(after));
            }

            // started again: nothing to migrate, the images are there
            String again = start(w, "again", w.image, volume, port);
            Workloads.awaitOk(base, "/v2/", () -> notRunning(w, again));
            assertThat(history(w, volume)).isEqualTo(after);
            assertThat(logs(w, again)).contains("is up to date. No migration necessary");
            pushed.forEach(
                    (repository, digest) -> w.assertPulls(work, "docker://" + registry + "/" + repository, digest));
            // what a later release leaves behind: its migration in Flyway's history
            sql(w, volume, """
                    INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,
                        checksum, installed_by, execution_time, success)
                    SELECT max(installed_rank) + 1, '9999', 'from a later berth', 'SQL', 'V9999__later.sql',
                        0, 'postgres', 1, true FROM flyway_schema_history""");
            stop(w, again);

            // this image on the later release's schema: refused, naming both versions
            String refused = start(w, "refused", w.image, volume, port);
            assertRefused(w, refused, version(after), "9999 (from a later berth)");
        } finally {
            for (String c : containers) {
                w.podman.remove(c);
            }
            w.podman.run("volume", "rm", "-f", volume);
        }
    }

    /** The container exits at start-up, saying the schema is newer and which versions. */
    private void assertRefused(Workloads w, String container, String known, String newer) throws Exception {
        Instant deadline = Instant.now().plus(STOPPED);
        while (!"exited".equals(state(w, container))) {
            assertThat(Instant.now()).as(container + " should refuse to start").isBefore(deadline);
            Thread.sleep(500);
        }
        assertEquals(
                "1",
                w.podman
                        .run("inspect", "--format", "{{.State.ExitCode}}", container)
                        .ok()
                        .output());
        assertThat(logs(w, container))
                .contains("APPLICATION FAILED TO START")
                .contains("The database schema is at version " + newer + ", migrated by a newer Berth")
                .contains("knows the schema up to version " + known)
                .contains("restore the database and the blob store from the backup taken before the upgrade");
    }

    /** Starts {@code image} as compose and Kubernetes run it, with the volume on /data. */
    private String start(Workloads w, String role, String image, String volume, int port) {
        String name = volume + "-" + role;
        containers.add(name);
        w.podman
                .run(
                        "run",
                        "-d",
                        "--name",
                        name,
                        "--network",
                        "host",
                        "--read-only",
                        "--tmpfs",
                        "/tmp:size=1g",
                        "--cap-drop",
                        "ALL",
                        "--security-opt",
                        "no-new-privileges",
                        "-v",
                        volume + ":/data",
                        "-e",
                        "SERVER_PORT=" + port,
                        "-e",
                        "SERVER_ADDRESS=127.0.0.1",
                        "-e",
                        "BERTH_ADMIN_PASSWORD=" + Workloads.ADMIN_PASSWORD,
                        "-e",
                        "JAVA_TOOL_OPTIONS=-Xmx384m -XX:TieredStopAtLevel=1",
                        image)
                .ok();
        return name;
    }

    /** SIGTERM, as a user's upgrade does: Berth and its PostgreSQL stop cleanly. */
    private static void stop(Workloads w, String container) {
        w.podman.run("stop", "-t", "30", container).ok();
        assertEquals(
                "143",
                w.podman
                        .run("inspect", "--format", "{{.State.ExitCode}}", container)
                        .ok()
                        .output(),
                "a clean stop on SIGTERM");
    }

    /** Flyway's history in the volume's database: "version description ok|failed", in order. */
    private static List<String> history(Workloads w, String volume) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(w, volume);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT version, description, success FROM flyway_schema_history
                        WHERE version IS NOT NULL ORDER BY installed_rank""")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + (rs.getBoolean(3) ? " ok" : " failed"));
            }
        }
        return rows;
    }

    /** The latest version of a history as the refusal names it: "66 (retention)". */
    private static String version(List<String> history) {
        String last = history.getLast();
        String version = last.substring(0, last.indexOf(' '));
        return version + " (" + last.substring(version.length() + 1, last.lastIndexOf(' ')) + ")";
    }

    private static void sql(Workloads w, String volume, String statement) throws Exception {
        try (Connection c = connect(w, volume);
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /**
     * The embedded PostgreSQL of the running container: it listens on 127.0.0.1 of the host's
     * network, on the port its postmaster.pid in the volume names (fourth line).
     */
    private static Connection connect(Workloads w, String volume) throws Exception {
        Path mountpoint = Path.of(w.podman
                .run("volume", "inspect", "--format", "{{.Mountpoint}}", volume)
                .ok()
                .output());
        List<String> pid = Files.readAllLines(mountpoint.resolve("pg/postmaster.pid"));
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pid.get(3).strip() + "/postgres", "postgres", "");
    }

    private static String state(Workloads w, String container) {
        return w.podman
                .run("inspect", "--format", "{{.State.Status}}", container)
                .ok()
                .output();
    }

    private static String logs(Workloads w, String container) {
        Podman.Result logs = w.podman.run("logs", container);
        return logs.stdout() + logs.stderr();
    }

    private static String notRunning(Workloads w, String container) {
        String state = state(w, container);
        if ("running".equals(state)) {
            return null;
        }
        return container + " is " + state + ":\n" + logs(w, container);
    }
}
