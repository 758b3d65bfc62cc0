package dev.berth.artifact;

import dev.berth.registry.ManifestsCreated;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Derives the {@code extra_attrs} of pushed and copied manifests once their transaction has
 * committed, as Harbor does at push time, so that the first list of a fresh artifact reads a row
 * instead of its config blob.
 *
 * <p>Best effort and off the request thread: the committing thread only queues the ids, one
 * background thread takes them in batches (one query for their configs, one for the rows that
 * exist, one insert). Nothing here can fail or delay a push. What is lost (a full queue, a failure,
 * a shutdown with ids still queued) is found by {@link ConfigAttributesBackfill} at the next start,
 * and until then a list derives it as before.
 */
@Component
class ConfigAttributesOnPush {
    private static final Logger log = LoggerFactory.getLogger(ConfigAttributesOnPush.class);
    private static final int QUEUE = 10_000;
    private static final int BATCH = 100;

    private final ConfigAttributes stored;
    private final ArtifactContent content;
    private final BlockingQueue<Long> pending = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private Thread worker;

    ConfigAttributesOnPush(ConfigAttributes stored, ArtifactContent content) {
        this.stored = stored;
        this.content = content;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(ManifestsCreated event) {
        for (long id : event.manifestIds()) {
            if (!pending.offer(id) && dropped.getAndIncrement() % 1000 == 0) {
                log.warn(
                        "event=config_attributes_queue_full dropped={} detail=\"left to the backfill at the next start\"",
                        dropped.get());
            }
        }
    }

    @PostConstruct
    void start() {
        worker = Thread.ofVirtual().name("berth-config-attributes").start(this::drain);
    }

    @PreDestroy
    void stop() {
        worker.interrupt();
    }

    private void drain() {
        List<Long> batch = new ArrayList<>(BATCH);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(pending.take());
            } catch (InterruptedException e) {
                return;
            }
            pending.drainTo(batch, BATCH - 1);
            try {
                ArtifactContent.Derived result = content.deriveMissing(stored.keysOf(batch));
                if (result.failed() > 0) {
                    log.info(
                            "event=config_attributes_not_derived manifests={} failed={}",
                            batch.size(),
                            result.failed());
                }
            } catch (RuntimeException e) {
                log.warn(
                        "event=config_attributes_on_push_failed manifests={} reason=\"{}\"",
                        batch.size(),
                        e.toString());
            }
            batch.clear();
        }
    }
}
