package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The object operations {@link SegmentedUploads} needs from a bucket: what each object-store
 * driver (S3, Google Cloud Storage, Azure Blob) supplies. Failures are {@link IOException}s, a
 * missing object a {@link NoSuchFileException}.
 */
interface SegmentStore {
    /** An object as a listing shows it. */
    record Stored(String key, long size, Instant lastModified) {}

    /** The object's size, or empty if there is no such object. */
    OptionalLong head(String key) throws IOException;

    /** The object's bytes from {@code offset}, {@code length} of them or all ({@code -1}). */
    InputStream get(String key, long offset, long length) throws IOException;

    /** Writes a small object in one request. */
    void put(String key, byte[] bytes, int length) throws IOException;

    /**
     * Streams up to {@code limit} bytes into a new object, feeding them to {@code hasher} (if any);
     * nothing is visible under the key until every byte is stored. Writes nothing for an empty
     * stream.
     *
     * @return the number of bytes written
     */
    long write(String key, InputStream in, long limit, MessageDigest hasher) throws IOException;

    /** Deletes the object; deleting a missing one is no error. */
    void delete(String key) throws IOException;

    /** Deletes the objects; missing ones are no error. Stores with a batch delete override this. */
    default void deleteAll(List<String> keys) throws IOException {
        for (String key : keys) {
            delete(key);
        }
    }

    /** Calls {@code each} for every object under the prefix, page by page, in key order. */
    void forEach(String prefix, Consumer<Stored> each) throws IOException;

    /** Every object under the prefix, in key order. */
    default List<Stored> list(String prefix) throws IOException {
        List<Stored> listed = new ArrayList<>();
        forEach(prefix, listed::add);
        return listed;
    }

    /**
     * Places the segments' bytes, in order, at {@code target} ({@code size} of them in all), as
     * one object that appears whole when complete.
     */
    void compose(List<SegmentedUploads.Segment> chain, String target, long size) throws IOException;

    /**
     * Drops writes under the prefix that were begun before {@code before} and never completed
     * (S3's multipart uploads); stores whose writes leave nothing behind return 0.
     *
     * @return how many were dropped
     */
    default int abandonWrites(String prefix, Instant before) throws IOException {
        return 0;
    }
}
