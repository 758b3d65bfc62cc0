package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthProcess;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.S3TestServer;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Berth on S3 killed with SIGKILL while it streams a chunk into a multipart upload: no blob
 * appears, what was committed stays intact, and another Berth on the same database and bucket
 * continues the upload from the last acknowledged chunk and completes it.
 */
class S3CrashTest {
    private static final int MiB = 1024 * 1024;

    private final S3TestServer s3 = S3TestServer.shared();
    private final S3Client bucketClient = s3.client();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Path work;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        deleteRecursively(work);
    }

    @Test
    void killedWhileStreamingIntoAMultipartUploadExposesNothingAndTheUploadGoesOnElsewhere() throws Exception {
        work = Files.createTempDirectory("berth-s3-crash-");
        TestDatabase db = TestDatabase.create();
        closing.add(db);
        String bucket = s3.newBucket();
        List<String> args = new ArrayList<>(
                List.of("--spring.datasource.url=" + db.jdbcUrl(), "--spring.datasource.username=" + db.user()));
        args.addAll(s3.berthArguments(bucket, false));

        BerthProcess first = start("berth-1", args);
        RegistryClient registry = first.adminClient();
        RegistryClient.check(registry.createProject("crash", false), 201);
        RegistryClient.Image committed = registry.pushImage("crash/kept", "v1", random(3 * MiB, 1));
        byte[] content = random(30 * MiB, 2);
        Digest digest = Digest.sha256(content);
        Response start = registry.send("POST", "/v2/crash/app/blobs/uploads/", null);
        String location = start.header("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        int firstChunk = 6 * MiB;
        RegistryClient.check(
                registry.send(
                        "PATCH",
                        location,
                        Arrays.copyOf(content, firstChunk),
                        "Content-Type",
                        "application/octet-stream",
                        "Content-Range",
                        "0-" + (firstChunk - 1)),
                202);

        // The second chunk declares 24 MiB and sends 14: more than a part (8 MiB) goes to S3 as a
        // multipart upload, and the request can never complete.
        try (Socket socket = new Socket("127.0.0.1", first.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                            + BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD)
                            + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (24 * MiB)
                            + "\r\nContent-Range: " + firstChunk + "-" + (firstChunk + 24 * MiB - 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(content, firstChunk, 14 * MiB);
            out.flush();
            awaitMultipartUploadUnder("berth/uploads/" + id + "/", bucket);

            first.kill();
        }

        assertThat(keys(bucket, "berth/blobs/")).doesNotContain(blobKey(digest));
        assertThat(multipartUploads(bucket)).isNotEmpty();
        BerthProcess second = start("berth-2", args);
        RegistryClient other = second.adminClient();
        assertThat(other.get(location).header("Range")).hasValue("0-" + (firstChunk - 1));
        assertThat(other.head("/v2/crash/app/blobs/" + digest).status()).isEqualTo(404);
        for (Digest blob : List.of(committed.config(), committed.layers().getFirst())) {
            assertThat(Digest.sha256(other.get("/v2/crash/kept/blobs/" + blob).body()))
                    .isEqualTo(blob);
        }

        Response put = other.send(
                "PUT",
                location + "?digest=" + digest,
                Arrays.copyOfRange(content, firstChunk, content.length),
                "Content-Type",
                "application/octet-stream",
                "Content-Range",
                firstChunk + "-" + (content.length - 1));

        assertThat(put.status()).as(put.text()).isEqualTo(201);
        assertThat(other.get("/v2/crash/app/blobs/" + digest).body()).isEqualTo(content);
        // The cut-off multipart upload went with the upload it belonged to.
        assertThat(multipartUploads(bucket)).isEmpty();
        assertThat(keys(bucket, "berth/uploads/")).isEmpty();
    }

    private BerthProcess start(String name, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.add("--berth.storage.s3.root-directory=berth");
        BerthProcess process = BerthProcess.start(
                work.resolve(name + "-data"), work.resolve(name + "-tmp"), work.resolve(name + ".log"), all);
        closing.add(process);
        return process;
    }

    private void awaitMultipartUploadUnder(String prefix, String bucket) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (bucketClient
                .listMultipartUploads(r -> r.bucket(bucket).prefix(prefix))
                .uploads()
                .isEmpty()) {
            assertThat(Instant.now()).as("a multipart upload under " + prefix).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private List<String> keys(String bucket, String prefix) {
        return bucketClient.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    private List<String> multipartUploads(String bucket) {
        return bucketClient.listMultipartUploads(r -> r.bucket(bucket)).uploads().stream()
                .map(u -> u.key())
                .toList();
    }

    private static String blobKey(Digest digest) {
        return "berth/blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
