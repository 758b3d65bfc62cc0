package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.UUID;

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

    /** Cuts the upload back to {@code size} bytes: undoes a failed append. */
    void truncateUpload(UUID upload, long size) throws IOException;

    /** Reads an upload from the start, for re-hashing when no running hash is at hand. */
    InputStream openUpload(UUID upload) throws IOException;

    /** Durably places the upload's bytes at the content address {@code digest}. */
    void commitUpload(UUID upload, Digest digest) throws IOException;

    void deleteUpload(UUID upload) throws IOException;
}
