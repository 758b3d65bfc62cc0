package dev.berth.auditpurge;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code audit_log} rows a purge removes: older than a cutoff and of one of some event types
 * (an operation, or an operation and a resource type as {@code operation_resourcetype}).
 */
@Repository
class AuditLogPurgeRecords {
    // Event types are bound as one text[] parameter; never spliced into the SQL.
    private static final String MATCHES = """
            a.op_time < ?
            AND (lower(a.operation) = ANY (?::text[])
                 OR lower(a.operation || '_' || a.resource_type) = ANY (?::text[]))""";

    private final JdbcClient jdbc;

    AuditLogPurgeRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long count(Instant cutoff, List<String> eventTypes) {
        String[] types = eventTypes.toArray(String[]::new);
        return jdbc.sql("SELECT count(*) FROM audit_log a WHERE " + MATCHES)
                .params(Timestamp.from(cutoff), types, types)
                .query(Long.class)
                .single();
    }

    /**
     * Deletes up to {@code limit} matching rows in one short statement and returns how many went.
     * Small batches keep each transaction's locks brief while the API keeps writing entries.
     */
    int deleteBatch(Instant cutoff, List<String> eventTypes, int limit) {
        String[] types = eventTypes.toArray(String[]::new);
        return jdbc.sql("DELETE FROM audit_log WHERE id IN (SELECT a.id FROM audit_log a WHERE " + MATCHES
                        + " LIMIT ?)")
                .params(Timestamp.from(cutoff), types, types, limit)
                .update();
    }
}
