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

    /**
     * Opens {@code length} bytes of the blob from {@code offset}; the stream may end there or go
     * on (callers read no more than they asked for). Drivers that fetch over the network override
     * this so a ranged read fetches only the range.
     */
    default InputStream open(Digest digest, long offset, long length) throws IOException {
        return open(digest, offset);
    }
}
