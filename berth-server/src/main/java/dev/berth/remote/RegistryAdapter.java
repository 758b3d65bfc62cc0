package dev.berth.remote;

import java.util.List;
import java.util.Optional;

/**
 * What Berth knows about one kind of remote registry (Harbor's adapter names: {@code harbor},
 * {@code docker-registry}, {@code docker-hub}, ...): how the portal asks for it, what it supports,
 * and how to reach it. Adapters are stateless; each call gets the endpoint it is about.
 */
public interface RegistryAdapter {
    /** Harbor's name for the adapter, the endpoint's {@code type}. */
    String type();

    /** How the portal asks for the endpoint and credential; empty when the standard form serves. */
    Optional<AdapterPattern> pattern();

    /**
     * Whether Berth talks to this kind of registry: false for the cloud registries whose login needs
     * their own token exchange, which Berth does not speak yet.
     */
    boolean available();

    /**
     * Whether the endpoint answers as a registry and accepts its credential.
     *
     * @throws dev.berth.outbound.TargetRefusedException when the outbound rules refuse its URL
     * @throws UnavailableAdapterException when {@link #available()} is false
     */
    DistributionClient.Health ping(RemoteRegistry registry);

    /** What the registry supports as a replication source or destination. */
    RegistryInfo info(RemoteRegistry registry);

    /**
     * Every repository the credential can see.
     *
     * @throws RemoteException when the registry does not list them
     */
    List<String> repositories(RemoteRegistry registry);

    /**
     * The repositories a pull reads, given the policy's {@code name} filters: by default every one
     * {@link #repositories(RemoteRegistry)} lists. A registry that lists none (GHCR) reads the
     * specific paths the name filter names instead, and refuses a pattern, as Harbor does.
     */
    default List<String> repositories(RemoteRegistry registry, List<String> namePatterns) {
        return repositories(registry);
    }

    /**
     * The URL that the outbound rules check when the endpoint is saved: the endpoint's own, or for
     * an adapter whose login starts elsewhere (ECR's API), that first address. Every later call is
     * checked again as it connects.
     */
    default java.net.URI savedTarget(RemoteRegistry registry) {
        return registry.uri();
    }

    /**
     * Makes a repository ready to be pushed to where the registry does not create it on push: an
     * ECR repository, a Quay organization. Harbor's adapters do the same before a push.
     */
    default void prepareForPush(RemoteRegistry registry, String repository) {}

    /** Deletes a manifest by digest (with its tags) through {@code client}; false when it is not there. */
    default boolean deleteManifest(
            RemoteRegistry registry, DistributionClient client, String repository, String digest) {
        return client.deleteManifest(repository, digest);
    }

    /** A client for the registry's {@code /v2/} API, logged in with the endpoint's credential. */
    DistributionClient client(RemoteRegistry registry);

    /**
     * A client for copying content: blobs of any size, longer waits, and redirects followed (a
     * registry may send blobs from object storage; credentials stay with the registry).
     */
    DistributionClient contentClient(RegistryAdapter.Limits limits, RemoteRegistry registry);

    /**
     * Deletes a tag alone (the artifact stays) on the registry, through {@code client} (a content
     * client of this adapter). The generic protocol is OCI distribution 1.1's {@code DELETE
     * /v2/<name>/manifests/<tag>}; registries without it (CNCF distribution 2.8) refuse, as
     * Harbor's native adapter does. False when the tag is not there.
     */
    default boolean deleteTag(
            RemoteRegistry registry, DistributionClient client, String repository, String tag, String digest) {
        try {
            return client.deleteManifest(repository, tag);
        } catch (RemoteException e) {
            if (e.status() == 400 || e.status() == 405) {
                throw new RemoteException(
                        "the registry does not delete a tag alone (DELETE by tag answered HTTP " + e.status()
                                + "); the artifact and the tag are kept there",
                        e.status(),
                        java.util.Optional.empty());
            }
            throw e;
        }
    }

    /**
     * The names of the labels on an artifact, for the label filter of a pull policy; a registry
     * without labels has none (Harbor's native adapter gives none either).
     */
    default List<String> labels(RemoteRegistry registry, String repository, String digest) {
        return List.of();
    }

    /** How long a content client waits. */
    record Limits(java.time.Duration connect, java.time.Duration read) {}
}
