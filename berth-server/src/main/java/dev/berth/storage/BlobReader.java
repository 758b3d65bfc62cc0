package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reads committed blobs. */
public interface BlobReader {
    /**
     * Where the bytes can be served from without passing through a stream, if the driver knows:
     * a local file (for sendfile) or a URL the client can be redirected to.
     */
    Optional<BlobLocation> locate(Digest digest);

    /** Opens the blob positioned at {@code offset}. */
    InputStream open(Digest digest, long offset) throws IOException;
}
