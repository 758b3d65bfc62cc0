package dev.berth.outbound;

import org.apache.hc.core5.concurrent.Cancellable;

/**
 * A way to end requests from another thread: give it to the requests with {@link
 * OutboundRequest#withCancellation}, and {@link #cancel()} closes the connection of the one in
 * flight (a thread blocked writing a body to a peer that stopped reading, or reading an answer,
 * gets an exception at once) and refuses every later one. One instance may serve several requests
 * in turn (the chunks of one upload).
 */
public final class Cancellation {
    private Cancellable current;
    private boolean cancelled;

    /** Ends the request in flight, if any, and every later one; idempotent. */
    public void cancel() {
        Cancellable c;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            c = current;
            current = null;
        }
        if (c != null) {
            c.cancel();
        }
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    /** The HTTP client's handle on the request now in flight; cancelled at once if this already is. */
    void attach(Cancellable c) {
        synchronized (this) {
            if (!cancelled) {
                current = c;
                return;
            }
        }
        if (c != null) {
            c.cancel();
        }
    }
}
