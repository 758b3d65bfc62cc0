package dev.berth.event;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code event} and {@code event_consumer} tables (V22). */
@Repository
class EventRecords {
    /** Where a consumer has read to: the (txid, id) of the last event it passed. */
    record Checkpoint(String txid, long id, long processed) {}

    /** A row about to be written. */
    record Row(String type, long projectId, Instant occurredAt, String operator, String requestId, String dataJson) {}

    private final JdbcClient jdbc;

    EventRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes the rows in one statement, in list order, inside the caller's transaction. */
    void insert(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<Object> params = new ArrayList<>(rows.size() * 6);
        for (Row r : rows) {
            params.add(r.type());
            params.add(r.projectId());
            params.add(utc(r.occurredAt()));
            params.add(r.operator());
            params.add(r.requestId());
            params.add(r.dataJson());
        }
        jdbc.sql("INSERT INTO event (type, project_id, occurred_at, operator, request_id, data) VALUES "
                        + String.join(", ", Collections.nCopies(rows.size(), "(?, ?, ?, ?, ?, ?::jsonb)")))
                .params(params)
                .update();
    }

    /**
     * Registers a consumer that has never run, at the end of the stream: every transaction that
     * has not ended yet, and everything after, is ahead of it.
     */
    void register(String name, Instant now) {
        jdbc.sql("""
                        INSERT INTO event_consumer (name, last_txid, last_id, updated_at)
                        VALUES (?, pg_snapshot_xmin(pg_current_snapshot()), 0, ?)
                        ON CONFLICT (name) DO NOTHING""").params(name, utc(now)).update();
    }

    /**
     * The consumers among {@code names} past whose checkpoint events lie, below the oldest running
     * transaction: one round trip for all of a replica's consumers.
     */
    Set<String> withWork(Collection<String> names) {
        return Set.copyOf(jdbc.sql("""
                        SELECT c.name FROM event_consumer c
                         WHERE c.name = ANY (?)
                           AND EXISTS (SELECT 1 FROM event e
                                        WHERE (e.txid, e.id) > (c.last_txid, c.last_id)
                                          AND e.txid < pg_snapshot_xmin(pg_current_snapshot()))""")
                .param(names.toArray(String[]::new))
                .query(String.class)
                .list());
    }

    /** The consumer's checkpoint, locked until the transaction ends; empty when another replica holds it. */
    Optional<Checkpoint> lock(String name) {
        return jdbc.sql("""
                        SELECT last_txid::text, last_id, processed FROM event_consumer
                         WHERE name = ? FOR UPDATE SKIP LOCKED""")
                .param(name)
                .query((rs, i) -> new Checkpoint(rs.getString(1), rs.getLong(2), rs.getLong(3)))
                .optional();
    }

    /** Events read past a checkpoint, and the txid of the last of them (to move the checkpoint to). */
    record Batch(List<StoredEvent> events, String lastTxid) {
        boolean isEmpty() {
            return events.isEmpty();
        }

        long lastId() {
            return events.getLast().id();
        }
    }

    /** Up to {@code limit} events past the checkpoint whose transactions have all ended, in stream order. */
    Batch after(Checkpoint from, int limit) {
        List<StoredEvent> events = new ArrayList<>();
        String[] lastTxid = {from.txid()};
        jdbc.sql("""
                        SELECT id, txid::text AS txid, type, project_id, occurred_at, operator, request_id,
                               data::text AS data
                          FROM event
                         WHERE (txid, id) > (?::xid8, ?)
                           AND txid < pg_snapshot_xmin(pg_current_snapshot())
                         ORDER BY txid, id
                         LIMIT ?""").params(from.txid(), from.id(), limit).query(rs -> {
            events.add(event(rs));
            lastTxid[0] = rs.getString("txid");
        });
        return new Batch(List.copyOf(events), lastTxid[0]);
    }

    /** Moves the checkpoint of a consumer whose row this transaction has locked. */
    void advance(String name, String txid, long id, int handed, int skipped, Instant now) {
        jdbc.sql("""
                        UPDATE event_consumer SET last_txid = ?::xid8, last_id = ?, processed = processed + ?,
                               skipped = skipped + ?, updated_at = ?
                         WHERE name = ?""").params(txid, id, handed, skipped, utc(now), name).update();
    }

    /** Per consumer: events past its checkpoint (also those of running transactions), for metrics. */
    List<Backlog> backlogs() {
        return jdbc.sql("""
                        SELECT c.name, c.processed, c.skipped,
                               (SELECT count(*) FROM event e WHERE (e.txid, e.id) > (c.last_txid, c.last_id)) AS behind
                          FROM event_consumer c ORDER BY c.name""")
                .query((rs, i) -> new Backlog(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .list();
    }

    record Backlog(String consumer, long processed, long skipped, long behind) {}

    /**
     * Deletes up to {@code limit} events older than {@code cutoff} that every consumer active since
     * the cutoff has passed; returns how many. A consumer not seen since the cutoff no longer runs
     * anywhere (its feature is gone) and holds nothing back.
     */
    int deleteRead(Instant cutoff, int limit) {
        return jdbc.sql("""
                        DELETE FROM event WHERE id IN (
                               SELECT e.id FROM event e
                                WHERE e.occurred_at < ?
                                  AND NOT EXISTS (SELECT 1 FROM event_consumer c
                                                   WHERE c.updated_at >= ?
                                                     AND (e.txid, e.id) > (c.last_txid, c.last_id))
                                ORDER BY e.txid, e.id
                                LIMIT ?)""").params(utc(cutoff), utc(cutoff), limit).update();
    }

    private static StoredEvent event(ResultSet rs) throws SQLException {
        return new StoredEvent(
                rs.getLong("id"),
                EventType.of(rs.getString("type")),
                rs.getLong("project_id"),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getString("operator"),
                rs.getString("request_id"),
                EventJson.MAPPER.readTree(rs.getString("data")));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
