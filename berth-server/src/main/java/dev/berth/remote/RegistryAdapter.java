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

    /** A client for the registry's {@code /v2/} API, logged in with the endpoint's credential. */
    DistributionClient client(RemoteRegistry registry);

    /**
     * A client for copying content: blobs of any size, longer waits, and redirects followed (a
     * registry may send blobs from object storage; credentials stay with the registry).
     */
    DistributionClient contentClient(RegistryAdapter.Limits limits, RemoteRegistry registry);

    /** How long a content client waits. */
    record Limits(java.time.Duration connect, java.time.Duration read) {}
}
