package dev.berth.registry;

import java.nio.channels.FileChannel;

/**
 * Follows one upload's bytes into storage as they are written: the proxy cache streams a blob to
 * its waiting clients straight from the store's upload, so the blob is written once. Every method
 * runs on the uploading thread.
 */
public interface UploadWatcher {
    /** Watches nothing: an ordinary upload. */
    UploadWatcher NONE = new UploadWatcher() {};

    /**
     * The upload's bytes can be read from {@code bytes} as they are written (a filesystem store);
     * called once, before the first byte is written, and not at all when the store cannot be read
     * this way (an object store). The channel is the watcher's to close.
     */
    default void readable(FileChannel bytes) {
        try {
            bytes.close();
        } catch (java.io.IOException ignored) {
            // a read-only channel: nothing to lose
        }
    }

    /** The upload holds {@code size} bytes (readable through the channel, when there is one). */
    default void written(long size) {}

    /**
     * Every byte of the upload has been hashed as it was written and they match the digest, before
     * the commit (its fsync and transaction): the proxy cache lets its clients have a blob's last
     * byte from then on without hashing the bytes a second time.
     */
    default void verified() {}
}
