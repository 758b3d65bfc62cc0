package dev.berth.auditpurge;

import dev.berth.job.Executions;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.JobStoppedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job that purges old audit-log entries ({@code PURGE_AUDIT_LOG}, Harbor's log rotation): rows
 * older than {@code audit_retention_hour} of the {@code include_event_types}, deleted in small
 * batches, each its own statement, so it never holds long locks on a table every request writes
 * to. A dry run only counts them. The count is kept in the execution's attributes
 * ({@code purged_rows}, or {@code would_purge_rows} for a dry run).
 *
 * <p>Idempotent: the cutoff is fixed when an attempt starts, and a retry deletes what is left.
 */
@Component
class AuditLogPurge implements JobKind {
    static final String NAME = "PURGE_AUDIT_LOG";
    static final int BATCH = 1000;
    private static final TypeReference<Map<String, Object>> PARAMETERS = new TypeReference<>() {};

    private final AuditLogPurgeRecords records;
    // Executions needs every JobKind to be built first; asking for it lazily breaks the cycle.
    private final ObjectProvider<Executions> executions;
    private final JsonMapper json;
    private final Clock clock;

    AuditLogPurge(AuditLogPurgeRecords records, ObjectProvider<Executions> executions, JsonMapper json, Clock clock) {
        this.records = records;
        this.executions = executions;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(6);
    }

    @Override
    public void run(JobContext context) {
        PurgePolicy policy = PurgePolicy.from(json.convertValue(context.parameters(), PARAMETERS));
        run(context, policy, clock.instant().minus(Duration.ofHours(policy.retentionHours())));
    }

    /** Purges with an explicit cutoff; returns the rows deleted (or, for a dry run, that would be). */
    long run(JobContext context, PurgePolicy policy, Instant cutoff) {
        context.log("purging audit log entries older than " + cutoff + " (" + policy.retentionHours()
                + " hours) of event types " + policy.eventTypes() + (policy.dryRun() ? ", dry run" : ""));
        if (policy.eventTypes().isEmpty()) {
            context.log("no event types included: nothing to purge");
            return finish(context, policy, 0);
        }
        long total = records.count(cutoff, policy.eventTypes());
        if (policy.dryRun()) {
            context.log("dry run: " + total + " entries would be purged");
            return finish(context, policy, total);
        }
        context.log(total + " entries to purge");
        long purged = 0;
        int deleted;
        try {
            do {
                context.checkStop();
                deleted = records.deleteBatch(cutoff, policy.eventTypes(), BATCH);
                purged += deleted;
                if (total > 0) {
                    context.progress((int) Math.min(99, purged * 100 / total));
                }
            } while (deleted == BATCH);
        } catch (JobStoppedException e) {
            context.log("stopped after purging " + purged + " entries");
            record(context, policy, purged);
            throw e;
        }
        context.log("purged " + purged + " entries");
        return finish(context, policy, purged);
    }

    private long finish(JobContext context, PurgePolicy policy, long rows) {
        record(context, policy, rows);
        context.progress(100);
        return rows;
    }

    private void record(JobContext context, PurgePolicy policy, long rows) {
        executions
                .getObject()
                .recordAttributes(
                        context.executionId(), Map.of(policy.dryRun() ? "would_purge_rows" : "purged_rows", rows));
    }
}
