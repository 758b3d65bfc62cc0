package dev.berth.storage;

import java.io.IOException;
import java.util.Collection;

/** Removes committed blob bytes; only garbage collection calls this. */
public interface BlobDeleter {
    void delete(Digest digest) throws IOException;

    /**
     * Deletes many blobs' bytes; what is already gone is skipped. A driver whose service deletes
     * many objects in one request (S3's {@code DeleteObjects}) overrides this.
     */
    default void deleteAll(Collection<Digest> digests) throws IOException {
        for (Digest digest : digests) {
            delete(digest);
        }
    }
}
