package dev.berth.scan;

import dev.berth.project.Project;

/**
 * An artifact's vulnerability severity as Harbor's policies select by it (preheat's {@code
 * vulnerability} filter): read from the stored report of the project's scanner, never by scanning.
 */
public interface StoredSeverity {
    /** Harbor's code for an artifact without a successful report: it passes no severity filter. */
    int NOT_SCANNED = 99;

    /**
     * Harbor's severity code (None and Unknown 0, Negligible 1, Low 2, Medium 3, High 4, Critical 5)
     * of the highest vulnerability in the artifact's report from the project's scanner, leaving out
     * those on the CVE allowlist in force; {@link #NOT_SCANNED} without a report or while its scan
     * has not succeeded.
     */
    int code(Project project, long manifestId);
}
