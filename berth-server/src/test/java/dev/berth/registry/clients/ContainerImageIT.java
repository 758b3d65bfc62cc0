package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.FreePort;
import dev.berth.support.Podman;
import dev.berth.support.S3TestServer;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The container image that {@code -Pimage} builds (target/berth-image.tar), run by podman as
 * Kubernetes and compose run it: as its own non-root user, read-only root file system, no
 * capabilities, only {@code /data} (a named volume) and a tmpfs on {@code /tmp} writable, the
 * compose file's health check. The running Berth takes a push of this very image with skopeo and
 * serves it back unchanged; {@code SIGTERM} stops Berth and then its embedded PostgreSQL cleanly
 * within the grace period, and a new container on the same volume serves every image again. A
 * second container runs with an external PostgreSQL and S3 (s3proxy) instead of the volume.
 *
 * <p>Runs in {@code verify} with {@code -Pimage} (failsafe). Containers use the host's network
 * (on free ports of 127.0.0.1), so that they reach the test's PostgreSQL and s3proxy.
 */
class ContainerImageIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static final String PREFIX = "berth-image-it-";

    private static Podman podman;
    private static Path tar;
    private static String image;
    private static final List<String> containers = new ArrayList<>();
    private static final List<String> volumes = new ArrayList<>();

    @TempDir
    Path work;

    @BeforeAll
    static void loadImage() {
        String tarProperty = System.getProperty("berth.image.tar");
        assumeTrue(tarProperty != null, "run with -Pimage: the image is built in the package phase");
        tar = Path.of(tarProperty);
        assertThat(tar).as("the image built by jib:buildTar").exists();
        assertThat(Podman.available())
                .as("podman and runc run the image (apt-get install -y podman runc)")
                .isTrue();
        podman = new Podman(Path.of(System.getProperty("berth.podman.dir", "target/podman")));
        image = "localhost/" + System.getProperty("berth.image.name", "berth:0.1.0-SNAPSHOT");
        podman.load(tar, image);
    }

    @AfterAll
    static void removeContainers() {
        if (podman == null) {
            return;
        }
        for (String c : containers) {
            podman.remove(c);
        }
        for (String v : volumes) {
            podman.run("volume", "rm", "-f", v);
        }
    }

    @Test
    void runsAsNonRootOnAReadOnlyRootStopsCleanlyAndKeepsItsImagesOnTheVolume() throws Exception {
        JsonNode imageConfig = JSON.readTree(
                        podman.run("image", "inspect", image).ok().stdout())
                .get(0)
                .get("Config");
        assertEquals("10000:10000", imageConfig.get("User").asString());
        assertThat(imageConfig.get("ExposedPorts").propertyNames()).contains("8080/tcp", "9090/tcp");
        assertThat(imageConfig.get("Volumes").propertyNames()).containsExactly("/data");
        assertThat(envList(imageConfig.get("Env"))).contains("BERTH_DATA_DIR=/data", "JAVA_HOME=/opt/java");
        // the image's file system as podman stores it: /data for uid 10000, /tmp for everyone
        Path rootfs = Path.of(podman.run("image", "mount", image).ok().output());
        try {
            assertEquals(10000, (int) Files.getAttribute(rootfs.resolve("data"), "unix:uid"));
            assertEquals(
                    "rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(rootfs.resolve("tmp"))));
            assertThat(rootfs.resolve("opt/java/bin/java")).isExecutable();
            assertThat(rootfs.resolve("bin/sh")).isExecutable();
        } finally {
            podman.run("image", "unmount", image);
        }

        String volume = PREFIX + "data-" + System.nanoTime();
        podman.run("volume", "create", volume).ok();
        volumes.add(volume);
        int port = FreePort.pick();
        int metricsPort = FreePort.pick();
        String first = start(
                "first",
                port,
                List.of("-v", volume + ":/data"),
                Map.of("BERTH_METRICS_ENABLED", "true", "BERTH_METRICS_PORT", Integer.toString(metricsPort)));
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient http = http();
        awaitRegistry(http, base, first);

        HttpResponse<String> anonymous =
                http.send(HttpRequest.newBuilder(base.resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        // what the Helm chart's probes and ServiceMonitor ask for
        for (String probe : List.of("/livez", "/readyz")) {
            assertEquals(200, status(http, base.resolve(probe)), probe);
        }
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertThat(metrics.body()).contains("# TYPE");

        // Berth (PID 1 of the container) and its PostgreSQL run as uid 10000, nothing as root.
        List<String> processes = podman.run("top", first, "huser", "args")
                .ok()
                .stdout()
                .lines()
                .skip(1)
                .toList();
        assertThat(processes).anyMatch(p -> p.matches("10000\\s+java .*dev\\.berth\\.BerthApplication.*"));
        assertThat(processes).anyMatch(p -> p.matches("10000\\s+/tmp/embedded-pg/.*/bin/postgres -D /data/pg.*"));
        assertThat(processes).allMatch(p -> p.startsWith("10000 "));

        // The compose file's health check, run by podman in the container: healthy, and not for a dead port.
        assertEquals(0, podman.run("healthcheck", "run", first).exit());
        assertEquals(
                "healthy",
                podman.run("inspect", "--format", "{{.State.Health.Status}}", first)
                        .ok()
                        .output());
        assertEquals(
                1,
                podman.run(healthCheck(first, "http://127.0.0.1:" + FreePort.pick() + "/"))
                        .exit());

        // The image pushed into the Berth it contains, and pulled back byte for byte.
        ContainerTools tools = new ContainerTools(work.resolve("tools"));
        Path layout = work.resolve("oci");
        tools.skopeo("copy", "-q", "oci-archive:" + tar, "oci:" + layout + ":berth")
                .ok();
        String registry = "127.0.0.1:" + port;
        String reference = "docker://" + registry + "/library/berth:self";
        ContainerTools.Result denied =
                tools.skopeo("copy", "-q", "--dest-tls-verify=false", "oci:" + layout + ":berth", reference);
        assertNotEquals(0, denied.exit(), "an anonymous push must be refused");
        assertThat(denied.stderr()).containsIgnoringCase("unauthorized");
        String pushed = pushAndPullBack(tools, layout, reference);

        // Nothing was written outside the volume and the tmpfs: the root file system is read-only
        // (podman's own mount points for /etc/hosts, /etc/resolv.conf and /var/tmp are all it lists).
        assertEquals(
                "true",
                podman.run("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", first)
                        .ok()
                        .output());
        assertThat(podman.run("diff", first).ok().output().lines())
                .isSubsetOf("A /var", "A /var/tmp", "C /etc", "A /etc/hosts", "A /etc/resolv.conf", "A /etc/hostname");

        // SIGTERM: Berth finishes, closes its connections, then stops its PostgreSQL, within the grace period.
        podman.run("stop", "-t", "30", first).ok(); // Kubernetes' default grace period
        JsonNode state =
                JSON.readTree(podman.run("inspect", first).ok().stdout()).get(0).get("State");
        assertEquals(143, state.get("ExitCode").asInt(), "the JVM's exit status on SIGTERM; 137 means it was killed");
        String log = podman.run("logs", first).ok().stdout()
                + podman.run("logs", first).stderr();
        assertThat(log).doesNotContain("Read-only file system");
        // (PostgreSQL's own lines are copied by a thread that may not get to them before the JVM
        // exits; the library logs that pg_ctl stop returned from the shutdown thread itself.)
        int poolClosed = log.indexOf("berth - Shutdown completed");
        int postgresStopped = log.indexOf("shut down postmaster in");
        assertThat(poolClosed).as("the connection pool closed").isPositive();
        assertThat(postgresStopped)
                .as("PostgreSQL is stopped after the pool closed, not before")
                .isGreaterThan(poolClosed);
        podman.run("rm", first).ok();
        containers.remove(first);

        // A new container on the same volume: PostgreSQL starts from a clean shutdown, every image is there.
        int port2 = FreePort.pick();
        String second = start("second", port2, List.of("-v", volume + ":/data"), Map.of());
        awaitRegistry(http, URI.create("http://127.0.0.1:" + port2), second);
        String secondLog = podman.run("logs", second).ok().stdout();
        assertThat(secondLog).contains("database system was shut down at").doesNotContain("automatic recovery");
        String again = "docker://127.0.0.1:" + port2 + "/library/berth:self";
        JsonNode remote = JSON.readTree(tools.skopeo("inspect", "--tls-verify=false", "--creds", creds(), again)
                .ok()
                .stdout());
        assertEquals(pushed, remote.get("Digest").asString());
        Path pulled = work.resolve("pulled-again");
        tools.skopeo("copy", "-q", "--src-tls-verify=false", "--src-creds", creds(), again, "oci:" + pulled + ":b")
                .ok();
        podman.run("stop", "-t", "60", second).ok();
    }

    @Test
    void runsWithAnExternalPostgresqlAndS3InsteadOfTheVolume() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        String bucket = s3.newBucket();
        try (TestDatabase db = TestDatabase.create()) {
            int port = FreePort.pick();
            String name = start(
                    "external",
                    port,
                    List.of(),
                    Map.of(
                            "SPRING_DATASOURCE_URL",
                            db.jdbcUrl(),
                            "SPRING_DATASOURCE_USERNAME",
                            db.user(),
                            "BERTH_STORAGE_TYPE",
                            "s3",
                            "BERTH_STORAGE_S3_ENDPOINT",
                            s3.endpoint().toString(),
                            "BERTH_STORAGE_S3_REGION",
                            "us-east-1",
                            "BERTH_STORAGE_S3_BUCKET",
                            bucket,
                            "BERTH_STORAGE_S3_ACCESS_KEY",
                            S3TestServer.ACCESS_KEY,
                            "BERTH_STORAGE_S3_SECRET_KEY",
                            S3TestServer.SECRET_KEY,
                            "BERTH_STORAGE_S3_PATH_STYLE",
                            "true"));
            try {
                HttpClient http = http();
                awaitRegistry(http, URI.create("http://127.0.0.1:" + port), name);
                ContainerTools tools = new ContainerTools(work.resolve("tools"));
                OciLayout layout =
                        tools.buildLayout("small", "amd64", Map.of("marker.txt", ContainerTools.marker()), "gzip");
                String reference = "docker://127.0.0.1:" + port + "/library/small:s3";
                pushAndPullBack(tools, layout.dir(), reference);
                // the blobs went to the bucket, and no PostgreSQL runs in the container
                List<String> keys = s3.client().listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                        .map(S3Object::key)
                        .toList();
                String layer = layout.layerDigests().getFirst().hex();
                assertThat(keys).anyMatch(k -> k.contains(layer));
                assertThat(podman.run("top", name, "args").ok().stdout()).doesNotContain("postgres");
            } finally {
                podman.run("stop", "-t", "60", name);
            }
            String log = podman.run("logs", name).stdout();
            assertThat(log).doesNotContain("embedded_postgres_starting");
        }
    }

    /** Starts the image as compose and the Helm chart do, on the host's network at {@code port}. */
    private static String start(String role, int port, List<String> volumeArgs, Map<String, String> env) {
        String name = PREFIX + role + "-" + System.nanoTime();
        List<String> args = new ArrayList<>(List.of(
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
                "--health-cmd",
                "[\"java\",\"-XX:TieredStopAtLevel=1\",\"-Xmx32m\",\"-cp\",\"/app/classes\","
                        + "\"dev.berth.system.HealthCheck\",\"http://127.0.0.1:" + port + "/api/v2.0/ping\"]",
                "--health-interval",
                "disable",
                "-e",
                "SERVER_PORT=" + port,
                "-e",
                "SERVER_ADDRESS=127.0.0.1",
                "-e",
                "BERTH_ADMIN_PASSWORD=" + BerthServer.ADMIN_PASSWORD,
                // a small heap: other tests' servers share this machine
                "-e",
                "JAVA_TOOL_OPTIONS=-Xmx384m -XX:TieredStopAtLevel=1"));
        args.addAll(volumeArgs);
        env.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
        args.add(image);
        containers.add(name);
        podman.run(args).ok();
        return name;
    }

    private static List<String> healthCheck(String container, String url) {
        return List.of(
                "exec", container, "java", "-Xmx32m", "-cp", "/app/classes", "dev.berth.system.HealthCheck", url);
    }

    /** Pushes the layout with skopeo as admin, pulls it back, and checks the manifest; returns its digest. */
    private String pushAndPullBack(ContainerTools tools, Path layout, String reference) throws IOException {
        String tag = layout.getFileName().toString().equals("oci") ? "berth" : "latest";
        Path digestFile = work.resolve("digest-" + System.nanoTime());
        tools.skopeo(
                        "copy",
                        "-q",
                        "--dest-tls-verify=false",
                        "--dest-creds",
                        creds(),
                        "--digestfile",
                        digestFile.toString(),
                        "oci:" + layout + ":" + tag,
                        reference)
                .ok();
        String pushed = Files.readString(digestFile).strip();
        JsonNode remote = JSON.readTree(tools.skopeo("inspect", "--tls-verify=false", "--creds", creds(), reference)
                .ok()
                .stdout());
        assertEquals(pushed, remote.get("Digest").asString());
        Path pulled = work.resolve("pulled-" + System.nanoTime());
        tools.skopeo("copy", "-q", "--src-tls-verify=false", "--src-creds", creds(), reference, "oci:" + pulled + ":x")
                .ok();
        assertEquals(
                tools.skopeo("inspect", "--raw", "oci:" + layout + ":" + tag)
                        .ok()
                        .stdout(),
                tools.skopeo("inspect", "--raw", "oci:" + pulled + ":x").ok().stdout(),
                "the manifest comes back as it was pushed");
        assertEquals(
                JSON.readTree(tools.skopeo("inspect", "--config", "oci:" + layout + ":" + tag)
                        .ok()
                        .stdout()),
                JSON.readTree(tools.skopeo("inspect", "--config", "oci:" + pulled + ":x")
                        .ok()
                        .stdout()));
        return pushed;
    }

    private static String creds() {
        return "admin:" + BerthServer.ADMIN_PASSWORD;
    }

    private static HttpClient http() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private static int status(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static List<String> envList(JsonNode env) {
        List<String> list = new ArrayList<>();
        env.forEach(e -> list.add(e.asString()));
        return list;
    }

    private static void awaitRegistry(HttpClient http, URI base, String container) throws Exception {
        HttpRequest ping = HttpRequest.newBuilder(base.resolve("/v2/"))
                .header("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD))
                .timeout(Duration.ofSeconds(5))
                .build();
        Instant deadline = Instant.now().plus(STARTUP);
        // asked once more after the deadline: a test JVM paused meanwhile still sees a container that came up
        for (boolean more = true; more; ) {
            more = Instant.now().isBefore(deadline);
            String running = podman.run("inspect", "--format", "{{.State.Running}}", container)
                    .output();
            if (!"true".equals(running)) {
                throw new AssertionError("the container stopped:\n" + tail(container));
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
            Thread.sleep(250);
        }
        throw new AssertionError("the container did not answer GET /v2/ within " + STARTUP + ":\n" + tail(container));
    }

    private static String tail(String container) {
        Podman.Result logs = podman.run("logs", "--tail", "80", container);
        return logs.stdout() + logs.stderr();
    }
}
