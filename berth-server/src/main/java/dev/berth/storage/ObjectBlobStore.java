package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Blobs as objects in a bucket or container, laid out as {@link ObjectKeys} draws it, over the
 * object operations a driver supplies ({@link SegmentStore}): the S3, Google Cloud Storage and
 * Azure Blob drivers. Everything an upload has is in the bucket ({@link SegmentedUploads}), so any
 * replica can take the next chunk of an upload another one began; the commit composes the upload's
 * segments at the blob's key, where the object appears whole, so an interrupted upload never leaves
 * a visible blob. Blobs are served through Berth unless a driver gives a location ({@link #locate}).
 */
class ObjectBlobStore implements ListableBlobStore, AutoCloseable {
    private final SegmentStore objects;
    private final ObjectKeys keys;
    private final SegmentedUploads uploads;
    private final Runnable closer;

    /** @param closer closes the SDK client with the store */
    ObjectBlobStore(SegmentStore objects, ObjectKeys keys, Runnable closer) {
        this.objects = objects;
        this.keys = keys;
        this.uploads = new SegmentedUploads(objects, keys);
        this.closer = closer;
    }

    /** The object a blob is stored as. */
    final String key(Digest digest) {
        return keys.blob(digest);
    }

    @Override
    public OptionalLong stat(Digest digest) {
        try {
            return objects.head(keys.blob(digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests in flight at once for {@link #statAll}: well below the SDK clients' connection pools. */
    private static final int CONCURRENT_STATS = 16;

    /** One {@code HEAD} per blob, {@value #CONCURRENT_STATS} at a time, on virtual threads. */
    @Override
    public Map<Digest, OptionalLong> statAll(Collection<Digest> digests) {
        Semaphore slots = new Semaphore(CONCURRENT_STATS);
        Map<Digest, Future<OptionalLong>> pending = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Digest digest : digests) {
                pending.put(digest, pool.submit(() -> {
                    slots.acquire();
                    try {
                        return stat(digest);
                    } finally {
                        slots.release();
                    }
                }));
            }
            Map<Digest, OptionalLong> sizes = new LinkedHashMap<>();
            for (Map.Entry<Digest, Future<OptionalLong>> e : pending.entrySet()) {
                sizes.put(e.getKey(), e.getValue().get());
            }
            return sizes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking blobs", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** None by default: Berth streams the bytes itself. */
    @Override
    public Optional<BlobLocation> locate(Digest digest) {
        return Optional.empty();
    }

    @Override
    public InputStream open(Digest digest, long offset) throws IOException {
        return objects.get(keys.blob(digest), offset, -1);
    }

    @Override
    public InputStream open(Digest digest, long offset, long length) throws IOException {
        return objects.get(keys.blob(digest), offset, length);
    }

    @Override
    public void delete(Digest digest) throws IOException {
        objects.delete(keys.blob(digest));
    }

    @Override
    public void deleteAll(Collection<Digest> digests) throws IOException {
        objects.deleteAll(digests.stream().map(keys::blob).toList());
    }

    @Override
    public void forEachBlob(Consumer<Digest> each) throws IOException {
        objects.forEach(keys.blobs(), object -> keys.digestOf(object.key()).ifPresent(each));
    }

    @Override
    public void createUpload(UUID upload) throws IOException {
        uploads.create(upload);
    }

    @Override
    public long uploadSize(UUID upload) throws IOException {
        return uploads.size(upload);
    }

    @Override
    public long append(UUID upload, long offset, InputStream in, long limit, MessageDigest hasher) throws IOException {
        return uploads.append(upload, offset, in, limit, hasher);
    }

    @Override
    public void truncateUpload(UUID upload, long size) throws IOException {
        uploads.truncate(upload, size);
    }

    @Override
    public InputStream openUpload(UUID upload) throws IOException {
        return uploads.open(upload);
    }

    @Override
    public void stageUpload(UUID upload, Digest digest, long size) throws IOException {
        uploads.place(upload, keys.blob(digest), size);
    }

    @Override
    public void commitUpload(UUID upload, Digest digest, long size) throws IOException {
        uploads.commit(upload, keys.blob(digest), size);
    }

    @Override
    public void deleteUpload(UUID upload) throws IOException {
        uploads.delete(upload);
    }

    /**
     * Drops writes begun before the cutoff and never completed (S3's multipart uploads of appends
     * and commits that were cut off), and deletes uploads nobody wrote to since, whose session the
     * registry has purged.
     */
    @Override
    public int removeLeftoversBefore(Instant cutoff) throws IOException {
        return objects.abandonWrites(keys.root(), cutoff) + uploads.deleteIdleSince(cutoff);
    }

    @Override
    public void close() {
        closer.run();
    }
}
