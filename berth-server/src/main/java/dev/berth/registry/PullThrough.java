package dev.berth.registry;

import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The registry's extension point for repositories whose content comes from elsewhere first (a
 * proxy-cache project's upstream registry). The servlet asks before answering a pull from storage,
 * so what an extension fetches is stored through the normal write paths ({@link RegistryContent})
 * and then served, checked by the {@link PullPolicy pull policies}, audited and counted like any
 * pushed artifact. An extension may also answer a first pull itself while it stores the content
 * (a verified manifest, a blob streamed as it arrives) when the servlet says it may.
 *
 * <p>Each method returns at once for a repository the extension does not handle.
 */
public interface PullThrough {
    /**
     * Refuses a push (an upload or a manifest PUT) into the repository by throwing a {@link
     * RegistryException}; returns normally to allow it.
     */
    void checkPush(String repository);

    /**
     * Before a manifest GET or HEAD is answered from storage: makes sure storage holds what the
     * reference names now (fetching a miss, revalidating a cached tag), or leaves the cached copy
     * when the upstream cannot answer. Throws a {@link RegistryException} for a miss that cannot be
     * fetched.
     *
     * @param servable whether the servlet may answer with a manifest of this media type that is
     *     not stored yet (no pull policy needs the stored artifact, the client accepts the type)
     * @return a manifest whose bytes are verified against its digest and that is being stored: the
     *     answer, instead of storage; empty when storage holds the answer
     */
    Optional<Unstored> beforeManifest(String repository, String reference, Predicate<String> servable);

    /**
     * A verified manifest answered before it is stored.
     *
     * @param stored completes once the manifest (and the tag it was pulled by) is stored, or
     *     exceptionally when storing it failed: the pull is counted then, as Harbor counts a proxy
     *     cache's first pull once its artifact exists
     */
    record Unstored(RegistryContent.Manifest manifest, CompletableFuture<Void> stored) {}

    /**
     * Before a blob GET or HEAD is answered from storage, as {@link #beforeManifest}.
     *
     * @return a blob on its way into storage, to stream from; empty when storage holds it
     */
    Optional<StreamedBlob> beforeBlob(String repository, Digest digest);

    /**
     * A blob being fetched and stored, readable while it arrives. A reader is never given the
     * blob's last byte before the whole blob is verified against its digest and stored, so a
     * client that got every byte got the right ones; when the fetch fails, a reader's stream
     * fails (the client sees its connection break).
     */
    interface StreamedBlob {
        long size();

        /** Reads {@code length} bytes from {@code offset}, waiting for them to arrive. */
        InputStream open(long offset, long length) throws IOException;
    }

    /**
     * The repository a pull names, for registry-mirror requests that carry no project ({@code
     * /v2/library/nginx/...}): the default proxy project's repository, or the name as it is.
     */
    default String mirrored(String repository) {
        return repository;
    }
}
