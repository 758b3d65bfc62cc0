package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.support.S3TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The S3 driver against s3proxy on 127.0.0.1: the shared contract plus what only S3 can show. */
class S3BlobStoreTest extends ObjectBlobStoreContract {
    private static final Map<Path, String> BUCKETS = new ConcurrentHashMap<>();
    private static final int MiB = 1024 * 1024;

    private final S3TestServer s3 = S3TestServer.shared();
    private final List<S3BlobStore> opened = new ArrayList<>();

    @Override
    protected BlobStore newStore(Path dir) {
        return open(dir, true);
    }

    private S3BlobStore open(Path dir, boolean redirect) {
        String bucket = BUCKETS.computeIfAbsent(dir, d -> s3.newBucket());
        S3BlobStore store = S3BlobStore.connect(settings(bucket, redirect));
        opened.add(store);
        return store;
    }

    private StorageSettings.S3 settings(String bucket, boolean redirect) {
        return settings(s3.endpoint().toString(), bucket, redirect, Options.DEFAULTS);
    }

    /** The driver's settings that the tests vary beyond the bucket and redirects. */
    record Options(
            boolean encrypt,
            String kmsKeyId,
            String storageClass,
            boolean skipVerify,
            String caBundle,
            long copyThreshold,
            long copyPartSize,
            int copyConcurrency) {
        static final Options DEFAULTS = new Options(false, "", "", false, "", 5L << 30, 5L << 30, 4);
    }

    static StorageSettings.S3 settings(String endpoint, String bucket, boolean redirect, Options options) {
        return new StorageSettings.S3(
                endpoint,
                "us-east-1",
                bucket,
                S3TestServer.ACCESS_KEY,
                S3TestServer.SECRET_KEY,
                true,
                "/" + ROOT + "/",
                redirect,
                Duration.ofMinutes(5),
                "",
                // The smallest part S3 allows, so that tests cross part boundaries cheaply.
                DataSize.ofMegabytes(5),
                options.encrypt(),
                options.kmsKeyId(),
                options.storageClass(),
                options.skipVerify(),
                options.caBundle(),
                DataSize.ofBytes(options.copyThreshold()),
                DataSize.ofBytes(options.copyPartSize()),
                options.copyConcurrency());
    }

    @AfterEach
    void closeStores() {
        opened.forEach(S3BlobStore::close);
    }

