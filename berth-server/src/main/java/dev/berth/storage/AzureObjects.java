package dev.berth.storage;

import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The blobs of one Azure Blob Storage container, as block blobs. An append larger than a chunk is
 * staged block by block and committed at once, so the object appears whole. A commit of one
 * segment is a server-side Copy Blob; several segments are read back and staged as the blocks of
 * the blob (Put Block From URL would keep those bytes server-side too, but Azurite, the emulator
 * the driver is tested against, does not implement it).
 */
final class AzureObjects implements SegmentStore {
    private static final Duration COPY_POLL = Duration.ofMillis(200);

    private final BlobContainerClient container;
    private final int chunkSize;

    AzureObjects(BlobContainerClient container, int chunkSize) {
        this.container = container;
        this.chunkSize = chunkSize;
    }

    private BlockBlobClient blob(String key) {
        return container.getBlobClient(key).getBlockBlobClient();
    }

    @Override
    public OptionalLong head(String key) throws IOException {
        try {
            return OptionalLong.of(blob(key).getProperties().getBlobSize());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return OptionalLong.empty();
            }
            throw failure("HEAD " + key, e);
        }
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        BlockBlobClient blob = blob(key);
        BlobProperties properties;
        try {
            properties = blob.getProperties();
        } catch (BlobStorageException e) {
            throw e.getStatusCode() == 404 ? new NoSuchFileException(key) : failure("GET " + key, e);
        }
        if (length == 0 || offset >= properties.getBlobSize()) {
            return InputStream.nullInputStream();
        }
        try {
            // Pinned to the version seen: a reader never sees half of a blob replaced meanwhile.
            return blob.openInputStream(new BlobInputStreamOptions()
                    .setRange(new BlobRange(offset, length < 0 ? null : length))
                    .setBlockSize(chunkSize)
                    .setRequestConditions(new BlobRequestConditions().setIfMatch(properties.getETag())));
        } catch (BlobStorageException e) {
            throw e.getStatusCode() == 404 ? new NoSuchFileException(key) : failure("GET " + key, e);
        }
    }

    @Override
    public void put(String key, byte[] bytes, int length) throws IOException {
        try {
            blob(key).upload(new ByteArrayInputStream(bytes, 0, length), length, true);
        } catch (BlobStorageException e) {
            throw failure("PUT " + key, e);
        }
    }

    @Override
    public long write(String key, InputStream in, long limit, MessageDigest hasher) throws IOException {
        PartBuffer buffer = new PartBuffer(chunkSize, limit);
        long total = buffer.fill(in, limit, hasher);
        if (total == 0) {
            return 0;
        }
        if (!buffer.full() || total == limit) {
            put(key, buffer.bytes(), buffer.size());
            return total;
        }
        BlockBlobClient blob = blob(key);
        Blocks blocks = new Blocks();
        try {
            while (buffer.size() > 0) {
                stage(blob, blocks.next(), buffer.bytes(), buffer.size());
                total += buffer.refill(in, limit - total, hasher);
            }
            blob.commitBlockList(blocks.ids, true);
            return total;
        } catch (BlobStorageException e) {
            // Blocks never committed are dropped by the service (after a week at most).
            throw failure("PUT " + key, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            blob(key).deleteIfExists();
        } catch (BlobStorageException e) {
            throw failure("DELETE " + key, e);
        }
    }

    @Override
    public void forEach(String prefix, Consumer<Stored> each) throws IOException {
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
                each.accept(new Stored(
                        item.getName(),
                        item.getProperties().getContentLength(),
                        item.getProperties().getLastModified().toInstant()));
            }
        } catch (BlobStorageException e) {
            throw failure("LIST " + prefix, e);
        }
    }

    @Override
    public void compose(List<SegmentedUploads.Segment> chain, String target, long size) throws IOException {
        try {
            if (chain.isEmpty()) {
                put(target, new byte[0], 0);
            } else if (chain.size() == 1) {
                copy(chain.getFirst().key(), target);
            } else {
                BlockBlobClient blob = blob(target);
                Blocks blocks = new Blocks();
                PartBuffer buffer = new PartBuffer(chunkSize, size);
                for (SegmentedUploads.Segment s : chain) {
                    try (InputStream in = get(s.key(), 0, -1)) {
                        for (buffer.refill(in, s.size(), null); buffer.size() > 0; buffer.refill(in, s.size(), null)) {
                            stage(blob, blocks.next(), buffer.bytes(), buffer.size());
                        }
                    }
                }
                blob.commitBlockList(blocks.ids, true);
            }
        } catch (BlobStorageException e) {
            throw failure("commit to " + target, e);
        }
        long placed = head(target).orElse(-1);
        if (placed != size) {
            delete(target);
            throw new IOException("Azure commit at " + target + " made " + placed + " bytes, not " + size);
        }
    }

    /** A server-side Copy Blob within the account, waited for. */
    private void copy(String source, String target) throws IOException {
        SyncPoller<BlobCopyInfo, Void> poller =
                blob(target).beginCopy(blob(source).getBlobUrl(), COPY_POLL);
        CopyStatusType status = poller.waitForCompletion().getValue().getCopyStatus();
        if (status != CopyStatusType.SUCCESS) {
            throw new IOException("Azure copy of " + source + " to " + target + " ended " + status);
        }
    }

    private static void stage(BlockBlobClient blob, String id, byte[] bytes, int length) {
        blob.stageBlock(id, new ByteArrayInputStream(bytes, 0, length), length);
    }

    /**
     * The block ids of one blob being written: all of one length, as Azure requires, and unique
     * to this write, so that two writers of one name never mix their blocks.
     */
    private static final class Blocks {
        private final String nonce =
                String.format("%016x", ThreadLocalRandom.current().nextLong());
        private final List<String> ids = new ArrayList<>();

        String next() {
            String id = Base64.getEncoder()
                    .encodeToString((nonce + String.format("-%08d", ids.size())).getBytes(StandardCharsets.US_ASCII));
            ids.add(id);
            return id;
        }
    }

    static IOException failure(String what, BlobStorageException e) {
        return new IOException(
                "Azure " + what + " failed: " + e.getErrorCode() + " (HTTP " + e.getStatusCode() + ")", e);
    }
}
