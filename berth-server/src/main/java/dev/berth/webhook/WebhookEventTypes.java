package dev.berth.webhook;

import dev.berth.event.EventType;
import dev.berth.event.EventTypes;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a webhook policy can subscribe to, notify and format, as Harbor lists them ({@code GET
 * /projects/{p}/webhook/events}), in Harbor's order. Scanning, replication and retention events
 * are listed and accepted in policies now; they flow once those features write them.
 */
final class WebhookEventTypes {
    private WebhookEventTypes() {}

    static final EventType SCANNING_FAILED = EventType.of("SCANNING_FAILED");
    static final EventType SCANNING_STOPPED = EventType.of("SCANNING_STOPPED");
    static final EventType SCANNING_COMPLETED = EventType.of("SCANNING_COMPLETED");
    static final EventType REPLICATION = EventType.of("REPLICATION");
    static final EventType TAG_RETENTION = EventType.of("TAG_RETENTION");

    static final List<EventType> ALL = List.of(
            EventTypes.PUSH_ARTIFACT,
            EventTypes.PULL_ARTIFACT,
            EventTypes.DELETE_ARTIFACT,
            EventTypes.QUOTA_EXCEED,
            EventTypes.QUOTA_WARNING,
            SCANNING_FAILED,
            SCANNING_STOPPED,
            SCANNING_COMPLETED,
            REPLICATION,
            TAG_RETENTION);

    static final Set<EventType> SET = new LinkedHashSet<>(ALL);

    static final List<String> NOTIFY_TYPES = List.of("http", "slack");

    static final List<String> HTTP_FORMATS = List.of("Default", "CloudEvents");

    static boolean supported(String name) {
        return ALL.stream().anyMatch(t -> t.name().equals(name));
    }
}
