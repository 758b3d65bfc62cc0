package dev.berth.project;

import java.time.Instant;
import java.util.Map;

/** A project as stored, with its metadata. */
public record Project(
        long id,
        String name,
        long ownerId,
        String ownerName,
        long storageLimit,
        Instant creationTime,
        Instant updateTime,
        Map<String, String> metadata) {
    public boolean isPublic() {
        return "true".equalsIgnoreCase(metadata.get("public"));
    }
}
