package dev.berth.webhook;

import java.time.Instant;
import java.util.List;

/** A project's webhook policy as stored. */
record WebhookPolicy(
        long id,
        long projectId,
        String name,
        String description,
        List<String> eventTypes,
        List<WebhookTarget> targets,
        String creator,
        boolean enabled,
        Instant creationTime,
        Instant updateTime) {

    WebhookPolicy {
        eventTypes = List.copyOf(eventTypes);
        targets = List.copyOf(targets);
    }

    boolean listensTo(String eventType) {
        return enabled && eventTypes.contains(eventType);
    }
}
