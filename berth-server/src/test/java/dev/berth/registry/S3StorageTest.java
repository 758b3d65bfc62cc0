package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.job.Execution;
import dev.berth.job.Executions;
import dev.berth.job.TaskStatus;
import dev.berth.job.Trigger;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.S3Replicas;
import dev.berth.support.S3TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Berth on S3 as a scaled-out deployment runs it: two replicas sharing one database and one
 * bucket, pulls redirected to presigned URLs (or proxied when switched off), uploads spanning
 * replicas, and housekeeping (GC, the orphan sweep, the stale upload purge) acting on the bucket.
 */
class S3StorageTest {
    private static final int MiB = 1024 * 1024;

    private final S3Replicas replicas = S3Replicas.shared();
    private final BerthServer one = replicas.redirecting();
    private final BerthServer two = replicas.proxying();
    private final S3Client bucket = S3TestServer.shared().client();
    private RegistryClient a;
    private RegistryClient b;
    private String project;
    private String repo;

    @BeforeEach
    void setUp() {
        project = "s3" + UUID.randomUUID().toString().substring(0, 8);
        one.ensureProject(project, false);
        a = one.adminClient();
        b = two.adminClient();
        repo = project + "/app";
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private String key(Digest digest) {
        return replicas.root() + "blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex();
    }

    private boolean inBucket(String key) {
        return bucket.listObjectsV2(r -> r.bucket(replicas.bucket()).prefix(key)).contents().stream()
                .map(S3Object::key)
                .anyMatch(key::equals);
    }

    @Test
    void blobPullsRedirectToAPresignedUrlWhileHeadAnswersLocally() {
        byte[] content = random(300_000, 1);
        Digest digest = a.pushBlob(repo, content);
        String path = "/v2/" + repo + "/blobs/" + digest;

        Response head = a.head(path);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).hasValue("300000");
        assertThat(head.header("Docker-Content-Digest")).hasValue(digest.toString());

        Response get = a.get(path);
        assertThat(get.status()).isEqualTo(307);
        assertThat(get.body()).isEmpty();
        URI target = URI.create(get.header("Location").orElseThrow());
        assertThat(target.getPort()).isEqualTo(S3TestServer.shared().endpoint().getPort());
        assertThat(target.getPath()).endsWith("/" + key(digest));
        assertThat(target.getQuery()).contains("X-Amz-Expires=1200", "X-Amz-Signature=");

        // The presigned URL needs no registry credentials; a Range goes along to the object store.
        Response followed = a.getFollowingRedirect(path, "Range", "bytes=1000-1999");
        assertThat(followed.status()).isEqualTo(206);
        assertThat(followed.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 2000));
        assertThat(a.getFollowingRedirect(path).body()).isEqualTo(content);
    }

    @Test
    void noRedirectIsHandedToAClientThatMayNotPull() {
        Digest digest = a.pushBlob(repo, random(1000, 2));
        String path = "/v2/" + repo + "/blobs/" + digest;

        Response anonymous = one.anonymousClient().get(path);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("Location")).isEmpty();
        Response unknown = a.get("/v2/" + repo + "/blobs/" + Digest.sha256(random(10, 3)));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Location")).isEmpty();
        // A blob of another repository is not reachable here by redirect either.
        Response elsewhere = a.get("/v2/" + project + "/other/blobs/" + digest);
        assertThat(elsewhere.status()).isEqualTo(404);
    }

    @Test
    void withRedirectsOffBlobBytesAreProxiedWithRanges() {
        byte[] content = random(2 * MiB + 11, 4);
        Digest digest = a.pushBlob(repo, content);
        String path = "/v2/" + repo + "/blobs/" + digest;

        Response whole = b.get(path);
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.header("Location")).isEmpty();
        assertThat(whole.header("Docker-Content-Digest")).hasValue(digest.toString());
        assertThat(whole.body()).isEqualTo(content);
        Response ranged = b.get(path, "Range", "bytes=1048576-1048675");
        assertThat(ranged.status()).isEqualTo(206);
        assertThat(ranged.header("Content-Range")).hasValue("bytes 1048576-1048675/" + content.length);
        assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(content, 1048576, 1048676));
        Response suffix = b.get(path, "Range", "bytes=-7");
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, content.length - 7, content.length));
    }

    @Test
    void anUploadBegunOnOneReplicaIsContinuedAndFinishedOnTheOther() {
        byte[] content = random(9 * MiB + 123, 5);
        Digest digest = Digest.sha256(content);
        Response start = a.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertThat(start.status()).isEqualTo(202);
        String location = start.header("Location").orElseThrow();

        int[] cuts = {0, 6 * MiB, 6 * MiB + 10, 8 * MiB, content.length};
        RegistryClient[] writers = {a, b, a, b};
        for (int i = 0; i < 3; i++) {
            Response patch = writers[i].send(
                    "PATCH",
                    location,
                    Arrays.copyOfRange(content, cuts[i], cuts[i + 1]),
                    "Content-Type",
                    "application/octet-stream",
                    "Content-Range",
                    cuts[i] + "-" + (cuts[i + 1] - 1));
            assertThat(patch.status()).as(patch.text()).isEqualTo(202);
            assertThat(patch.header("Range")).hasValue("0-" + (cuts[i + 1] - 1));
        }
        // The other replica knows where the upload stands, and refuses a chunk out of order.
        assertThat(b.get(location).header("Range")).hasValue("0-" + (cuts[3] - 1));
        assertThat(b.send("PATCH", location, new byte[10], "Content-Range", "0-9")
                        .status())
                .isEqualTo(416);
        // A wrong digest on the finishing replica stores nothing and leaves the upload as it was.
        Response wrong = b.send(
                "PUT",
                location + "?digest=" + Digest.sha256(new byte[1]),
                Arrays.copyOfRange(content, cuts[3], cuts[4]),
                "Content-Range",
                cuts[3] + "-" + (cuts[4] - 1));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(a.get(location).header("Range")).hasValue("0-" + (cuts[3] - 1));

        Response put = b.send(
                "PUT",
                location + "?digest=" + digest,
                Arrays.copyOfRange(content, cuts[3], cuts[4]),
                "Content-Range",
                cuts[3] + "-" + (cuts[4] - 1));

        assertThat(put.status()).as(put.text()).isEqualTo(201);
        assertThat(a.getFollowingRedirect("/v2/" + repo + "/blobs/" + digest).body())
                .isEqualTo(content);
        assertThat(b.get("/v2/" + repo + "/blobs/" + digest).body()).isEqualTo(content);
        assertThat(inBucket(key(digest))).isTrue();
        assertThat(bucket
                        .listObjectsV2(r -> r.bucket(replicas.bucket()).prefix(replicas.root() + "uploads/"))
                        .contents()
                        .stream()
                        .map(S3Object::key)
                        .filter(k -> k.contains(location.substring(location.lastIndexOf('/') + 1)))
                        .toList())
                .isEmpty();
    }

    @Test
    void imagesPushedToOneReplicaPullFromTheOther() {
        RegistryClient.Image image = a.pushImage(repo, "v1", random(7 * MiB, 6), random(100, 7));

        Response manifest = b.get("/v2/" + repo + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(manifest.status()).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo(image.manifestBytes());
        for (Digest layer : image.layers()) {
            byte[] viaProxy = b.get("/v2/" + repo + "/blobs/" + layer).body();
            assertThat(Digest.sha256(viaProxy)).isEqualTo(layer);
            assertThat(Digest.sha256(a.getFollowingRedirect("/v2/" + repo + "/blobs/" + layer)
                            .body()))
                    .isEqualTo(layer);
        }
    }

    @Test
    void garbageCollectionDeletesObjectsOfUnreferencedBlobsAndSweepsOrphansFromTheBucket() {
        Digest unlinked = a.pushBlob(repo, random(5000, 8));
        RegistryClient.Image kept = a.pushImage(repo, "kept", random(3000, 9));
        assertThat(a.delete("/v2/" + repo + "/blobs/" + unlinked).status()).isEqualTo(202);
        // Bytes with no row at all, as a crash between placing bytes and recording them leaves.
        byte[] stray = random(777, 10);
        Digest orphan = Digest.sha256(stray);
        bucket.putObject(r -> r.bucket(replicas.bucket()).key(key(orphan)), RequestBody.fromBytes(stray));
        assertThat(inBucket(key(unlinked))).isTrue();

        Response run = a.send(
                "POST",
                "/api/v2.0/system/gc/schedule",
                ("{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"delete_untagged\":false,\"workers\":1,"
                                + "\"full_sweep\":true}}")
                        .getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(run.status()).as(run.text()).isEqualTo(201);
        String id = run.header("Location").orElseThrow().replaceAll(".*/", "");
        awaitGc(id);

        assertThat(inBucket(key(unlinked))).as("unreferenced blob").isFalse();
        assertThat(inBucket(key(orphan))).as("bytes without a row").isFalse();
        for (Digest d : List.of(kept.config(), kept.layers().getFirst())) {
            assertThat(inBucket(key(d))).as("blob of a tagged image").isTrue();
        }
        assertThat(Digest.sha256(b.get("/v2/" + repo + "/blobs/" + kept.layers().getFirst())
                        .body()))
                .isEqualTo(kept.layers().getFirst());
    }

    private void awaitGc(String id) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Response r = a.get("/api/v2.0/system/gc/" + id);
            String status = r.json().path("job_status").asString();
            if (status.equals("Success")) {
                return;
            }
            assertThat(status).as(r.text()).isNotIn("Error", "Stopped");
            sleep();
        }
        throw new AssertionError("GC " + id + " did not finish");
    }

    @Test
    void theStaleUploadPurgeRemovesUploadObjectsAndAbortsCutOffMultipartUploads() {
        Response start = a.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        String location = start.header("Location").orElseThrow();
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        a.send("PATCH", location, random(1000, 11), "Content-Range", "0-999");
        String uploadPrefix = replicas.root() + "uploads/" + id + "/";
        assertThat(bucket.listObjectsV2(r -> r.bucket(replicas.bucket()).prefix(uploadPrefix))
                        .contents())
                .hasSize(2);
        // A replica died in the middle of a large append: its multipart upload was never finished.
        String cutOff = uploadPrefix + "data/0000000000000001000-dead";
        bucket.createMultipartUpload(r -> r.bucket(replicas.bucket()).key(cutOff));
        JdbcClient jdbc = one.bean(JdbcClient.class);
        jdbc.sql("UPDATE upload_session SET updated_at = now() - interval '8 days' WHERE id = ?")
                .param(id)
                .update();

        // Nothing in the bucket is eight days old, so only what the session owned goes now.
        Execution done = runPurge();
        assertThat(done.status()).isEqualTo(TaskStatus.SUCCESS);
        assertThat(bucket.listObjectsV2(r -> r.bucket(replicas.bucket()).prefix(uploadPrefix))
                        .contents())
                .isEmpty();
        assertThat(bucket.listMultipartUploads(r -> r.bucket(replicas.bucket()).prefix(uploadPrefix))
                        .uploads())
                .isEmpty();
        assertThat(a.get(location).status()).isEqualTo(404);
        assertThat(b.get(location).status()).isEqualTo(404);
    }

    private Execution runPurge() {
        Executions executions = one.bean(Executions.class);
        long id = executions.run(StaleUploadPurge.NAME, -1, Trigger.MANUAL, Map.of(), Map.of());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Execution e = executions.execution(id).orElseThrow();
            if (e.status().isFinal()) {
                return e;
            }
            sleep();
        }
        throw new AssertionError("purge did not finish");
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
