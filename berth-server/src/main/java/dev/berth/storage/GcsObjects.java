package dev.berth.storage;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects of one Google Cloud Storage bucket, over its JSON API. Objects are immutable and
 * written whole; an append larger than a chunk is written chunk by chunk as scratch objects and
 * composed server-side, and so is a commit: GCS's compose takes at most 32 sources a call, so longer
 * chains are composed in rounds. A composite object counts at most 1024 components, which bounds an
 * upload to 1024 chunks.
 */
final class GcsObjects implements SegmentStore {
    private static final Logger log = LoggerFactory.getLogger(GcsObjects.class);
    /** The most sources one compose request takes. */
    static final int MAX_COMPOSE = 32;

    private final Storage storage;
    private final String bucket;
    private final int chunkSize;

    GcsObjects(Storage storage, String bucket, int chunkSize) {
        this.storage = storage;
        this.bucket = bucket;
        this.chunkSize = chunkSize;
    }

    @Override
    public OptionalLong head(String key) throws IOException {
        try {
            Blob blob = storage.get(BlobId.of(bucket, key));
            return blob == null ? OptionalLong.empty() : OptionalLong.of(blob.getSize());
        } catch (StorageException e) {
            throw failure("GET " + key, e);
        }
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        Blob blob;
        try {
            blob = storage.get(BlobId.of(bucket, key));
        } catch (StorageException e) {
            throw failure("GET " + key, e);
        }
        if (blob == null) {
            throw new NoSuchFileException(key);
        }
        if (length == 0 || offset >= blob.getSize()) {
            return InputStream.nullInputStream();
        }
        try {
            // The generation read is pinned: a reader never sees half of an object replaced meanwhile.
            ReadChannel channel = storage.reader(BlobId.of(bucket, key, blob.getGeneration()));
            channel.setChunkSize(chunkSize);
            channel.seek(offset);
            if (length > 0) {
                channel.limit(offset + length);
            }
            return Channels.newInputStream(channel);
        } catch (StorageException e) {
            throw e.getCode() == 404 ? new NoSuchFileException(key) : failure("GET " + key, e);
        }
    }

    @Override
    public void put(String key, byte[] bytes, int length) throws IOException {
        try {
            // Blob bytes are mostly compressed already: gzipping them on the way wastes CPU.
            storage.create(
                    BlobInfo.newBuilder(bucket, key).build(),
                    bytes,
                    0,
                    length,
                    Storage.BlobTargetOption.disableGzipContent());
        } catch (StorageException e) {
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
        List<String> chunks = new ArrayList<>();
        String scratch = scratch(key);
        try {
            while (buffer.size() > 0) {
                String chunk = scratch + "-" + String.format("%06d", chunks.size());
                put(chunk, buffer.bytes(), buffer.size());
                chunks.add(chunk);
                total += buffer.refill(in, limit - total, hasher);
            }
            composeAll(chunks, key, scratch);
            return total;
        } finally {
            deleteQuietly(chunks);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            storage.delete(BlobId.of(bucket, key));
        } catch (StorageException e) {
            throw failure("DELETE " + key, e);
        }
    }

    /** One batch request for many objects; missing ones are no error. */
    @Override
    public void deleteAll(List<String> keys) throws IOException {
        if (keys.isEmpty()) {
            return;
        }
        try {
            storage.delete(keys.stream().map(k -> BlobId.of(bucket, k)).toList());
        } catch (StorageException e) {
            throw failure("DELETE " + keys.size() + " objects from " + keys.getFirst(), e);
        }
    }

    @Override
    public void forEach(String prefix, Consumer<Stored> each) throws IOException {
        try {
            for (Blob blob :
                    storage.list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
                Instant updated = blob.getUpdateTimeOffsetDateTime() == null
                        ? Instant.EPOCH
                        : blob.getUpdateTimeOffsetDateTime().toInstant();
                each.accept(new Stored(blob.getName(), blob.getSize(), updated));
            }
        } catch (StorageException e) {
            throw failure("LIST " + prefix, e);
        }
    }

    @Override
    public void compose(List<SegmentedUploads.Segment> chain, String target, long size) throws IOException {
        if (chain.isEmpty()) {
            put(target, new byte[0], 0);
            return;
        }
        String scratch = scratch(chain.getFirst().key());
        long placed =
                composeAll(chain.stream().map(SegmentedUploads.Segment::key).toList(), target, scratch);
        if (placed != size) {
            delete(target);
            throw new IOException("GCS compose at " + target + " made " + placed + " bytes, not " + size);
        }
    }

    /**
     * Composes the sources, in order, at {@code target}, in rounds of at most 32; intermediate
     * objects are named from {@code scratch} and deleted afterwards.
     *
     * @return the size of the object placed
     */
    private long composeAll(List<String> sources, String target, String scratch) throws IOException {
        List<String> intermediates = new ArrayList<>();
        try {
            List<String> level = sources;
            for (int round = 0; level.size() > MAX_COMPOSE; round++) {
                List<String> next = new ArrayList<>();
                for (int i = 0; i < level.size(); i += MAX_COMPOSE) {
                    String step = scratch + "-r" + round + "-" + String.format("%06d", i / MAX_COMPOSE);
                    composeOnce(level.subList(i, Math.min(level.size(), i + MAX_COMPOSE)), step);
                    intermediates.add(step);
                    next.add(step);
                }
                level = next;
            }
            return composeOnce(level, target);
        } finally {
            deleteQuietly(intermediates);
        }
    }

    private long composeOnce(List<String> sources, String target) throws IOException {
        try {
            return storage.compose(Storage.ComposeRequest.newBuilder()
                            .addSource(sources)
                            .setTarget(BlobInfo.newBuilder(bucket, target).build())
                            .build())
                    .getSize();
        } catch (StorageException e) {
            throw failure("compose at " + target, e);
        }
    }

    /**
     * A fresh name for the scratch objects of a write or commit of the object {@code key}: beside
     * the upload's segments (under its {@code compose/}), never where a segment listing looks.
     */
    private static String scratch(String key) {
        int data = key.lastIndexOf("/data/");
        String base = data >= 0 ? key.substring(0, data) + "/compose/" : key + ".compose/";
        return base + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    private void deleteQuietly(List<String> keys) {
        for (String key : keys) {
            try {
                delete(key);
            } catch (IOException e) {
                // Left under the upload: deleting the upload (or the stale upload purge) takes it.
                log.warn("event=gcs_scratch_delete_failed key={} reason=\"{}\"", key, e.toString());
            }
        }
    }

    static IOException failure(String what, StorageException e) {
        return new IOException("GCS " + what + " failed: " + e.getMessage(), e);
    }
}
