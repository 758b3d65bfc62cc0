package dev.berth.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition that background work (a job, a consumer, a batch) will make true. */
public final class Eventually {
    private static final Duration DEFAULT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);

    private Eventually() {}

    /** Reads until {@code done} holds (up to a minute) and returns what it read last. */
    public static <T> T await(Supplier<T> read, Predicate<T> done) {
        return await(DEFAULT, read, done);
    }

    public static <T> T await(Duration within, Supplier<T> read, Predicate<T> done) {
        Instant until = Instant.now().plus(within);
        T value = read.get();
        while (!done.test(value)) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("timed out after " + within + " waiting; last seen " + value);
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = read.get();
        }
        return value;
    }
}
