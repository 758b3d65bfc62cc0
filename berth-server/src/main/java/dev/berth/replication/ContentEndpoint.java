package dev.berth.replication;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * One end of a copy: this Berth or a remote registry. Digests are {@code algorithm:hex} strings.
 */
interface ContentEndpoint {
    /** A manifest's media type and exact bytes. */
    record Manifest(String mediaType, byte[] content) {}

    /** Opens a blob's bytes from the start; each call a new stream. */
    @FunctionalInterface
    interface BlobSource {
        InputStream open() throws IOException;
    }

    List<String> repositories();

    List<String> tags(String repository);

    Optional<Manifest> manifest(String repository, String reference);

    boolean hasBlob(String repository, String digest);

    InputStream openBlob(String repository, String digest) throws IOException;

    void putBlob(String repository, String digest, long size, BlobSource source) throws IOException;

    void putManifest(String repository, String reference, String mediaType, byte[] content);
}
