package dev.berth.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * A clock that stands still until a test moves it, for servers started with {@link Config} among
 * their sources: time-based rules (throttling delays, expiry) are then tested without waiting.
 */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void advance(Duration by) {
        now.updateAndGet(i -> i.plus(by));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    /**
     * Replaces the server's clock with a {@link MutableClock} starting now, for a server started with
     * this class among its sources; get it with {@code bean(MutableClock.class)}. Deliberately not a
     * {@code @Configuration}: component scanning would put a frozen clock into every test server. It
     * starts on a whole millisecond: PostgreSQL keeps microseconds, so a time with nanoseconds read
     * back from the database would come back earlier than the clock that wrote it.
     */
    public static class Config {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        }
    }
}
