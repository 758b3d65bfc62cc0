package dev.berth.registry;

import java.util.Map;

/** The headers that tell a client where an upload stands. */
final class UploadHeaders {
    private UploadHeaders() {}

    static String location(UploadSession session) {
        return "/v2/" + session.repository() + "/blobs/uploads/" + session.id();
    }

    /** {@code 0-<last byte>}; an empty upload reports {@code 0-0}, as distribution does. */
    static String range(long size) {
        return "0-" + Math.max(0, size - 1);
    }

    static Map<String, String> of(UploadSession session) {
        return Map.of(
                "Location", location(session),
                "Range", range(session.size()),
                "Docker-Upload-UUID", session.id().toString());
    }
}
