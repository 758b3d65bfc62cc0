package dev.berth.replication;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's {@code ReplicationFilter}: {@code name} (a doublestar pattern over repository names),
 * {@code tag} (doublestar over tags, {@code decoration} {@code matches} or {@code excludes}),
 * {@code label} (a list of label names, with decoration) or {@code resource} ({@code image} or
 * {@code artifact}).
 *
 * @param value a string, or for {@code label} a list of strings
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record PolicyFilter(String type, JsonNode value, String decoration) {
    static final String NAME = "name";
    static final String TAG = "tag";
    static final String LABEL = "label";
    static final String RESOURCE = "resource";
    static final String MATCHES = "matches";
    static final String EXCLUDES = "excludes";

    boolean excludes() {
        return EXCLUDES.equals(decoration);
    }
}
