package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import dev.berth.retention.RetentionImport;
import java.sql.SQLException;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's tag retention policies (one per project), through the same checks as Berth's {@code
 * /retentions} API, each with its schedule made again in Berth's scheduler. A project that has a
 * policy in Berth keeps it.
 */
final class RetentionPolicyImport {
    private static final String KIND = "retention policies";

    private final HarborDatabase harbor;
    private final RetentionImport retention;
    private final ImportReport report;
    private final Map<Long, Long> projectIds;
    private final Map<Long, String> projectNames;
    private final JsonMapper json = JsonMapper.builder().build();

    RetentionPolicyImport(ImportContext context, RetentionImport retention) {
        this.harbor = context.harbor();
        this.retention = retention;
        this.report = context.report();
        this.projectIds = context.projectIds();
        this.projectNames = context.projectNames();
    }

    void run() throws SQLException {
        for (HarborDatabase.RetentionPolicy p : harbor.retentionPolicies()) {
            Long project = projectIds.get(p.projectId());
            String name = projectNames.getOrDefault(p.projectId(), "#" + p.projectId());
            if (project == null) {
                report.count(KIND, Outcome.SKIPPED);
                report.note("retention policy of project " + name + ": project not imported");
                continue;
            }
            JsonNode policy;
            try {
                policy = json.readTree(p.json());
            } catch (RuntimeException e) {
                report.count(KIND, Outcome.SKIPPED);
                report.note("retention policy of project " + name + ": not understood");
                continue;
            }
            if (report.dryRun()) {
                report.count(
                        KIND,
                        project > 0 && retention.existing(project).isPresent() ? Outcome.EXISTING : Outcome.IMPORTED);
                continue;
            }
            switch (retention.create(project, policy)) {
                case RetentionImport.Result.Created c -> {
                    report.count(KIND, Outcome.IMPORTED);
                    if (!c.cron().isEmpty()) {
                        report.note("retention policy of project " + name + ": scheduled again (" + c.cron() + ")");
                    }
                }
                case RetentionImport.Result.Existing e -> report.count(KIND, Outcome.EXISTING);
                case RetentionImport.Result.Refused r -> {
                    report.count(KIND, Outcome.SKIPPED);
                    report.note("retention policy of project " + name + ": refused: " + r.reason());
                }
            }
        }
    }
}
