package dev.berth.event;

import java.util.function.Supplier;

/**
 * Who caused the events written on this thread, and under which request id: set for each HTTP
 * request once its caller is known (by the web layer), and by background work that acts on its
 * own behalf ({@link #callAs}). Publishers need not pass it along: {@link EventPublisher} reads it.
 *
 * @param operator the caller's name as Harbor reports it ({@code admin}, {@code robot$ci}); empty
 *     for anonymous callers, as in Harbor's payloads
 */
public record EventOrigin(String operator, String requestId) {
    /** No request and no background work that named itself. */
    public static final EventOrigin UNKNOWN = new EventOrigin("", "");

    private static final ThreadLocal<EventOrigin> CURRENT = new ThreadLocal<>();

    public EventOrigin {
        operator = operator == null ? "" : operator;
        requestId = requestId == null ? "" : requestId;
    }

    public static EventOrigin current() {
        EventOrigin origin = CURRENT.get();
        return origin == null ? UNKNOWN : origin;
    }

    /**
     * Makes this the current origin until the returned scope is closed, which restores the previous
     * one: {@code try (var scope = origin.enter()) { ... }}.
     */
    public Scope enter() {
        EventOrigin previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** An entered origin; closing it restores the one before. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Runs {@code work} with this origin, restoring the previous one afterwards. */
    public <T> T callAs(Supplier<T> work) {
        try (Scope scope = enter()) {
            return work.get();
        }
    }

    public void runAs(Runnable work) {
        try (Scope scope = enter()) {
            work.run();
        }
    }
}
