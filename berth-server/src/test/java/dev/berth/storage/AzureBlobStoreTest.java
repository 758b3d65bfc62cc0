package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.support.AzuriteServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The Azure Blob driver against Azurite, Microsoft's emulator of the Blob service ({@link
 * AzuriteServer}): the shared contracts plus what only Azure shows.
 */
class AzureBlobStoreTest extends ObjectBlobStoreContract {
    private static final Map<Path, String> CONTAINERS = new ConcurrentHashMap<>();

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

    @Override
    protected List<String> objectNames() {
        return azurite.names(container());
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
