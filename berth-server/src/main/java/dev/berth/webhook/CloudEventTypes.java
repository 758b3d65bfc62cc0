package dev.berth.webhook;

import java.util.Map;

/** Harbor's CloudEvents {@code type} for each of its event types. */
final class CloudEventTypes {
    private CloudEventTypes() {}

    private static final Map<String, String> TYPES = Map.of(
            "DELETE_ARTIFACT", "harbor.artifact.deleted",
            "PULL_ARTIFACT", "harbor.artifact.pulled",
            "PUSH_ARTIFACT", "harbor.artifact.pushed",
            "QUOTA_EXCEED", "harbor.quota.exceeded",
            "QUOTA_WARNING", "harbor.quota.warned",
            "REPLICATION", "harbor.replication.status.changed",
            "SCANNING_FAILED", "harbor.scan.failed",
            "SCANNING_COMPLETED", "harbor.scan.completed",
            "SCANNING_STOPPED", "harbor.scan.stopped",
            "TAG_RETENTION", "harbor.tag_retention.finished");

    static String of(String eventType) {
        String type = TYPES.get(eventType);
        if (type == null) {
            throw new IllegalArgumentException("no CloudEvents type for " + eventType);
        }
        return type;
    }
}
