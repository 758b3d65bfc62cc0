package dev.berth.quota;

import dev.berth.event.EventOrigin;
import dev.berth.event.EventPublisher;
import dev.berth.event.EventTypes;
import dev.berth.event.QuotaEvent;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Project storage quotas. Usage is the total size of the distinct blobs linked to any repository of
 * the project and of the distinct manifests stored in them, as Harbor counts it, read from {@code
 * project_blob}, which database triggers keep in step with {@code repository_blob} and {@code
 * manifest} inside the very transaction that links, stores, unlinks or deletes (see V11 and V30). Callers that add
 * bytes ask {@link #refusal} inside their linking transaction: it serialises adders of one limited
 * project on a transaction-scoped advisory lock, so two concurrent pushes can never both fit.
 */
@Service
public class StorageQuota {
    private static final Logger log = LoggerFactory.getLogger(StorageQuota.class);

    private final JdbcClient jdbc;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final QuotaSettings settings;

    StorageQuota(JdbcClient jdbc, EventPublisher events, TransactionTemplate tx, QuotaSettings settings) {
        this.jdbc = jdbc;
        this.events = events;
        this.tx = tx;
        this.settings = settings;
    }

    /** Bytes the project uses. */
    public long used(long projectId) {
        return jdbc.sql("SELECT COALESCE(sum(size), 0) FROM project_blob WHERE project_id = ?")
                .param(projectId)
                .query(Long.class)
                .single();
    }

    /**
     * Why linking a blob (or storing a manifest) of {@code size} bytes into the repository would
     * exceed its project's limit, or empty if it fits (or the project already counts the digest, or
     * has no limit). Must run inside
     * the transaction that then links the blob, which keeps the project's quota lock until it ends.
     */
    public Optional<String> refusal(String repository, String digest, long size) {
        Optional<Limit> project = limitLocked(repository);
        if (project.isEmpty()) {
            return Optional.empty();
        }
        Limit p = project.get();
        boolean counted = jdbc.sql("SELECT EXISTS (SELECT 1 FROM project_blob WHERE project_id = ? AND digest = ?)")
                .param(p.id())
                .param(digest)
                .query(Boolean.class)
                .single();
        if (counted) {
            return Optional.empty();
        }
        long used = used(p.id());
        if (used + size > p.limit()) {
            String message = message(p, size, used);
            exceeded(p, repository, digest, message, used);
            return Optional.of(message);
        }
        warnIfPassed(p, repository, digest, used, used + size);
        return Optional.empty();
    }

    /**
     * Runs {@code adding}, which links blobs into the repository inside the caller's transaction,
     * and says why it must be rolled back if it took the project over its limit. For additions whose
     * size is only known once they are made (an artifact copy links whatever its manifests reference).
     */
    public Optional<String> refusalOf(String repository, Runnable adding) {
        Optional<Limit> project = limitLocked(repository);
        long before = project.map(p -> used(p.id())).orElse(0L);
        adding.run();
        if (project.isEmpty()) {
            return Optional.empty();
        }
        Limit p = project.get();
        long after = used(p.id());
        if (after > before && after > p.limit()) {
            String message = message(p, after - before, before);
            exceeded(p, repository, "", message, before);
            return Optional.of(message);
        }
        warnIfPassed(p, repository, "", before, after);
        return Optional.empty();
    }

    /**
     * A change inside the caller's transaction takes usage from {@code before} to {@code after}: if
     * that passes the warning share of the limit, the change's transaction also writes
     * {@code QUOTA_WARNING}. Checks made before any transaction (a size known up front) write none;
     * the check in the transaction that adds the bytes does.
     */
    private void warnIfPassed(Limit p, String repository, String digest, long before, long after) {
        long line = Math.ceilDiv(p.limit() * settings.warningPercent(), 100);
        if (before >= line || after < line || !TransactionSynchronizationManager.isActualTransactionActive()) {
            return;
        }
        String message = "quota usage reach " + settings.warningPercent() + "%: resource storage used " + after + " of "
                + p.limit() + " bytes";
        events.publish(
                EventTypes.QUOTA_WARNING, p.id(), new QuotaEvent(repository, "", digest, message, after, p.limit()));
    }

    /**
     * A push was refused: the refusal is what happened, not the change, whose transaction rolls
     * back. {@code QUOTA_EXCEED} is written in a transaction of its own once the caller's has ended
     * (so it never waits for a second connection while holding one), by the same origin.
     */
    private void exceeded(Limit p, String repository, String digest, String message, long used) {
        EventOrigin origin = EventOrigin.current();
        QuotaEvent data = new QuotaEvent(repository, "", digest, message, used, p.limit());
        Runnable write = () -> {
            try {
                origin.runAs(
                        () -> tx.executeWithoutResult(status -> events.publish(EventTypes.QUOTA_EXCEED, p.id(), data)));
            } catch (RuntimeException e) {
                log.warn("event=quota_event_failed project={} reason=\"{}\"", p.name(), e.toString());
            }
        };
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            write.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                Thread.ofVirtual().name("quota-exceeded-event").start(write);
            }
        });
    }

    private record Limit(long id, String name, long limit) {}

    /** The repository's project if it has a limit, with its quota lock taken until the transaction ends. */
    private Optional<Limit> limitLocked(String repository) {
        Optional<Limit> project = jdbc.sql(
                        "SELECT id, name, storage_limit FROM project WHERE name = split_part(?, '/', 1)")
                .param(repository)
                .query((rs, i) -> new Limit(rs.getLong(1), rs.getString(2), rs.getLong(3)))
                .optional()
                .filter(p -> p.limit() >= 0);
        project.ifPresent(p -> jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('quota:' || ?, 0))")
                .param(p.id())
                .query((rs, i) -> 1)
                .list());
        return project;
    }

    private static String message(Limit p, long size, long used) {
        return "adding " + size + " bytes of storage to the current usage of " + used + " bytes exceeds the limit of "
                + p.limit() + " bytes of project " + p.name();
    }
}
