package dev.berth.registry;

import dev.berth.event.ArtifactEvent;
import dev.berth.event.EventOrigin;
import dev.berth.event.EventPublisher;
import dev.berth.event.EventTypes;
import jakarta.annotation.PreDestroy;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pull counts and times of manifests (and pull counts of repositories, pull times of tags pulled by
 * name), recorded off the request path: a pull only adds to an in-memory tally, which a background
 * thread writes about once a second with one {@code UPDATE … FROM (VALUES …)} per table and batch. Pulls never wait for the database; a
 * crash loses at most the last second of counts, which Harbor's own asynchronous counting also risks.
 * Each pull is also a {@code PULL_ARTIFACT} event, written in the same transaction as the counts it
 * adds to, so the stream has one event per pull that was counted.
 */
@Component
class PullRecorder {
    private static final Logger log = LoggerFactory.getLogger(PullRecorder.class);
    private static final int BATCH = 500;

    private record Pending(long repositoryId, long count, Instant last) {
        Pending plus(Pending other) {
            return new Pending(repositoryId, count + other.count, last.isAfter(other.last) ? last : other.last);
        }
    }

    private record TagKey(long repositoryId, String name) {}

    /** At most this many pull events wait for the next drain; beyond it they are dropped, and said so. */
    private static final int MAX_PENDING_EVENTS = 200_000;

    /** One pull, as its event will say. */
    private record Pull(
            long repositoryId,
            String repository,
            String digest,
            String mediaType,
            List<String> tags,
            EventOrigin origin,
            Instant at) {}

