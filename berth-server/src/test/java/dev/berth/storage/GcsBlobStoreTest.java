package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.support.GcsTestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The Google Cloud Storage driver, through the Google Cloud Storage SDK's JSON-API client, against
 * an in-process fake of that JSON API ({@link GcsTestServer}): the shared contracts plus what
 * only GCS shows. The SDK's own {@code LocalStorageHelper} would not do: it replaces the HTTP layer (so
 * the driver's requests are never made), implements no compose, and is not thread-safe, which the
 * contract's concurrency tests need.
 */
class GcsBlobStoreTest extends ObjectBlobStoreContract {
    private static final Map<Path, String> BUCKETS = new ConcurrentHashMap<>();
    private static final int MiB = 1024 * 1024;

    private final GcsTestServer gcs = GcsTestServer.shared();

    @Override
    protected BlobStore newStore(Path dir) {
        return GcsBlobStore.connect(settings(BUCKETS.computeIfAbsent(dir, d -> gcs.newBucket())));
    }

    private StorageSettings.Gcs settings(String bucket) {
        // The smallest chunk GCS's own resumable uploads use, so that tests cross chunks cheaply.
        return new StorageSettings.Gcs(
                bucket,
                "",
                "/" + ROOT + "/",
                DataSize.ofKilobytes(256),
                gcs.endpoint().toString(),
                "berth-test");
    }

    private String bucket() {
        return BUCKETS.get(tempDir);
    }

    @Override
    protected List<String> objectNames() {
        return gcs.names(bucket());
    }

    @Test
    void aChunkedUploadIsComposedServerSideInRoundsAndLeavesNoScratchObjects() throws IOException {
        // 40 appends of 300 KiB: more segments than one compose request takes.
        byte[] data = randomBytes(40 * 300 * 1024, 41);
        UUID upload = newUpload();
        var hasher = sha256();
        for (int offset = 0; offset < data.length; offset += 300 * 1024) {
            store.append(upload, offset, new ByteArrayInputStream(data, offset, 300 * 1024), Long.MAX_VALUE, hasher);
        }
        int before = gcs.composes();

        Digest digest = Digest.fromHasher(Digest.Algorithm.SHA256, hasher);
        store.commitUpload(upload, digest, data.length);

        // 40 segments: two intermediate composes of at most 32, then the final one.
        assertThat(gcs.composes() - before).isEqualTo(3);
        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
        assertThat(objectNames()).containsExactly(blobName(digest));
    }

    @Test
    void manyBlobsAreListedAcrossPages() throws IOException {
        List<Digest> committed = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            committed.add(commit(bytes("blob " + i)));
        }

        List<Digest> listed = new ArrayList<>();
        ((ListableBlobStore) store).forEachBlob(listed::add);

        assertThat(listed).containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void aMissingBucketIsRefusedAtStartWithAClearMessage() {
        assertThatThrownBy(() -> GcsBlobStore.connect(settings("no-such-bucket-here")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-bucket-here");
    }

    @Test
    void settingsAreCheckedAtStart() {
        assertThatThrownBy(() -> GcsBlobStore.connect(settings("")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("berth.storage.gcs.bucket");
        assertThatThrownBy(() -> GcsBlobStore.connect(
                        new StorageSettings.Gcs(bucket(), "/no/such/key.json", "", DataSize.ofMegabytes(8), "", "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key-file");
    }
}
