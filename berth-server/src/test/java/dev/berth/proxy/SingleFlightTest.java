package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SingleFlightTest {
    @Test
    void concurrentCallersOfOneKeyShareOneRunAndItsFailure() throws Exception {
        SingleFlight<String, Integer> flights = new SingleFlight<>();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> results = java.util.Collections.synchronizedList(new ArrayList<>());
        Runnable caller = () -> results.add(flights.run("k", () -> {
            runs.incrementAndGet();
            await(release);
            return 42;
        }));
        Thread first = Thread.ofVirtual().start(caller);
        while (runs.get() == 0) {
            Thread.onSpinWait();
        }
        List<Thread> others = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            others.add(Thread.ofVirtual().start(caller));
        }
        // every other caller is parked waiting for the running fetch before it may finish
        while (!others.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
            Thread.onSpinWait();
        }
        release.countDown();
        first.join();
        for (Thread t : others) {
            t.join();
        }
        assertThat(results).hasSize(20).containsOnly(42);
        assertThat(runs).hasValue(1);
        assertThat(flights.size()).isZero();

        assertThatThrownBy(() -> flights.run("k", () -> {
                    throw new IllegalStateException("upstream lied");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("upstream lied");
        // a failed run does not stick: the next caller runs again
        assertThat(flights.run("k", () -> 7)).isEqualTo(7);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        assertThat(Upstream.retryAfter("120", now)).contains(Duration.ofSeconds(120));
        assertThat(Upstream.retryAfter("Mon, 07 Dec 2026 10:01:30 GMT", now)).contains(Duration.ofSeconds(90));
        assertThat(Upstream.retryAfter("Mon, 07 Dec 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(Upstream.retryAfter("soon", now)).isEqualTo(Optional.empty());
        assertThat(Upstream.retryAfter("-5", now)).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
