package dev.berth.replication;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.remote.RegistryView;
import java.time.Instant;
import java.util.List;

/**
 * Harbor's {@code ReplicationPolicy} as the API returns it: both registries in full (this Berth as
 * "Local", id 0), credentials masked as everywhere.
 */
record PolicyView(
        long id,
        String name,
        String description,
        RegistryView srcRegistry,
        RegistryView destRegistry,
        String destNamespace,
        int destNamespaceReplaceCount,
        PolicyTrigger trigger,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PolicyFilter> filters,
        boolean replicateDeletion,
        boolean deletion,
        boolean override,
        boolean enabled,
        Instant creationTime,
        Instant updateTime,
        int speed,
        boolean copyByChunk,
        boolean singleActiveReplication) {

    static PolicyView of(ReplicationPolicy p, RegistryView src, RegistryView dest) {
        return new PolicyView(
                p.id(),
                p.name(),
                p.description(),
                src,
                dest,
                p.destNamespace(),
                p.destNamespaceReplaceCount(),
                p.trigger(),
                p.filters(),
                p.replicateDeletion(),
                p.replicateDeletion(),
                p.override(),
                p.enabled(),
                p.creationTime(),
                p.updateTime(),
                p.speed(),
                p.copyByChunk(),
                p.singleActiveReplication());
    }
}
