package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Each project's storage limit, set after the images so that a limit never refuses what Harbor held. */
final class QuotaImport {
    private final HarborDatabase harbor;
    private final JdbcClient jdbc;
    private final ImportReport report;
    private final Map<Long, Long> projectIds;

    QuotaImport(ImportContext context, JdbcClient jdbc) {
        this.harbor = context.harbor();
        this.jdbc = jdbc;
        this.report = context.report();
        this.projectIds = context.projectIds();
    }

    void run() throws Exception {
        for (Map.Entry<Long, Long> e : harbor.storageLimits().entrySet()) {
            Long project = projectIds.get(e.getKey());
            if (project == null) {
                continue;
            }
            if (report.dryRun()) {
                boolean same = jdbc.sql("SELECT count(*) FROM project WHERE id = ? AND storage_limit = ?")
                                .param(project)
                                .param(e.getValue())
                                .query(Long.class)
                                .single()
                        > 0;
                report.count("quotas", same ? Outcome.EXISTING : Outcome.IMPORTED);
                continue;
            }
            int changed = jdbc.sql("UPDATE project SET storage_limit = ? WHERE id = ? AND storage_limit <> ?")
                    .param(e.getValue())
                    .param(project)
                    .param(e.getValue())
                    .update();
            report.count("quotas", changed == 1 ? Outcome.IMPORTED : Outcome.EXISTING);
        }
    }
}
