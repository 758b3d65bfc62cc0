package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Harbor's audit log ({@code audit_log}, and {@code audit_log_ext} from Harbor 2.13) into Berth's,
 * with each entry's time, user, operation, resource and description as Harbor recorded them and
 * its project as imported. An entry is matched by its time, operation, resource type, resource and
 * user, so a second run adds nothing. The extended log's source address and payload come along where
 * Harbor filled them, the payload's passwords, secrets and tokens masked. Entries of operations that
 * failed ({@code op_result} false)
 * are not carried: Berth's log records what was done, and has no column for an attempt.
 */
final class AuditLogImport {
    private static final String KIND = "audit log entries";

    private final HarborDatabase harbor;
    private final JdbcClient jdbc;
    private final ImportReport report;
    private final Map<Long, Long> projectIds;

    /** @param projectIds Harbor's project ids to Berth's, for the projects imported */
    AuditLogImport(ImportContext context, JdbcClient jdbc) {
        this.harbor = context.harbor();
        this.jdbc = jdbc;
        this.report = context.report();
        this.projectIds = context.projectIds();
    }

    void run() throws SQLException {
        long[] failed = {0};
        harbor.auditLog(entry -> {
            if (!entry.succeeded()) {
                failed[0]++;
                report.count(KIND, Outcome.SKIPPED);
                return;
            }
            OffsetDateTime time = OffsetDateTime.ofInstant(entry.time(), ZoneOffset.UTC);
            if (report.dryRun()) {
                report.count(KIND, present(entry, time) ? Outcome.EXISTING : Outcome.IMPORTED);
                return;
            }
            int inserted = jdbc.sql("""
                            INSERT INTO audit_log (project_id, operation, resource_type, resource, username, op_time,
                                operation_description, source_ip, payload)
                            SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?
                            WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE op_time = ? AND operation = ?
                                AND resource_type = ? AND resource = ? AND username = ?)
                            """)
                    .param(entry.projectId() > 0 ? projectIds.get(entry.projectId()) : null)
                    .param(entry.operation())
                    .param(entry.resourceType())
                    .param(entry.resource())
                    .param(entry.username())
                    .param(time)
                    .param(blankToNull(entry.description()))
                    .param(blankToNull(entry.sourceIp()))
                    .param(blankToNull(AuditPayloads.masked(entry.payload())))
                    .param(time)
                    .param(entry.operation())
                    .param(entry.resourceType())
                    .param(entry.resource())
                    .param(entry.username())
                    .update();
            report.count(KIND, inserted == 1 ? Outcome.IMPORTED : Outcome.EXISTING);
        });
        if (failed[0] > 0) {
            report.note(failed[0] + " audit log entries of failed operations not imported (Berth's audit log records"
                    + " what was done, not attempts)");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private boolean present(HarborDatabase.AuditEntry entry, OffsetDateTime time) {
        return jdbc.sql("""
                        SELECT count(*) FROM audit_log WHERE op_time = ? AND operation = ? AND resource_type = ?
                        AND resource = ? AND username = ?
                        """)
                        .param(time)
                        .param(entry.operation())
                        .param(entry.resourceType())
                        .param(entry.resource())
                        .param(entry.username())
                        .query(Long.class)
                        .single()
                > 0;
    }
}
