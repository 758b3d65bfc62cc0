package dev.berth.importer;

import java.util.Map;

/**
 * What every per-kind importer works from: Harbor's database, the report it counts into, and the
 * projects as imported so far (Harbor's project ids to Berth's, and to Harbor's names for the
 * report). The maps are filled by {@link HarborImport} before the importers that read them run.
 *
 * @param projectIds Harbor's project id to Berth's, for the projects imported (a dry run holds
 *     negative stand-ins for projects it would create)
 * @param projectNames Harbor's project id to its name, for every project Harbor has
 */
record ImportContext(
        HarborDatabase harbor, ImportReport report, Map<Long, Long> projectIds, Map<Long, String> projectNames) {

    boolean dryRun() {
        return report.dryRun();
    }

    /** Harbor's name of a project, or {@code #id} when Harbor has none. */
    String projectName(long harborProjectId) {
        return projectNames.getOrDefault(harborProjectId, "#" + harborProjectId);
    }
}
