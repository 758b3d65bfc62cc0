package dev.berth.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Berth as a separate OS process on this test's classpath, with the embedded PostgreSQL under its
 * data directory (no {@code SPRING_DATASOURCE_URL}), as a single node runs in production. For
 * fault tests: it can be killed with SIGKILL and started again on the same data directory.
 */
public final class BerthProcess implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(180);

    private final Process process;
    private final int port;
    private final Path log;

    private BerthProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Berth on a free port and returns once {@code GET /v2/} answers 200. Its temporary
     * files (Tomcat's work directory) go to {@code tmpDir}, which a killed process cannot clean.
     */
    public RegistryClient adminClient() {
        return new RegistryClient(
                baseUri(), java.util.Map.of("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD)));
    }

    public static BerthProcess start(Path dataDir, Path tmpDir, Path log) {
        return start(dataDir, tmpDir, log, List.of());
    }

    /** As {@link #start(Path, Path, Path)}, with extra {@code --name=value} arguments (e.g. an external database). */
    public static BerthProcess start(Path dataDir, Path tmpDir, Path log, List<String> extraArgs) {
        return start(dataDir, tmpDir, log, extraArgs, FreePort.pick());
    }

    /**
     * As {@link #start(Path, Path, Path, List)} on a given port: a replica restarted behind a load
     * balancer comes back at the address the balancer knows.
     */
    public static BerthProcess start(Path dataDir, Path tmpDir, Path log, List<String> extraArgs, int port) {
        try {
            Files.createDirectories(tmpDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xmx512m",
                "-Djava.io.tmpdir=" + tmpDir,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.berth.BerthApplication",
                "--server.port=" + port,
                "--spring.datasource.hikari.maximum-pool-size=10",
                "--spring.datasource.hikari.minimum-idle=1",
                // as in BerthServer: no OSV download from the internet at 03:30 UTC mid-test
                "--berth.scan.osv.schedule="));
        command.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("SPRING_DATASOURCE"));
        pb.environment().put("BERTH_DATA_DIR", dataDir.toString());
        pb.environment().put("BERTH_ADMIN_PASSWORD", BerthServer.ADMIN_PASSWORD);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BerthProcess berth = new BerthProcess(process, port, log);
        try {
            berth.awaitReady();
        } catch (RuntimeException | Error e) {
            berth.close();
            throw e;
        }
        return berth;
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpRequest ping = HttpRequest.newBuilder(baseUri().resolve("/v2/"))
                .header("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD))
                .timeout(Duration.ofSeconds(5))
                .build();
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Berth exited with " + process.exitValue() + " during startup:\n" + logTail());
            }
            try {
                if (http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Berth did not answer GET /v2/ within " + STARTUP + ":\n" + logTail());
    }

    /**
     * Runs a Berth command ({@code backup --to …}, {@code restore --from …}) as its own process, as an
     * operator would with {@code java -jar berth.jar}, and returns its exit status once it ends.
     */
    public static int runCommand(Path dataDir, Path log, List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.berth.BerthApplication"));
        command.addAll(args); // the command word first, then its options and any --name=value settings
        command.add("--spring.datasource.hikari.maximum-pool-size=4");
        command.add("--spring.datasource.hikari.minimum-idle=1");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("SPRING_DATASOURCE"));
        pb.environment().put("BERTH_DATA_DIR", dataDir.toString());
        try {
            Process process = pb.start();
            if (!process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("berth " + args.getFirst() + " did not end within " + STARTUP);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hooks run, the embedded PostgreSQL is left running as an orphan. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of the process's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the process gracefully (SIGTERM), forcibly if it takes too long. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The running postmaster of the embedded PostgreSQL under the data directory, if any. */
    public static Optional<ProcessHandle> postmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("pg").resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(lines.getFirst().trim()))
                    .filter(ProcessHandle::isAlive)
                    .filter(p ->
                            p.info().command().map(c -> c.contains("postgres")).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Stops a PostgreSQL left running under the data directory (by a killed Berth or a failed test). */
    public static void stopPostgres(Path dataDir) {
        postmaster(dataDir).ifPresent(p -> {
            p.destroy(); // SIGTERM: smart shutdown
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }
}
