package dev.berth.storage;

import java.io.IOException;

/** Removes committed blob bytes; only garbage collection calls this. */
public interface BlobDeleter {
    void delete(Digest digest) throws IOException;
}
