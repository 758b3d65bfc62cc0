package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthProcess;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Image;
import dev.berth.support.RegistryClient.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Berth killed with SIGKILL while uploads and pushes are in flight, then started again on the same
 * data directory (with its embedded PostgreSQL orphaned by the kill): nothing committed is lost or
 * damaged, nothing half-written becomes visible, and the interrupted pushes can be completed.
 */
class CrashSafetyTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MiB = 1024 * 1024;
    private static final int BLOB_SIZE = 8 * MiB;
    private static final int FIRST_CHUNK = 512 * 1024;
    /** Streams stop short of the declared length, so no in-flight request can ever complete. */
    private static final int SENT = 4 * MiB;
    /** An upload file this large proves the server is reading that request's body right now. */
    private static final long MID_BODY = 2 * MiB;

    private final List<BerthProcess> processes = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Path work;
    private Path dataDir;

    @AfterEach
    void tearDown() throws IOException {
        threads.shutdownNow();
        processes.forEach(BerthProcess::close);
        if (dataDir != null) {
            BerthProcess.stopPostgres(dataDir);
        }
        if (work != null) {
            Path logs = Files.createDirectories(Path.of("target", "crash-safety"));
            try (Stream<Path> files = Files.list(work)) {
                for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                    Files.copy(log, logs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            deleteRecursively(work);
        }
    }

    @Test
    void killedMidUploadLosesNothingCommittedAndExposesNothingPartial() throws Exception {
        work = Files.createTempDirectory("berth-crash-");
        dataDir = work.resolve("data");
        BerthProcess first = start("berth-1.log");
        RegistryClient registry = first.adminClient();
        RegistryClient.check(registry.createProject("crash", false), 201);

        // Committed before the crash: three images and a blob no manifest references.
        List<Committed> committed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String repo = "crash/image-" + i;
            committed.add(
                    new Committed(repo, "v" + i, registry.pushImage(repo, "v" + i, random(MiB), random(300_000))));
        }
        byte[] looseBlob = random(200_000);
        Digest loose = registry.pushBlob("crash/a", looseBlob);

        // The blobs whose uploads the crash interrupts, and a manifest push it interrupts.
        byte[] b1 = random(BLOB_SIZE); // monolithic PUT to an upload session
        byte[] b2 = random(BLOB_SIZE); // monolithic POST ?digest=
        byte[] b3 = random(BLOB_SIZE); // chunked upload, second PATCH mid-body
        byte[] b4 = random(BLOB_SIZE); // PATCH with Transfer-Encoding: chunked
        byte[] b5 = random(BLOB_SIZE); // chunked upload, idle after its first PATCH
        Digest d1 = Digest.sha256(b1);
        Digest d2 = Digest.sha256(b2);
        Digest d3 = Digest.sha256(b3);
        Digest d4 = Digest.sha256(b4);
        Digest d5 = Digest.sha256(b5);
        String s1 = startUpload(registry, "crash/a");
        String s3 = startUpload(registry, "crash/a");
        String s4 = startUpload(registry, "crash/c");
        String s5 = startUpload(registry, "crash/c");
        for (String session : List.of(s3, s5)) {
            byte[] content = session.equals(s3) ? b3 : b5;
            Response chunk = registry.send(
                    "PATCH",
                    session,
                    Arrays.copyOf(content, FIRST_CHUNK),
                    "Content-Type",
                    "application/octet-stream",
                    "Content-Range",
                    "0-" + (FIRST_CHUNK - 1));
            RegistryClient.check(chunk, 202);
        }
        Image base = committed.getFirst().image();
        byte[] interruptedManifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(
                        RegistryClient.OCI_CONFIG,
                        base.config(),
                        blobSize(registry, committed.getFirst().repo(), base.config())),
                List.of(RegistryClient.descriptor(RegistryClient.OCI_LAYER, d1, BLOB_SIZE)),
                null,
                null);

        // A client pushing whole images in a loop, so that commits are under way at the kill.
        List<Image> acknowledged = new CopyOnWriteArrayList<>();
        RegistryClient pushing = first.adminClient();
        Future<?> pusher = threads.submit(() -> {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                acknowledged.add(pushing.pushImage("crash/pushed", "t" + i, random(64 * 1024)));
            }
        });

        int port = first.port();
        List<Future<Integer>> inFlight = List.of(
                threads.submit(() -> stream(
                        port,
                        "PUT " + s1 + "?digest=" + d1 + " HTTP/1.1\r\n" + "Content-Length: " + BLOB_SIZE + "\r\n",
                        b1,
                        false)),
                threads.submit(() -> stream(
                        port,
                        "POST /v2/crash/b/blobs/uploads/?digest=" + d2 + " HTTP/1.1\r\n" + "Content-Length: "
                                + BLOB_SIZE + "\r\n",
                        b2,
                        false)),
                threads.submit(() -> stream(
                        port,
                        "PATCH " + s3 + " HTTP/1.1\r\n" + "Content-Range: " + FIRST_CHUNK + "-" + (BLOB_SIZE - 1)
                                + "\r\nContent-Length: " + (BLOB_SIZE - FIRST_CHUNK) + "\r\n",
                        Arrays.copyOfRange(b3, FIRST_CHUNK, BLOB_SIZE),
                        false)),
                threads.submit(
                        () -> stream(port, "PATCH " + s4 + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", b4, true)),
                threads.submit(() -> stream(
                        port,
                        "PUT /v2/crash/a/manifests/interrupted HTTP/1.1\r\nContent-Type: " + RegistryClient.OCI_MANIFEST
                                + "\r\nContent-Length: " + interruptedManifest.length + "\r\n",
                        interruptedManifest,
                        false)));
        awaitMidBody(4, inFlight);
        awaitUntil("the pusher has pushed images", () -> acknowledged.size() >= 2 || pusher.isDone());
        if (pusher.isDone()) {
            pusher.get(); // throws what stopped it
            throw new AssertionError("the pusher stopped before the kill");
        }

        long orphanPid = BerthProcess.postmaster(dataDir).orElseThrow().pid();
        first.kill();

        assertThat(BerthProcess.postmaster(dataDir))
                .as("the killed Berth's PostgreSQL is still running")
                .hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(orphanPid));
        for (Future<Integer> request : inFlight) {
            assertThat(request.get(30, TimeUnit.SECONDS))
                    .as("an interrupted request got no success response")
                    .isNotIn(200, 201, 202, 204);
        }
        awaitUntil("the pusher has stopped", pusher::isDone);
        List<Image> pushedBeforeKill = List.copyOf(acknowledged);
        for (int i = 0; i < pushedBeforeKill.size(); i++) {
            committed.add(new Committed("crash/pushed", "t" + i, pushedBeforeKill.get(i)));
        }

        BerthProcess second = start("berth-2.log");
        registry = second.adminClient();

        assertThat(ProcessHandle.of(orphanPid).filter(ProcessHandle::isAlive))
                .as("the orphaned PostgreSQL was stopped")
                .isEmpty();
        assertThat(BerthProcess.postmaster(dataDir))
                .hasValueSatisfying(p -> assertThat(p.pid()).isNotEqualTo(orphanPid));

        // Every committed image pulls intact, by tag and by digest.
        for (Committed c : committed) {
            Image image = c.image();
            for (String reference : List.of(c.tag(), image.manifest().toString())) {
                Response manifest = registry.get(
                        "/v2/" + c.repo() + "/manifests/" + reference, "Accept", RegistryClient.OCI_MANIFEST);
                assertThat(manifest.status()).as("%s:%s", c.repo(), reference).isEqualTo(200);
                assertThat(manifest.body()).isEqualTo(image.manifestBytes());
            }
            List<Digest> blobs = new ArrayList<>(image.layers());
            blobs.add(image.config());
            for (Digest blob : blobs) {
                assertBlob(registry, c.repo(), blob);
            }
        }
        assertThat(registry.get("/v2/crash/a/blobs/" + loose).body()).isEqualTo(looseBlob);

        // Nothing interrupted is visible anywhere, in the API or as a file in the blob store.
        List<Digest> interrupted = List.of(d1, d2, d3, d4, d5);
        Set<String> repos = new HashSet<>(List.of("crash/a", "crash/b", "crash/c", "crash/pushed"));
        committed.forEach(c -> repos.add(c.repo()));
        for (Digest digest : interrupted) {
            for (String repo : repos) {
                assertThat(registry.head("/v2/" + repo + "/blobs/" + digest).status())
                        .as("%s in %s", digest, repo)
                        .isEqualTo(404);
            }
            assertThat(dataDir.resolve("blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex()))
                    .doesNotExist();
        }
        assertThat(registry.get("/v2/crash/a/manifests/interrupted", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(404);

        // Every file in the blob store holds exactly the content its name says.
        Set<Digest> stored = verifyBlobStore(dataDir);
        for (Committed c : committed) {
            assertThat(stored)
                    .contains(c.image().config())
                    .containsAll(c.image().layers());
        }
        assertThat(stored).contains(loose);

        // The interrupted pushes can be finished: sessions resume where the database says they
        // stand, the others are pushed again.
        assertThat(uploadRange(registry, s3)).isEqualTo("0-" + (FIRST_CHUNK - 1));
        assertThat(uploadRange(registry, s5)).isEqualTo("0-" + (FIRST_CHUNK - 1));
        resume(registry, s3, b3, FIRST_CHUNK, d3);
        resume(registry, s5, b5, FIRST_CHUNK, d5);
        resume(registry, s1, b1, 0, d1);
        resume(registry, s4, b4, 0, d4);
        assertThat(registry.pushBlob("crash/b", b2)).isEqualTo(d2);
        assertBlob(registry, "crash/a", d1);
        assertBlob(registry, "crash/b", d2);
        assertBlob(registry, "crash/a", d3);
        assertBlob(registry, "crash/c", d4);
        assertBlob(registry, "crash/c", d5);
        Response mounted = registry.send(
                "POST",
                "/v2/crash/a/blobs/uploads/?mount=" + base.config() + "&from="
                        + committed.getFirst().repo(),
                null);
        assertThat(mounted.status()).isEqualTo(201);
        registry.pushManifest("crash/a", "interrupted", RegistryClient.OCI_MANIFEST, interruptedManifest);
        assertThat(registry.get("/v2/crash/a/manifests/interrupted", "Accept", RegistryClient.OCI_MANIFEST)
                        .body())
                .isEqualTo(interruptedManifest);
        verifyBlobStore(dataDir);
    }

    private record Committed(String repo, String tag, Image image) {}

    private BerthProcess start(String logName) {
        BerthProcess process = BerthProcess.start(dataDir, work.resolve("tmp"), work.resolve(logName));
        processes.add(process);
        return process;
    }

    private static String startUpload(RegistryClient registry, String repo) {
        Response r = registry.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        RegistryClient.check(r, 202);
        return r.header("Location").orElseThrow();
    }

    private static long blobSize(RegistryClient registry, String repo, Digest digest) {
        Response head = registry.head("/v2/" + repo + "/blobs/" + digest);
        return Long.parseLong(head.header("Content-Length").orElseThrow());
    }

    private static String uploadRange(RegistryClient registry, String session) {
        Response status = registry.get(session);
        assertThat(status.status()).as("status of %s", session).isEqualTo(204);
        return status.header("Range").orElseThrow();
    }

    /** Sends the rest of the blob from {@code offset} and completes the upload. */
    private static void resume(RegistryClient registry, String session, byte[] content, int offset, Digest digest) {
        String location = session;
        if (offset > 0) {
            Response patch = registry.send(
                    "PATCH",
                    session,
                    Arrays.copyOfRange(content, offset, content.length),
                    "Content-Type",
                    "application/octet-stream",
                    "Content-Range",
                    offset + "-" + (content.length - 1));
            RegistryClient.check(patch, 202);
            location = patch.header("Location").orElseThrow();
        }
        byte[] rest = offset > 0 ? new byte[0] : content;
        Response put = registry.send(
                "PUT",
                location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                rest,
                "Content-Type",
                "application/octet-stream");
        RegistryClient.check(put, 201);
    }

    private static void assertBlob(RegistryClient registry, String repo, Digest digest) {
        Response blob = registry.get("/v2/" + repo + "/blobs/" + digest);
        assertThat(blob.status()).as("%s in %s", digest, repo).isEqualTo(200);
        assertThat(Digest.sha256(blob.body()))
                .as("content of %s in %s", digest, repo)
                .isEqualTo(digest);
    }

    /** Hashes every file under {@code blobs/sha256/}; each must match its name. */
    private static Set<Digest> verifyBlobStore(Path dataDir) throws IOException {
        Set<Digest> digests = new HashSet<>();
        try (Stream<Path> files = Files.walk(dataDir.resolve("blobs/sha256"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                assertThat(file.getParent().getFileName().toString())
                        .as("directory of %s", file)
                        .isEqualTo(name.substring(0, 2));
                Digest named = Digest.parse("sha256:" + name).orElseThrow();
                assertThat(Digest.sha256(Files.readAllBytes(file)))
                        .as("content of %s", file)
                        .isEqualTo(named);
                digests.add(named);
            }
        }
        return digests;
    }

    /**
     * Waits until {@code count} upload files have grown past {@link #MID_BODY}: the server is then
     * reading those bodies, and will still be when it is killed, since none is ever completed.
     */
    private void awaitMidBody(int count, List<Future<Integer>> requests) {
        Path uploads = dataDir.resolve("uploads");
        awaitUntil(count + " uploads mid-body", () -> {
            for (Future<Integer> request : requests) {
                if (request.isDone()) {
                    throw new AssertionError("an in-flight request ended before the kill: " + outcome(request));
                }
            }
            try (Stream<Path> files = Files.list(uploads)) {
                return files.filter(f -> size(f) >= MID_BODY).count() >= count;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String outcome(Future<Integer> request) {
        try {
            return "HTTP " + request.get();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // committed or deleted meanwhile
        }
    }

    private static void awaitUntil(String what, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Sends a request head and the first {@link #SENT} bytes of its body, then waits for a
     * response that cannot come until the body is complete: the request is in flight until the
     * server dies. Returns the status code, or -1 when the connection ended without one.
     */
    private static int stream(int port, String head, byte[] body, boolean chunkedEncoding) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            String fullHead = head + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Authorization: " + BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD) + "\r\n"
                    + (head.contains("Content-Type") ? "" : "Content-Type: application/octet-stream\r\n") + "\r\n";
            out.write(fullHead.getBytes(StandardCharsets.ISO_8859_1));
            int limit = Math.min(SENT, body.length / 2);
            for (int offset = 0; offset < limit; offset += 64 * 1024) {
                int n = Math.min(64 * 1024, limit - offset);
                if (chunkedEncoding) {
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write(body, offset, n);
                if (chunkedEncoding) {
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
            }
            return readStatus(socket.getInputStream());
        } catch (IOException e) {
            return -1; // reset by the kill
        }
    }

    private static int readStatus(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.write(c);
        }
        String[] parts = line.toString(StandardCharsets.ISO_8859_1).split(" ");
        return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
