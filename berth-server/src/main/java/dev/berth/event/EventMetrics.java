package dev.berth.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * This replica's share of the stream: events it wrote, by type; events it handed to consumers and
 * skipped, by consumer; and how long events waited between their commit and their hand-over.
 * The backlog per consumer, the same on every replica, is {@link EventBacklogMetrics}.
 */
@Component
class EventMetrics {
    private final MeterRegistry registry;

    EventMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void published(EventType type) {
        Counter.builder("berth.events.published")
                .description("Events written into the stream by this replica")
                .tag("type", type.name())
                .register(registry)
                .increment();
    }

    void handed(String consumer, int count, int skipped) {
        Counter.builder("berth.events.consumed")
                .description("Events this replica handed to a consumer")
                .tag("consumer", consumer)
                .register(registry)
                .increment(count);
        if (skipped > 0) {
            Counter.builder("berth.events.skipped")
                    .description("Events a consumer failed on repeatedly and passed by")
                    .tag("consumer", consumer)
                    .register(registry)
                    .increment(skipped);
        }
    }

    /** From an event's occurrence to its hand-over to the consumer. */
    void delay(String consumer, Duration delay) {
        Timer.builder("berth.events.delivery.delay")
                .description("Time from an event's change to its hand-over to a consumer")
                .tag("consumer", consumer)
                .register(registry)
                .record(delay.isNegative() ? Duration.ZERO : delay);
    }
}
