package dev.berth.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code job_worker_pool} table: one row per live replica with workers. */
@Repository
class WorkerPoolRecords {
    /** A replica's worker pool as the dashboard shows it. */
    record Pool(String id, long pid, String host, int concurrency, Instant startAt, Instant heartbeatAt) {}

    private final JdbcClient jdbc;

    WorkerPoolRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void register(Pool pool) {
        jdbc.sql("""
                        INSERT INTO job_worker_pool (id, pid, host, concurrency, start_at, heartbeat_at)
                        VALUES (?, ?, ?, ?, ?, ?)""")
                .params(pool.id(), pool.pid(), pool.host(), pool.concurrency())
                .params(Timestamps.of(pool.startAt()), Timestamps.of(pool.heartbeatAt()))
                .update();
    }

    void heartbeat(String id, Instant now) {
        jdbc.sql("UPDATE job_worker_pool SET heartbeat_at = ? WHERE id = ?")
                .params(Timestamps.of(now), id)
                .update();
    }

    /** Forgets pools whose replica stopped beating (crashed) before {@code cutoff}. */
    void removeSilentSince(Instant cutoff) {
        jdbc.sql("DELETE FROM job_worker_pool WHERE heartbeat_at < ?")
                .param(Timestamps.of(cutoff))
                .update();
    }

    void remove(String id) {
        jdbc.sql("DELETE FROM job_worker_pool WHERE id = ?").param(id).update();
    }

    List<Pool> all() {
        return jdbc.sql(
                        "SELECT id, pid, host, concurrency, start_at, heartbeat_at FROM job_worker_pool ORDER BY start_at, id")
                .query((rs, i) -> new Pool(
                        rs.getString("id"),
                        rs.getLong("pid"),
                        rs.getString("host"),
                        rs.getInt("concurrency"),
                        Timestamps.get(rs, "start_at"),
                        Timestamps.get(rs, "heartbeat_at")))
                .list();
    }

    Optional<Pool> find(String id) {
        return all().stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
