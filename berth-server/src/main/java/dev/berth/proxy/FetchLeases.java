package dev.berth.proxy;

import jakarta.annotation.PreDestroy;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code proxy_fetch_lease}: which replica fetches an uncached blob, so that replicas sharing one
 * database make one upstream request for it. A replica takes the lease before asking the upstream;
 * another replica that misses the same blob meanwhile does not get it and waits for the blob to be
 * stored (or for the lease to go). Leases held are renewed every third of {@link
 * ProxyCacheSettings#fetchLease()} by one thread and deleted when the fetch ends; a replica that
 * dies stops renewing, and once its lease has expired the next replica to miss the blob takes it
 * over. Within a replica, {@link BlobFlights} already makes one fetch per blob.
 */
@Repository
class FetchLeases {
    private static final Logger log = LoggerFactory.getLogger(FetchLeases.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration lease;
    /** This process: a lease it holds is its own to renew, take again or end. */
    private final String holder = UUID.randomUUID().toString();

    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Thread renewer;

    FetchLeases(JdbcClient jdbc, Clock clock, ProxyCacheSettings settings) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.lease = settings.fetchLease();
        this.renewer = Thread.ofVirtual().name("proxy-fetch-leases").start(this::renewLoop);
    }

    /** Takes the lease on the key unless another replica holds an unexpired one; true when taken. */
    boolean acquire(String key) {
        Instant now = clock.instant();
        boolean taken = jdbc.sql("INSERT INTO proxy_fetch_lease (fetch_key, holder, expires_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (fetch_key) DO UPDATE"
                        + " SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at"
                        + " WHERE proxy_fetch_lease.expires_at < ? OR proxy_fetch_lease.holder = EXCLUDED.holder"
                        + " RETURNING holder")
                .param(key)
                .param(holder)
                .param(Timestamp.from(now.plus(lease)))
                .param(Timestamp.from(now))
                .query(String.class)
                .optional()
                .isPresent();
        if (taken) {
            held.add(key);
        }
        return taken;
    }

    /** Whether some replica (this one included) holds an unexpired lease on the key. */
    boolean held(String key) {
        return jdbc.sql("SELECT 1 FROM proxy_fetch_lease WHERE fetch_key = ? AND expires_at >= ?")
                .param(key)
                .param(Timestamp.from(clock.instant()))
                .query(Integer.class)
                .optional()
                .isPresent();
    }

    /** Ends this replica's lease on the key (the blob is stored, or its fetch failed). */
    void release(String key) {
        held.remove(key);
        try {
            jdbc.sql("DELETE FROM proxy_fetch_lease WHERE fetch_key = ? AND holder = ?")
                    .param(key)
                    .param(holder)
                    .update();
        } catch (RuntimeException e) {
            // It expires by itself; until then another replica waits no longer than the lease.
            log.warn("event=proxy_fetch_lease_release_failed key={} reason=\"{}\"", key, e.getMessage());
        }
    }

    private void renewLoop() {
        Duration every = lease.dividedBy(3);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            if (held.isEmpty()) {
                continue;
            }
            try {
                jdbc.sql("UPDATE proxy_fetch_lease SET expires_at = ? WHERE holder = ? AND fetch_key = ANY(?)")
                        .param(Timestamp.from(clock.instant().plus(lease)))
                        .param(holder)
                        .param(held.toArray(String[]::new))
                        .update();
            } catch (RuntimeException e) {
                log.warn("event=proxy_fetch_lease_renew_failed leases={} reason=\"{}\"", held.size(), e.getMessage());
            }
        }
    }

    @PreDestroy
    void stop() {
        renewer.interrupt();
    }
}