    private final JdbcClient jdbc;
    private final RepositoryRecords repositories;
    private final TransactionTemplate tx;
    private final EventPublisher events;
    private final Clock clock;
    private final Queue<Pull> pendingEvents = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingEventCount = new AtomicInteger();
    private final AtomicLong droppedEvents = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<TagKey, Instant> pendingTags = new ConcurrentHashMap<>();
    private final ScheduledExecutorService drainer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pull-recorder");
        t.setDaemon(true);
        return t;
    });

    PullRecorder(
            JdbcClient jdbc,
            RepositoryRecords repositories,
            TransactionTemplate tx,
            EventPublisher events,
            Clock clock) {
        this.jdbc = jdbc;
        this.repositories = repositories;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
        drainer.scheduleWithFixedDelay(this::drainQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Counts one pull of the manifest, and when it was pulled by tag, the tag's pull time, and keeps
     * its event (by the current {@link EventOrigin}); returns at once.
     */
    void pulled(StoredManifest manifest, String repository, Optional<String> tag) {
        Instant now = clock.instant();
        long repositoryId = manifest.repositoryId();
        pending.merge(manifest.id(), new Pending(repositoryId, 1, now), Pending::plus);
        tag.ifPresent(name -> pendingTags.merge(new TagKey(repositoryId, name), now, (a, b) -> a.isAfter(b) ? a : b));
        if (pendingEventCount.incrementAndGet() > MAX_PENDING_EVENTS) {
            pendingEventCount.decrementAndGet();
            droppedEvents.incrementAndGet();
            return;
        }
        pendingEvents.add(new Pull(
                repositoryId,
                repository,
                manifest.digest().toString(),
                manifest.mediaType(),
                tag.map(List::of).orElse(List.of()),
                EventOrigin.current(),
                now));
    }

    @PreDestroy
    void stop() {
        drainer.shutdown();
        drainQuietly();
    }

    private void drainQuietly() {
        try {
            drain();
        } catch (RuntimeException e) {
            log.warn("event=pull_count_write_failed reason=\"{}\"", e.toString());
        }
    }

    /**
     * Writes everything tallied so far; synchronized so shutdown and the timer never write one pull
     * twice. Then moves the listing version of every repository written (V21), after the pull times
     * are committed, so no replica keeps serving a cached artifact page without them.
     */
    synchronized void drain() {
        Set<Long> repositories = new TreeSet<>();
        try {
            tx.executeWithoutResult(status -> {
                drain(pending, batch -> {
                    write(batch);
                    batch.forEach(e -> repositories.add(e.getValue().repositoryId()));
                });
                drain(pendingTags, batch -> {
                    writeTags(batch);
                    batch.forEach(e -> repositories.add(e.getKey().repositoryId()));
                });
                writeEvents();
            });
        } finally {
            // Also after a failed batch: those written before it are committed.
            if (!repositories.isEmpty()) {
                jdbc.sql("SELECT listing_touch_repositories(?)")
                        .param(repositories.toArray(Long[]::new))
                        .query((rs, i) -> 1)
                        .list();
            }
        }
    }

    /** The pull events kept since the last drain, with the counts they belong to. */
    private void writeEvents() {
        long dropped = droppedEvents.getAndSet(0);
        if (dropped > 0) {
            log.warn("event=pull_events_dropped count={} reason=\"more pulls than one drain holds\"", dropped);
        }
        List<Pull> pulls = new ArrayList<>();
        for (Pull p; (p = pendingEvents.poll()) != null; ) {
            pendingEventCount.decrementAndGet();
            pulls.add(p);
        }
        if (pulls.isEmpty()) {
            return;
        }
        Map<Long, RepositoryRecords.Owner> owners =
                repositories.ownersOf(pulls.stream().map(Pull::repositoryId).collect(Collectors.toSet()));
        List<EventPublisher.NewEvent> rows = new ArrayList<>();
        for (Pull p : pulls) {
            RepositoryRecords.Owner owner = owners.get(p.repositoryId());
            if (owner != null) { // a repository deleted since has no pulls to count either
                ArtifactEvent data =
                        new ArtifactEvent(p.repository(), p.digest(), p.mediaType(), p.tags(), owner.created());
                rows.add(new EventPublisher.NewEvent(
                        EventTypes.PULL_ARTIFACT, owner.projectId(), p.at(), p.origin(), data));
            }
        }
        for (int i = 0; i < rows.size(); i += BATCH) {
            events.publishAll(rows.subList(i, Math.min(rows.size(), i + BATCH)));
        }
    }

    /** Hands the tallies to {@code write} in batches of up to {@value #BATCH}. */
    private static <K, V> void drain(Map<K, V> tallies, Consumer<List<Map.Entry<K, V>>> write) {
        List<Map.Entry<K, V>> batch = new ArrayList<>();
        for (K key : List.copyOf(tallies.keySet())) {
            // remove() hands each tally to exactly one drain; pulls after it start a new tally.
            V tally = tallies.remove(key);
            if (tally != null) {
                batch.add(Map.entry(key, tally));
            }
            if (batch.size() == BATCH) {
                write.accept(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            write.accept(batch);
        }
    }

    private void writeTags(List<Map.Entry<TagKey, Instant>> batch) {
        List<Object> params = new ArrayList<>();
        for (Map.Entry<TagKey, Instant> e : batch) {
            params.add(e.getKey().repositoryId());
            params.add(e.getKey().name());
            params.add(Timestamp.from(e.getValue()));
        }
        jdbc.sql("UPDATE tag t SET pull_time = GREATEST(t.pull_time, v.t) FROM (VALUES "
                        + String.join(
                                ", ",
                                java.util.Collections.nCopies(batch.size(), "(?::bigint, ?::text, ?::timestamptz)"))
                        + ") AS v(r, n, t) WHERE t.repository_id = v.r AND t.name = v.n")
                .params(params)
                .update();
    }

    private void write(List<Map.Entry<Long, Pending>> batch) {
        List<Object> manifestParams = new ArrayList<>();
        Map<Long, Long> perRepository = new java.util.HashMap<>();
        for (Map.Entry<Long, Pending> e : batch) {
            manifestParams.add(e.getKey());
            manifestParams.add(e.getValue().count());
            manifestParams.add(Timestamp.from(e.getValue().last()));
            perRepository.merge(e.getValue().repositoryId(), e.getValue().count(), Long::sum);
        }
        jdbc.sql("UPDATE manifest m SET pull_count = m.pull_count + v.n,"
                        + " pull_time = GREATEST(m.pull_time, v.t) FROM (VALUES "
                        + String.join(
                                ", ",
                                java.util.Collections.nCopies(batch.size(), "(?::bigint, ?::bigint, ?::timestamptz)"))
                        + ") AS v(id, n, t) WHERE m.id = v.id")
                .params(manifestParams)
                .update();
        List<Object> repositoryParams = new ArrayList<>();
        perRepository.forEach((id, n) -> {
            repositoryParams.add(id);
            repositoryParams.add(n);
        });
        jdbc.sql("UPDATE repository r SET pull_count = r.pull_count + v.n FROM (VALUES "
                        + String.join(
                                ", ", java.util.Collections.nCopies(perRepository.size(), "(?::bigint, ?::bigint)"))
                        + ") AS v(id, n) WHERE r.id = v.id")
                .params(repositoryParams)
                .update();
    }
}
