package dev.berth.replication;

import java.time.Instant;
import java.util.List;

/**
 * A replication policy as stored. Exactly one of the two registries is this Berth (id 0).
 *
 * @param destNamespaceReplaceCount how many leading path components of a repository the
 *     destination namespace replaces; -1 is Harbor's legacy mode (see {@link DestinationName})
 * @param speed KiB/s per task, 0 for unlimited
 */
record ReplicationPolicy(
        long id,
        String name,
        String description,
        String creator,
        long srcRegistryId,
        long destRegistryId,
        String destNamespace,
        int destNamespaceReplaceCount,
        List<PolicyFilter> filters,
        PolicyTrigger trigger,
        boolean replicateDeletion,
        boolean override,
        boolean enabled,
        int speed,
        boolean copyByChunk,
        boolean singleActiveReplication,
        Instant creationTime,
        Instant updateTime) {

    /** Whether content flows out of this Berth (push) rather than into it (pull). */
    boolean isPush() {
        return srcRegistryId == 0;
    }

    /** The remote end's endpoint id. */
    long remoteRegistryId() {
        return isPush() ? destRegistryId : srcRegistryId;
    }
}
