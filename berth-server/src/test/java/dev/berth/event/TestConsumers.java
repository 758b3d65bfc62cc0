package dev.berth.event;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Consumers for the event stream's tests, added to a test server as an extra source (not a
 * {@code @Configuration}, so component scanning never adds them to other servers).
 *
 * <ul>
 *   <li>{@code test-recording} keeps every event it is handed, in order, in memory;
 *   <li>{@code test-ledger} writes each event id into {@code test_event_ledger} (primary key) in the
 *       hand-over transaction, fails once for every event of a repository containing
 *       {@code flaky}, and always for one containing {@code poison}: what it committed shows
 *       whether a batch that failed was kept in part, or handed over twice.
 * </ul>
 */
class TestConsumers {
    static final String LEDGER = """
            CREATE TABLE IF NOT EXISTS test_event_ledger (event_id bigint PRIMARY KEY, type text NOT NULL,
                                                          repository text NOT NULL)""";

    static final Set<EventType> ALL = Set.of(
            EventTypes.PUSH_ARTIFACT,
            EventTypes.PULL_ARTIFACT,
            EventTypes.DELETE_ARTIFACT,
            EventTypes.CREATE_TAG,
            EventTypes.DELETE_TAG,
            EventTypes.CREATE_PROJECT,
            EventTypes.DELETE_PROJECT,
            EventTypes.DELETE_REPOSITORY,
            EventTypes.QUOTA_WARNING,
            EventTypes.QUOTA_EXCEED);

    static final List<StoredEvent> RECORDED = new CopyOnWriteArrayList<>();
    static final Set<Long> FAILED_ONCE = ConcurrentHashMap.newKeySet();

    @Bean
    EventConsumer recordingConsumer() {
        return new EventConsumer() {
            @Override
            public String name() {
                return "test-recording";
            }

            @Override
            public Set<EventType> types() {
                return ALL;
            }

            @Override
            public void consume(List<StoredEvent> events) {
                RECORDED.addAll(events);
            }
        };
    }

    @Bean
    EventConsumer ledgerConsumer(JdbcClient jdbc) {
        jdbc.sql(LEDGER).update();
        return new EventConsumer() {
            @Override
            public String name() {
                return "test-ledger";
            }

            @Override
            public Set<EventType> types() {
                return Set.of(EventTypes.PUSH_ARTIFACT, EventTypes.DELETE_ARTIFACT);
            }

            @Override
            public void consume(List<StoredEvent> events) {
                for (StoredEvent e : events) {
                    String repository = e.data(ArtifactEvent.class).repository();
                    jdbc.sql("INSERT INTO test_event_ledger (event_id, type, repository) VALUES (?, ?, ?)")
                            .params(e.id(), e.type().name(), repository)
                            .update();
                    if (repository.contains("poison")) {
                        throw new IllegalStateException("poisoned event " + e.id());
                    }
                    if (repository.contains("flaky") && FAILED_ONCE.add(e.id())) {
                        throw new IllegalStateException("failing once on event " + e.id());
                    }
                }
            }
        };
    }
}
