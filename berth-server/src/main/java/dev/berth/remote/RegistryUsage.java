package dev.berth.remote;

import java.util.Optional;

/**
 * A feature that points at registry endpoints (replication policies, proxy-cache projects): an
 * endpoint it uses cannot be deleted. Implemented above this package, found by Spring.
 */
public interface RegistryUsage {
    /** Why the endpoint cannot go, e.g. "referenced by replication policies"; empty when unused. */
    Optional<String> blocksDeletion(long registryId);
}
