package dev.berth.event;

import java.util.regex.Pattern;

/**
 * The type of an event in the stream, by Harbor's topic name ({@code PUSH_ARTIFACT},
 * {@code QUOTA_WARNING}, ...). The core's types are in {@link EventTypes}; a feature that adds a
 * kind of event (scanning, replication, retention) declares its type next to its own code.
 */
public record EventType(String name) {
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    public EventType {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an event type is upper case with underscores: " + name);
        }
    }

    public static EventType of(String name) {
        return new EventType(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
