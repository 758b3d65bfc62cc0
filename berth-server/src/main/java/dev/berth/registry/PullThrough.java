package dev.berth.registry;

import dev.berth.storage.Digest;

/**
 * The registry's extension point for repositories whose content comes from elsewhere first (a
 * proxy-cache project's upstream registry). The servlet asks before answering a pull from storage,
 * so what an extension fetches is stored through the normal write paths ({@link RegistryContent})
 * and then served, checked by the {@link PullPolicy pull policies}, audited and counted like any
 * pushed artifact.
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
     */
    void beforeManifest(String repository, String reference);

    /** Before a blob GET or HEAD is answered from storage, as {@link #beforeManifest}. */
    void beforeBlob(String repository, Digest digest);

    /**
     * The repository a pull names, for registry-mirror requests that carry no project ({@code
     * /v2/library/nginx/...}): the default proxy project's repository, or the name as it is.
     */
    default String mirrored(String repository) {
        return repository;
    }
}
