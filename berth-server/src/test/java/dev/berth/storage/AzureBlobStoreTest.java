package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.support.AzuriteServer;
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
 * The Azure Blob driver against Azurite, Microsoft's emulator of the Blob service ({@link
 * AzuriteServer}): the shared contract plus what only Azure shows.
 */
class AzureBlobStoreTest extends BlobStoreContract {
    private static final Map<Path, String> CONTAINERS = new ConcurrentHashMap<>();
    private static final String ROOT = "registry/root";

    private final AzuriteServer azurite = AzuriteServer.shared();

    @Override
    protected BlobStore newStore(Path dir) {
        return AzureBlobStore.connect(
                settings(CONTAINERS.computeIfAbsent(dir, d -> azurite.newContainer()), AzuriteServer.KEY));
    }

    private StorageSettings.Azure settings(String container, String key) {
        // Small blocks, so that the contract's appends cross block boundaries.
        return new StorageSettings.Azure(
                AzuriteServer.ACCOUNT,
                key,
                container,
                "core.windows.net",
                azurite.endpoint().toString(),
                "/" + ROOT + "/",
                DataSize.ofMegabytes(1));
    }

    private String container() {
        return CONTAINERS.get(tempDir);
    }

    @Test
    void blobsLiveAtTheirContentAddressUnderTheRootDirectory() throws IOException {
        Digest digest = commit(bytes("layout"));

        assertThat(azurite.names(container()))
                .containsExactly(ROOT + "/blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex());
        List<Digest> listed = new ArrayList<>();
        ((ListableBlobStore) store).forEachBlob(listed::add);
        assertThat(listed).containsExactly(digest);
    }

    @Test
    void aChunkedUploadCommitsWholeAndLeavesNothingElse() throws IOException {
        byte[] data = randomBytes(5 * 300 * 1024 + 7, 51);
        UUID upload = newUpload();
        var hasher = sha256();
        for (int offset = 0; offset < data.length; offset += 300 * 1024) {
            int length = Math.min(300 * 1024, data.length - offset);
            store.append(upload, offset, new ByteArrayInputStream(data, offset, length), Long.MAX_VALUE, hasher);
        }
        Digest digest = Digest.fromHasher(Digest.Algorithm.SHA256, hasher);

        store.commitUpload(upload, digest, data.length);

        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
        assertThat(azurite.names(container()))
                .containsExactly(ROOT + "/blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex());
    }

    @Test
    void idleUploadsAreRemovedByThePurge() throws IOException {
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(bytes("left behind")), Long.MAX_VALUE, sha256());

        assertThat(store.removeLeftoversBefore(java.time.Instant.now().minusSeconds(3600)))
                .isZero();
        assertThat(store.removeLeftoversBefore(java.time.Instant.now().plusSeconds(1)))
                .isEqualTo(1);

        assertThat(azurite.names(container())).isEmpty();
    }

    @Test
    void aMissingContainerOrAWrongKeyIsRefusedAtStartWithAClearMessage() {
        assertThatThrownBy(() -> AzureBlobStore.connect(settings("no-such-container", AzuriteServer.KEY)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-container");
        String wrongKey = java.util.Base64.getEncoder().encodeToString(new byte[64]);
        assertThatThrownBy(() -> AzureBlobStore.connect(settings(container(), wrongKey)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not reachable");
        assertThatThrownBy(() -> AzureBlobStore.connect(settings(container(), "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("account-key");
    }
}
