package dev.berth.project;

import java.time.Instant;
import java.util.Map;

/**
 * A project as stored, with its metadata.
 *
 * @param registryId the registry endpoint a proxy-cache project caches; 0 for a normal project
 */
public record Project(
        long id,
        String name,
        long ownerId,
        String ownerName,
        long storageLimit,
        Instant creationTime,
        Instant updateTime,
        Map<String, String> metadata,
        long registryId) {
    /** Whether the project is a proxy cache of a registry endpoint (Harbor's {@code registry_id}). */
    public boolean isProxyCache() {
        return registryId > 0;
    }

    public boolean isPublic() {
        return "true".equalsIgnoreCase(metadata.get("public"));
    }
}
