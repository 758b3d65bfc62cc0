package dev.berth.project;

/**
 * Which registry endpoints can back a proxy-cache project. Implemented above this package (by the
 * proxy cache, which knows the endpoints and their adapters); without an implementation no project
 * can be created with a {@code registry_id}.
 */
public interface ProxyUpstreams {
    /**
     * Refuses, with an {@link dev.berth.api.ApiException} (400), an endpoint that does not exist or
     * whose type cannot be a proxy cache's upstream.
     */
    void requireProxyable(long registryId);
}
