package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The container image that {@code -Pimage} builds (target/berth-image.tar), run as a container
 * runtime would run it: its layers unpacked by umoci into a root filesystem, that filesystem
 * mounted read-only with a tmpfs on /tmp and a host directory on the /data volume, and the image's
 * own entrypoint, environment, user and working directory executed in a chroot with its own PID
 * namespace and /proc. Nothing of the host is used inside but /dev: the Java runtime, the C
 * library, /bin/sh and the embedded PostgreSQL all come from the image. The running Berth then
 * takes a push of this very image with skopeo and serves it back unchanged.
 *
 * <p>Runs in {@code verify} with {@code -Pimage} (failsafe); needs root for the mounts and the
 * chroot, as a container runtime does.
 */
class ContainerImageIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration STARTUP = Duration.ofMinutes(4);

    /** Mounts the root filesystem as a container runtime would, then runs the command in it. */
    private static final String LAUNCHER = """
            set -eu
            root=$1; data=$2; user=$3; cwd=$4; shift 4
            image_path=$PATH
            PATH=/usr/sbin:/usr/bin:/sbin:/bin
            chroot=$(command -v chroot)
            mount --bind "$root" "$root"
            mount --rbind /dev "$root/dev"
            mount -t proc proc "$root/proc"
            mount -t tmpfs -o mode=1777,size=1g tmpfs "$root/tmp"
            mount --bind "$data" "$root/data"
            mount -o remount,bind,ro "$root"
            export PATH="$image_path"
            exec "$chroot" --userspec="$user" "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$cwd" "$@"
            """;

    @TempDir
    Path work;

    @Test
    void imageRunsFromItsOwnLayersAsNonRootOnAReadOnlyRootAndServesItself() throws Exception {
        String tarProperty = System.getProperty("berth.image.tar");
        assumeTrue(tarProperty != null, "run with -Pimage: the image is built in the package phase");
        Path tar = Path.of(tarProperty);
        assertThat(tar).as("the image built by jib:buildTar").exists();
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "mounting and chroot need root, as a container runtime does");

        ContainerTools tools = new ContainerTools(work.resolve("tools"));
        Path layout = work.resolve("oci");
        tools.skopeo("copy", "-q", "oci-archive:" + tar, "oci:" + layout + ":berth")
                .ok();
        JsonNode imageConfig = JSON.readTree(tools.skopeo("inspect", "--config", "oci:" + layout + ":berth")
                .ok()
                .stdout());
        JsonNode config = imageConfig.get("config");
        assertEquals("10000:10000", config.get("User").asString());
        assertThat(config.get("ExposedPorts").propertyNames()).contains("8080/tcp", "9090/tcp");
        assertThat(config.get("Volumes").propertyNames()).containsExactly("/data");
        assertThat(envList(config.get("Env"))).contains("BERTH_DATA_DIR=/data", "JAVA_HOME=/opt/java");

        Path bundle = work.resolve("bundle");
        tools.umoci("unpack", "--image", layout + ":berth", bundle.toString()).ok();
        Path rootfs = bundle.resolve("rootfs");
        JsonNode process = JSON.readTree(bundle.resolve("config.json").toFile()).get("process");
        assertEquals(10000, process.get("user").get("uid").asInt());
        assertEquals(10000, process.get("user").get("gid").asInt());
        assertEquals(10000, (int) Files.getAttribute(rootfs.resolve("data"), "unix:uid"));
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(rootfs.resolve("tmp"))));
        assertThat(rootfs.resolve("opt/java/bin/java")).isExecutable();
        assertThat(rootfs.resolve("bin/sh")).isExecutable();

        Path data = work.resolve("data");
        Files.createDirectories(data);
        Files.setAttribute(data, "unix:uid", 10000);
        Files.setAttribute(data, "unix:gid", 10000);
        // mount points a runtime creates
        Files.createDirectories(rootfs.resolve("dev"));
        Files.createDirectories(rootfs.resolve("proc"));

        int port = freePort();
        Path launcher = work.resolve("launch.sh");
        Files.writeString(launcher, LAUNCHER);
        List<String> entrypoint = new ArrayList<>();
        for (JsonNode arg : process.get("args")) {
            entrypoint.add(arg.asString());
        }
        Path log = work.resolve("berth.log");
        ProcessBuilder pb = inContainer(launcher, rootfs, data, process, entrypoint)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("SERVER_PORT", Integer.toString(port));
        int metricsPort = freePort();
        pb.environment().put("BERTH_METRICS_ENABLED", "true");
        pb.environment().put("BERTH_METRICS_PORT", Integer.toString(metricsPort));
        pb.environment().put("BERTH_ADMIN_PASSWORD", BerthServer.ADMIN_PASSWORD);
        // a small heap: other tests' servers share this machine
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Xmx384m -XX:TieredStopAtLevel=1");

        Process container = pb.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            awaitRegistry(http, base, container, log);

            HttpResponse<String> anonymous = http.send(
                    HttpRequest.newBuilder(base.resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();

            // what the Helm chart's probes and ServiceMonitor ask for
            for (String probe : List.of("/livez", "/readyz")) {
                assertEquals(
                        200,
                        http.send(
                                        HttpRequest.newBuilder(base.resolve(probe))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode(),
                        probe);
            }
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertThat(metrics.body()).contains("# TYPE");

            // Berth runs as uid 10000, on the image's runtime, with PostgreSQL from the image.
            ProcessHandle java = javaIn(container).orElseThrow();
            assertThat(Files.readString(Path.of("/proc", Long.toString(java.pid()), "status")))
                    .containsPattern("(?m)^Uid:\\s+10000\\s+10000\\s+10000\\s+10000$");
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(java.pid()), "root")))
                    .isEqualTo(rootfs);
            Path postmasterPid = data.resolve("pg/postmaster.pid");
            assertThat(postmasterPid).exists();
            assertEquals(10000, (int) Files.getAttribute(data.resolve("pg"), "unix:uid"));

            // The health check that compose runs in the container: healthy, and not for a dead port.
            assertEquals(0, inImage(launcher, rootfs, data, process, "http://127.0.0.1:" + port + "/api/v2.0/ping"));
            assertEquals(1, inImage(launcher, rootfs, data, process, "http://127.0.0.1:" + freePort() + "/"));

            // The image pushed into the Berth it contains, and pulled back byte for byte.
            String registry = "127.0.0.1:" + port;
            String reference = "docker://" + registry + "/library/berth:self";
            ContainerTools.Result denied =
                    tools.skopeo("copy", "-q", "--dest-tls-verify=false", "oci-archive:" + tar, reference);
            assertNotEquals(0, denied.exit(), "an anonymous push must be refused");
            assertThat(denied.stderr()).containsIgnoringCase("unauthorized");

            String creds = "admin:" + BerthServer.ADMIN_PASSWORD;
            Path digestFile = work.resolve("digest");
            tools.skopeo(
                            "copy",
                            "-q",
                            "--dest-tls-verify=false",
                            "--dest-creds",
                            creds,
                            "--digestfile",
                            digestFile.toString(),
                            "oci:" + layout + ":berth",
                            reference)
                    .ok();
            String pushed = Files.readString(digestFile).strip();
            JsonNode remote = JSON.readTree(tools.skopeo("inspect", "--tls-verify=false", "--creds", creds, reference)
                    .ok()
                    .stdout());
            assertEquals(pushed, remote.get("Digest").asString());

            Path pulled = work.resolve("pulled");
            tools.skopeo(
                            "copy",
                            "-q",
                            "--src-tls-verify=false",
                            "--src-creds",
                            creds,
                            reference,
                            "oci:" + pulled + ":berth")
                    .ok();
            String original = tools.skopeo("inspect", "--raw", "oci:" + layout + ":berth")
                    .ok()
                    .stdout();
            String roundTripped = tools.skopeo("inspect", "--raw", "oci:" + pulled + ":berth")
                    .ok()
                    .stdout();
            assertEquals(original, roundTripped, "the manifest comes back as it was pushed");
            assertEquals(
                    imageConfig,
                    JSON.readTree(tools.skopeo("inspect", "--config", "oci:" + pulled + ":berth")
                            .ok()
                            .stdout()));
        } finally {
            stop(container);
        }
        assertThat(Files.readString(log)).doesNotContain("Read-only file system");
    }

    /**
     * {@code argv} run as the image's user in its working directory, chrooted into {@code rootfs}
     * by the launcher in new mount and PID namespaces, with exactly the image's environment.
     */
    private static ProcessBuilder inContainer(
            Path launcher, Path rootfs, Path data, JsonNode process, List<String> argv) {
        List<String> command = new ArrayList<>(List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "sh",
                launcher.toString(),
                rootfs.toString(),
                data.toString(),
                "10000:10000",
                process.get("cwd").asString()));
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        for (String entry : envList(process.get("env"))) {
            int eq = entry.indexOf('=');
            pb.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return pb;
    }

    /** Runs compose's health check command in a second container on the same root filesystem. */
    private static int inImage(Path launcher, Path rootfs, Path data, JsonNode process, String url) throws Exception {
        ProcessBuilder pb = inContainer(
                        launcher,
                        rootfs,
                        data,
                        process,
                        List.of("java", "-Xmx32m", "-cp", "/app/classes", "dev.berth.system.HealthCheck", url))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process check = pb.start();
        if (!check.waitFor(2, TimeUnit.MINUTES)) {
            check.destroyForcibly();
            throw new AssertionError("the health check did not finish");
        }
        return check.exitValue();
    }

    private static List<String> envList(JsonNode env) {
        List<String> list = new ArrayList<>();
        env.forEach(e -> list.add(e.asString()));
        return list;
    }

    private static void awaitRegistry(HttpClient http, URI base, Process container, Path log) throws Exception {
        HttpRequest ping = HttpRequest.newBuilder(base.resolve("/v2/"))
                .header("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD))
                .timeout(Duration.ofSeconds(5))
                .build();
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!container.isAlive()) {
                throw new AssertionError("the container exited with " + container.exitValue() + ":\n" + tail(log));
            }
            try {
                HttpResponse<Void> response = http.send(ping, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    assertEquals(
                            Optional.of("registry/2.0"),
                            response.headers().firstValue("Docker-Distribution-API-Version"));
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            container.waitFor(250, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("the container did not answer GET /v2/ within " + STARTUP + ":\n" + tail(log));
    }

    /** The JVM inside the container: the PID namespace's first process, under unshare. */
    private static Optional<ProcessHandle> javaIn(Process container) {
        return container
                .descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst();
    }

    /** SIGTERM to the JVM (PID 1 of its namespace: the kernel ends the rest with it), then unshare exits. */
    private static void stop(Process container) throws InterruptedException {
        javaIn(container).ifPresent(ProcessHandle::destroy);
        if (!container.waitFor(60, TimeUnit.SECONDS)) {
            container.descendants().forEach(ProcessHandle::destroyForcibly);
            container.destroyForcibly().waitFor();
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
