package dev.berth.audit;

import jakarta.annotation.PreDestroy;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The audit trail: who did what to which resource, and when. Every write through the API and every
 * push, pull and delete through {@code /v2/} is recorded here. Never pass secrets or passwords.
 *
 * <p>As in Harbor, an event whose type ({@code <operation>_<resource_type>}) is listed in {@code
 * disabled_audit_log_event_types} is not recorded at all; with {@code audit_log_forward_endpoint}
 * set every event is also sent to that syslog receiver (after the transaction that made it commits),
 * and with {@code skip_audit_log_database} it is only sent there.
 */
@Service
public class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    /** Harbor's operation names. */
    public enum Operation {
        CREATE("create"),
        DELETE("delete"),
        UPDATE("update"),
        PULL("pull"),
        LOGIN("login"),
        LOGOUT("logout");

        private final String wire;

        Operation(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * Harbor's audit event types ({@code GET /auditlog-exts/events}), in Harbor's order: the values
     * {@code disabled_audit_log_event_types} and the purge's {@code include_event_types} take.
     */
    public static final List<String> EVENT_TYPES = List.of(
            "create_artifact",
            "delete_artifact",
            "pull_artifact",
            "create_project",
            "delete_project",
            "delete_repository",
            "login_user",
            "logout_user",
            "create_user",
            "delete_user",
            "update_user",
            "create_robot",
            "delete_robot",
            "update_configuration");

    /** Rows written together at most; well under PostgreSQL's limit of bind parameters. */
    private static final int BATCH = 500;

    private record Pending(
            String username, long projectId, Operation operation, String resourceType, String resource, Instant at) {}

    private final JdbcClient jdbc;
    private final ObjectProvider<AuditSettings> settingsProvider;
    private final AuditForwarder forwarder;
    private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>(100_000);
    private final Thread flusher;
    private volatile boolean running = true;

    AuditLog(JdbcClient jdbc, ObjectProvider<AuditSettings> settings, AuditForwarder forwarder) {
        this.jdbc = jdbc;
        this.settingsProvider = settings;
        this.forwarder = forwarder;
        this.flusher = Thread.ofPlatform().daemon().name("audit-flusher").start(this::flushLoop);
    }

    /**
     * Records an event soon, in a batch with others: for pulls, which are many and must not wait.
     * The event keeps its own time. If the backlog is full the event is written at once instead, so
     * nothing is dropped; what is still queued is written at shutdown.
     */
    public void recordSoon(String username, long projectId, Operation operation, String resourceType, String resource) {
        Pending event = new Pending(username, projectId, operation, resourceType, resource, Instant.now());
        AuditSettings settings = settings();
        if (disabled(settings, operation, resourceType)) {
            return;
        }
        forward(settings, event);
        if (settings.skipAuditLogDatabase()) {
            return;
        }
        if (!pending.offer(event)) {
            write(List.of(event));
        }
        log.debug(
                "event=audit operation={} resource_type={} resource={} operator={}",
                operation.wire(),
                resourceType,
                resource,
                username);
    }

    private void flushLoop() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (running || !pending.isEmpty()) {
            try {
                Pending first = pending.poll(250, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("event=audit_batch_failed rows={} reason=\"{}\"", batch.size(), e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> events) {
        StringBuilder sql = new StringBuilder(
                "INSERT INTO audit_log (project_id, operation, resource_type, resource, username, op_time) VALUES ");
        List<Object> params = new ArrayList<>(events.size() * 6);
        for (int i = 0; i < events.size(); i++) {
            Pending e = events.get(i);
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
            params.add(e.projectId() > 0 ? e.projectId() : null);
            params.add(e.operation().wire());
            params.add(e.resourceType());
            params.add(e.resource());
            params.add(e.username());
            params.add(Timestamp.from(e.at()));
        }
        jdbc.sql(sql.toString()).params(params).update();
    }

    /** Writes what is still queued before the database goes away. */
    @PreDestroy
    void flushAtShutdown() throws InterruptedException {
        running = false;
        flusher.join(10_000);
    }

    /**
     * @param username who acted ("anonymous" for anonymous pulls)
     * @param projectId the project concerned, 0 for none
     * @param resourceType Harbor's resource type: "artifact", "project", "repository", "user", "robot", "member", "tag", ...
     * @param resource the resource's name, e.g. {@code library/nginx:1.27} or {@code library/nginx@sha256:...}
     */
    public void record(String username, long projectId, Operation operation, String resourceType, String resource) {
        record(username, projectId, operation, resourceType, resource, null);
    }

    /**
     * Records an event with what it changed, Harbor's {@code operation_description}: built with
     * {@link #change} (several joined by {@link #changes}), never holding a secret.
     *
     * @param description what changed, or null when the entry says no more than its operation
     */
    public void record(
            String username,
            long projectId,
            Operation operation,
            String resourceType,
            String resource,
            String description) {
        String changed = description == null || description.isEmpty() ? null : description;
        AuditSettings settings = settings();
        if (disabled(settings, operation, resourceType)) {
            return;
        }
        forward(settings, new Pending(username, projectId, operation, resourceType, resource, Instant.now()));
        if (settings.skipAuditLogDatabase()) {
            log.info(
                    "event=audit operation={} resource_type={} resource={} operator={} stored=false",
                    operation.wire(),
                    resourceType,
                    resource,
                    username);
            return;
        }
        jdbc.sql("""
                        INSERT INTO audit_log (project_id, operation, resource_type, resource, username,
                                               operation_description)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """)
                .param(projectId > 0 ? projectId : null)
                .param(operation.wire())
                .param(resourceType)
                .param(resource)
                .param(username)
                .param(changed)
                .update();
        log.info(
                "event=audit operation={} resource_type={} resource={} operator={}",
                operation.wire(),
                resourceType,
                resource,
                username);
    }

    /** Characters of a value a description keeps; a longer value is cut there and ends in "…". */
    static final int MAX_VALUE = 100;

    /** One changed field as the audit trail writes it: {@code "role: developer → maintainer"}. */
    public static String change(String field, Object from, Object to) {
        return field + ": " + shortened(from) + " \u2192 " + shortened(to);
    }

    /** A field set where there was none before: {@code "role: developer"}. */
    public static String set(String field, Object value) {
        return field + ": " + shortened(value);
    }

    private static String shortened(Object value) {
        String s = String.valueOf(value).replace('\n', ' ').replace('\r', ' ');
        return s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE - 1) + "\u2026";
    }

    /** Several changes in one description, in the given order, separated by {@code "; "}. */
    public static String changes(List<String> changes) {
        return String.join("; ", changes);
    }

    /** Harbor's event type of an entry: {@code create_project}, {@code login_user}, ... */
    public static String eventType(String operation, String resourceType) {
        return (operation + "_" + resourceType).toLowerCase(Locale.ROOT);
    }

    private AuditSettings settings() {
        return settingsProvider.getIfAvailable(() -> AuditSettings.DEFAULTS);
    }

    private static boolean disabled(AuditSettings settings, Operation operation, String resourceType) {
        Set<String> off = settings.disabledAuditLogEventTypes();
        return !off.isEmpty() && off.contains(eventType(operation.wire(), resourceType));
    }

    private void forward(AuditSettings settings, Pending e) {
        String endpoint = settings.auditLogForwardEndpoint();
        if (endpoint.isEmpty()) {
            return;
        }
        Runnable send = () ->
                forwarder.forward(endpoint, e.username(), e.operation().wire(), e.resourceType(), e.resource(), e.at());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Only what was committed is forwarded.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    send.run();
                }
            });
        } else {
            send.run();
        }
    }
}
