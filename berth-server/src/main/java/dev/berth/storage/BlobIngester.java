package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Receives the bytes of uploads and turns a verified upload into a committed blob. Upload bytes
 * are never visible as blobs until {@link #commitUpload} has placed them durably.
 */
public interface BlobIngester {
    void createUpload(UUID upload) throws IOException;

    /** Bytes currently held for the upload. */
    long uploadSize(UUID upload) throws IOException;

    /**
     * Appends the stream at {@code offset} (anything stored past it is discarded first), feeding
     * every byte to {@code hasher} as it is written, and stops after {@code limit} bytes.
     *
     * @return the number of bytes appended
     */
    long append(UUID upload, long offset, InputStream in, long limit, MessageDigest hasher) throws IOException;

    /**
     * {@link #append(UUID, long, InputStream, long, MessageDigest)}, telling {@code appended} the
     * upload's size whenever bytes have been written: for a driver whose uploads can be {@linkplain
     * #followUpload followed}, after each write, once the bytes are readable through the follower's
     * channel; for the others, once at the end.
     */
    default long append(
            UUID upload, long offset, InputStream in, long limit, MessageDigest hasher, LongConsumer appended)
            throws IOException {
        long written = append(upload, offset, in, limit, hasher);
        appended.accept(offset + written);
        return written;
    }

    /**
     * The upload's bytes, readable at any position while appends write them, so that readers can
     * follow a blob as it arrives without a copy of their own; empty when this driver's uploads
     * cannot be read in place (an object store holds them as parts). The channel goes on reading
     * the same bytes after the commit has moved them to the blob's place, and after the upload is
     * deleted; a failed append may have cut them back. The caller closes it.
     */
    default Optional<FileChannel> followUpload(UUID upload) throws IOException {
        return Optional.empty();
    }

    /** Cuts the upload back to {@code size} bytes: undoes a failed append. */
    void truncateUpload(UUID upload, long size) throws IOException;

    /** Reads an upload from the start, for re-hashing when no running hash is at hand. */
    InputStream openUpload(UUID upload) throws IOException;

    /**
     * Durably places the upload's bytes at the content address {@code digest}, and removes the
     * upload. Refuses (with an {@link IOException}, placing nothing) when the upload does not hold
     * exactly {@code size} bytes: the caller's digest was computed over that many, and a blob must
     * never hold other bytes than the ones its digest was verified against.
     */
    void commitUpload(UUID upload, Digest digest, long size) throws IOException;

    /**
     * Optionally does the slow part of {@link #commitUpload} ahead of it, outside any database
     * transaction: an object store composes the upload at the content address here, so that the
     * commit that follows (under the digest's lock) finds the bytes in place and only has to check
     * them. Keeps the upload. Bytes placed here and never recorded are invisible, like any bytes
     * without a database row, and garbage collection sweeps them; the commit places them again if
     * they went meanwhile. Refuses, as the commit does, when the upload does not hold {@code size}
     * bytes. A driver whose commit is quick (a rename) only checks the size here.
     */
    void stageUpload(UUID upload, Digest digest, long size) throws IOException;

    void deleteUpload(UUID upload) throws IOException;

    /**
     * Removes what interrupted uploads left behind that no session can reach any more and that
     * was last written before {@code cutoff} (for object stores: multipart uploads never completed
     * or aborted). Called by the stale upload purge after it has removed idle sessions.
     *
     * @return how many leftovers were removed
     */
    default int removeLeftoversBefore(Instant cutoff) throws IOException {
        return 0;
    }
}
