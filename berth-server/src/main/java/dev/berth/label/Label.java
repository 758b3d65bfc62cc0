package dev.berth.label;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A label as stored. {@code projectId} is 0 for a global label, as Harbor shows it.
 *
 * @param scope {@code "g"} (global) or {@code "p"} (project)
 */
public record Label(
        long id,
        String name,
        String description,
        String color,
        String scope,
        long projectId,
        Instant creationTime,
        Instant updateTime) {
    public static final String GLOBAL = "g";
    public static final String PROJECT = "p";

    public boolean isGlobal() {
        return GLOBAL.equals(scope);
    }

    /** Harbor's Label JSON. */
    public Map<String, Object> view() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("name", name);
        v.put("description", description);
        v.put("color", color);
        v.put("scope", scope);
        v.put("project_id", projectId);
        v.put("creation_time", creationTime.toString());
        v.put("update_time", updateTime.toString());
        return v;
    }
}
