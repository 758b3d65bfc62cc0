package dev.berth.event;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * How event data is stored: the stream's own format (snake_case fields of the data records), kept
 * here so that a change of the web layer's JSON settings cannot change what consumers read.
 */
final class EventJson {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private EventJson() {}
}
