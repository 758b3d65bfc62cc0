package dev.berth.replication;

import dev.berth.outbound.Cancellation;
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

    /** The repositories to read, given the policy's {@code name} filter patterns. */
    List<String> repositories(List<String> namePatterns);

    /** Makes a repository ready for a push (a registry that does not create it on push). */
    default void prepare(String repository) {}

    List<String> tags(String repository);

    Optional<Manifest> manifest(String repository, String reference);

    boolean hasBlob(String repository, String digest);

    InputStream openBlob(String repository, String digest) throws IOException;

    /**
     * Stores a blob; with a {@code chunkSize} above 0 a remote gets it in chunks of that size
     * (Harbor's {@code copy_by_chunk}), otherwise in one request. Cancelling {@code cancel} ends
     * a remote upload at once, even one blocked writing to a destination that stopped reading.
     */
    void putBlob(String repository, String digest, long size, BlobSource source, int chunkSize, Cancellation cancel)
            throws IOException;

    void putManifest(String repository, String reference, String mediaType, byte[] content);

    /** The digest a tag or digest names; empty when there is none. */
    Optional<String> manifestDigest(String repository, String reference);

    /** Deletes a manifest by digest with every tag on it; false when it is not there. */
    boolean deleteManifest(String repository, String digest);

    /** Deletes one tag, the artifact kept; false when it is not there. */
    boolean deleteTag(String repository, String tag, String digest);

    /** The digests of the manifests whose {@code subject} is the digest (OCI referrers). */
    List<String> referrers(String repository, String digest);

    /** The names of the labels on an artifact (none where the registry has no labels). */
    List<String> labels(String repository, String digest);
}
