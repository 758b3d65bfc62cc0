package dev.berth.preheat;

import java.util.List;

/**
 * One tag of an artifact, as a policy's filters see it (Harbor's selector candidate: one per tag).
 *
 * @param repository the path within the project ({@code nginx}, {@code team/app})
 * @param severity Harbor's severity code of the artifact's vulnerabilities; {@link #NOT_SCANNED}
 *     when there is no successful scan report (and when the filters have no vulnerability filter,
 *     so the report is not read)
 */
record Candidate(
        String project,
        String repository,
        String tag,
        String digest,
        List<String> labels,
        boolean signed,
        int severity) {
    static final int NOT_SCANNED = dev.berth.scan.StoredSeverity.NOT_SCANNED;

    String fullRepository() {
        return project + "/" + repository;
    }
}
