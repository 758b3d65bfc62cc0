package dev.berth.storage;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Enumerates the committed blobs a store holds. Only garbage collection needs this, to find bytes
 * whose database row is gone (a crash between placing the bytes and recording them); request
 * paths never list a store.
 */
public interface BlobLister {
    /** Calls {@code each} once per committed blob; blobs committed or deleted meanwhile may or may not be seen. */
    void forEachBlob(Consumer<Digest> each) throws IOException;
}
