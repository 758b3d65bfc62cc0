package dev.berth.event;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * An event as consumers read it from the stream.
 *
 * @param id unique and increasing within one transaction; consumers key their idempotency on it
 * @param projectId 0 for events that belong to no project
 * @param data the event's data as stored; {@link #data(Class)} reads it as its record
 */
public record StoredEvent(
        long id, EventType type, long projectId, Instant occurredAt, String operator, String requestId, JsonNode data) {

    /** The data as the record its type names (e.g. {@link ArtifactEvent}). */
    public <T> T data(Class<T> type) {
        return EventJson.MAPPER.treeToValue(data, type);
    }

    @Override
    public String toString() {
        return "event " + id + " " + type + " project " + projectId;
    }
}