    /** A presigned location must serve the bytes to a client that holds no credentials. */
    @Override
    protected void assertLocationServes(Digest digest, byte[] expected) throws IOException {
        BlobLocation location = store.locate(digest).orElseThrow();
        assertThat(location).isInstanceOf(BlobLocation.Redirect.class);
        URI uri = ((BlobLocation.Redirect) location).uri();
        assertThat(uri.getHost()).isEqualTo("127.0.0.1");
        assertThat(uri.getQuery()).contains("X-Amz-Signature=");
        assertThat(fetch(uri, null).body()).isEqualTo(expected);
        HttpResponse<byte[]> ranged = fetch(uri, "bytes=10-19");
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.body()).isEqualTo(java.util.Arrays.copyOfRange(expected, 10, 20));
        URI forged = URI.create(uri.toString().replaceFirst("X-Amz-Signature=[0-9a-f]", "X-Amz-Signature=x"));
        assertThat(fetch(forged, null).statusCode()).isEqualTo(403);
    }

    private static HttpResponse<byte[]> fetch(URI uri, String range) throws IOException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri);
            if (range != null) {
                request.header("Range", range);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private String bucket() {
        return BUCKETS.get(tempDir);
    }

    @Override
    protected List<String> objectNames() {
        return s3.client().listObjectsV2Paginator(r -> r.bucket(bucket())).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    private List<String> keys(String prefix) {
        return s3
                .client()
                .listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(ROOT + "/" + prefix))
                .contents()
                .stream()
                .map(S3Object::key)
                .toList();
    }

    private List<String> multipartUploads() {
        return s3.client().listMultipartUploads(r -> r.bucket(bucket())).uploads().stream()
                .map(u -> u.key())
                .toList();
    }

    @Test
    void theBlobObjectHoldsTheBytesThemselves() throws IOException {
        byte[] data = bytes("layout");
        Digest digest = commit(data);

        try (InputStream in = s3.client().getObject(r -> r.bucket(bucket()).key(blobName(digest)))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void nothingAppearsUnderBlobsBeforeCommitAndNothingIsLeftAfter() throws IOException {
        byte[] data = randomBytes(12 * MiB + 3, 31);
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(data, 0, 7 * MiB), Long.MAX_VALUE, sha256());
        store.append(upload, 7 * MiB, new ByteArrayInputStream(data, 7 * MiB, 5 * MiB + 3), Long.MAX_VALUE, sha256());
        assertThat(keys("blobs/")).isEmpty();
        assertThat(keys("uploads/" + upload + "/")).hasSize(3);

        Digest digest = Digest.sha256(data);
        store.commitUpload(upload, digest, data.length);

        assertThat(keys("blobs/")).hasSize(1);
        assertThat(keys("uploads/")).isEmpty();
        assertThat(multipartUploads()).isEmpty();
        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
    }

    @Test
    void stagingComposesAtTheBlobKeyAheadAndTheCommitPlacesThemAgainIfTheyWentMeanwhile() throws IOException {
        byte[] data = randomBytes(6 * MiB + 9, 34);
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(data, 0, 100), Long.MAX_VALUE, sha256());
        store.append(upload, 100, new ByteArrayInputStream(data, 100, data.length - 100), Long.MAX_VALUE, sha256());
        Digest digest = Digest.sha256(data);

        store.stageUpload(upload, digest, data.length);

        assertThat(store.stat(digest)).hasValue(data.length);
        assertThat(keys("uploads/" + upload + "/")).hasSize(3);
        // Unrecorded bytes, as the garbage collector's sweep deletes them before the commit's lock.
        store.delete(digest);
        store.commitUpload(upload, digest, data.length);
        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
        assertThat(keys("uploads/")).isEmpty();
    }

    @Test
    void anAppendCutOffMidStreamLeavesNoSegmentAndNoMultipartUpload() throws IOException {
        UUID upload = newUpload();
        InputStream failing = new InputStream() {
            private long served;

            @Override
            public int read() throws IOException {
                return read(new byte[1], 0, 1) < 0 ? -1 : 0;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served >= 11L * MiB) {
                    throw new IOException("connection reset");
                }
                int n = (int) Math.min(len, 11L * MiB - served);
                served += n;
                return n;
            }
        };

        assertThatThrownBy(() -> store.append(upload, 0, failing, Long.MAX_VALUE, sha256()))
                .isInstanceOf(IOException.class);

        assertThat(keys("uploads/" + upload + "/")).hasSize(1); // the marker only
        assertThat(multipartUploads()).isEmpty();
        assertThat(store.uploadSize(upload)).isZero();
    }

    @Test
    void aCancelledUploadLeavesNothing() throws IOException {
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(randomBytes(6 * MiB, 32)), Long.MAX_VALUE, sha256());

        store.deleteUpload(upload);

        assertThat(keys("")).isEmpty();
        assertThat(multipartUploads()).isEmpty();
    }

    @Test
    void racingWritersAtOneOffsetMakeTheUploadRefuseToCommit() throws IOException {
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(bytes("0123456789")), Long.MAX_VALUE, sha256());
        // Two replicas append at offset 10 at once (a client sending one chunk twice, in parallel).
        String base = ROOT + "/uploads/" + upload + "/data/" + String.format("%019d", 10);
        for (String nonce : new String[] {"-aaaa", "-bbbb"}) {
            s3.client()
                    .putObject(
                            r -> r.bucket(bucket()).key(base + nonce),
                            software.amazon.awssdk.core.sync.RequestBody.fromString(nonce.repeat(2)));
        }

        Digest digest = Digest.sha256(bytes("0123456789-aaaa-aaaa"));
        assertThatThrownBy(() -> store.commitUpload(upload, digest, 20)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.uploadSize(upload)).isInstanceOf(IOException.class);
        assertThat(store.stat(digest)).isEmpty();
        // The loser's undo (a cut back to the offset both wrote at) leaves the upload sound again.
        store.truncateUpload(upload, 10);
        assertThat(store.uploadSize(upload)).isEqualTo(10);
    }

    @Test
    void leftoversOlderThanTheCutoffAreRemovedAndYoungerOnesKept() throws IOException {
        S3Client client = s3.client();
        String blobKey = ROOT + "/blobs/sha256/ab/" + "ab".repeat(32);
        client.createMultipartUpload(r -> r.bucket(bucket()).key(blobKey));
        UUID orphan = newUpload(); // its session is gone: nobody will delete it
        UUID live = newUpload();

        assertThat(store.removeLeftoversBefore(Instant.now().minus(Duration.ofHours(1))))
                .isZero();
        assertThat(multipartUploads()).hasSize(1);

        int removed = store.removeLeftoversBefore(Instant.now().plus(Duration.ofMinutes(1)));

        assertThat(removed).isEqualTo(3);
        assertThat(multipartUploads()).isEmpty();
        assertThatThrownBy(() -> store.uploadSize(orphan)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.uploadSize(live)).isInstanceOf(IOException.class);
    }

    @Test
    void withoutRedirectsNoLocationIsGivenAndBytesAreRead() throws IOException {
        S3BlobStore plain = open(tempDir, false);
        byte[] data = randomBytes(1000, 33);
        Digest digest = commit(data);

        assertThat(plain.locate(digest)).isEmpty();
        assertThat(readBlob(plain, digest, 0)).isEqualTo(data);
    }

    @Test
    void aMissingBucketIsRefusedAtStartWithAClearMessage() {
        assertThatThrownBy(() -> S3BlobStore.connect(settings("no-such-bucket-here", true)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-bucket-here");
    }
}
