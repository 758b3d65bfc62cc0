package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every object-store driver (S3, Azure, GCS) must do beyond {@link BlobStoreContract}: the
 * layout its objects take in the bucket, written the same way by each ({@code ObjectKeys}), and
 * nothing left behind by a commit or the purge. A driver's test supplies the names of all objects in
 * its bucket, and opens its stores with {@link #ROOT} as their root directory.
 */
abstract class ObjectBlobStoreContract extends BlobStoreContract {
    /** The root directory the driver tests configure, as it appears in object names. */
    static final String ROOT = "registry/root";

    /** Every object name in the bucket (or container) of the current store, root directory included. */
    protected abstract List<String> objectNames() throws IOException;

    protected static String blobName(Digest digest) {
        return ROOT + "/blobs/" + digest.algorithm().prefix() + "/"
                + digest.hex().substring(0, 2) + "/" + digest.hex();
    }

    @Test
    void blobsLiveAtTheirContentAddressUnderTheRootDirectory() throws IOException {
        Digest digest = commit(bytes("layout"));

        assertThat(objectNames()).containsExactly(blobName(digest));
        List<Digest> listed = new ArrayList<>();
        ((BlobLister) store).forEachBlob(listed::add);
        assertThat(listed).containsExactly(digest);
    }

    @Test
    void aChunkedUploadCommitsWholeAndLeavesOnlyTheBlob() throws IOException {
        int chunk = 300 * 1024;
        byte[] data = randomBytes(5 * chunk + 7, 51);
        UUID upload = newUpload();
        var hasher = sha256();
        for (int offset = 0; offset < data.length; offset += chunk) {
            int length = Math.min(chunk, data.length - offset);
            store.append(upload, offset, new ByteArrayInputStream(data, offset, length), Long.MAX_VALUE, hasher);
        }
        Digest digest = Digest.fromHasher(Digest.Algorithm.SHA256, hasher);

        store.commitUpload(upload, digest, data.length);

        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
        assertThat(objectNames()).containsExactly(blobName(digest));
    }

    @Test
    void idleUploadsAreRemovedByThePurge() throws IOException {
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(bytes("left behind")), Long.MAX_VALUE, sha256());

        assertThat(store.removeLeftoversBefore(Instant.now().minusSeconds(3600)))
                .isZero();
        assertThat(store.removeLeftoversBefore(Instant.now().plusSeconds(1))).isEqualTo(1);

        assertThat(objectNames()).isEmpty();
    }
}
