package dev.berth.replication;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's {@code ReplicationPolicy} as create and update take it; fields a client echoes from a
 * GET ({@code id}, times, the registries' other fields) are ignored. {@code deletion} is Harbor's
 * older name of {@code replicate_deletion}; either turns it on.
 */
record PolicyRequest(
        String name,
        String description,
        RegistryRef srcRegistry,
        RegistryRef destRegistry,
        String destNamespace,
        Integer destNamespaceReplaceCount,
        PolicyTrigger trigger,
        List<FilterRequest> filters,
        Boolean replicateDeletion,
        Boolean deletion,
        Boolean override,
        Boolean enabled,
        Integer speed,
        Boolean copyByChunk,
        Boolean singleActiveReplication) {

    /** A registry named by id; null or 0 is this Berth. */
    record RegistryRef(Long id) {}

    record FilterRequest(String type, JsonNode value, String decoration) {}
}
