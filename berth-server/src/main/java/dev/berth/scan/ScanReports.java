package dev.berth.scan;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code scan_report} table: one row per (artifact, scanner, report MIME type). A new scan of
 * the same triple replaces the row (with a new report id) unless one is still Pending or Running.
 */
@Repository
class ScanReports {
    static final String PENDING = "Pending";
    static final String RUNNING = "Running";
    static final String SUCCESS = "Success";
    static final String ERROR = "Error";
    static final String STOPPED = "Stopped";

    record Report(
            String uuid,
            long manifestId,
            String digest,
            String registrationUuid,
            String mimeType,
            String status,
            Optional<Long> taskId,
            Optional<Long> robotId,
            String scannerName,
            String scannerVendor,
            String scannerVersion,
            String severity,
            Optional<String> report,
            Instant startTime,
            Optional<Instant> endTime) {
        boolean inProgress() {
            return status.equals(PENDING) || status.equals(RUNNING);
        }
    }

    private static final String COLUMNS = """
            uuid, manifest_id, digest, registration_uuid, mime_type, status, task_id, robot_id, scanner_name,
            scanner_vendor, scanner_version, severity, report::text AS report, start_time, end_time""";

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    ScanReports(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /**
     * Starts a report for the triple, replacing a finished one; empty when a scan of it is still in
     * progress (the row lock of the upsert makes two concurrent requests see each other).
     */
    Optional<String> begin(
            String uuid, long manifestId, String digest, String registrationUuid, String mimeType, Instant now) {
        try {
            return jdbc.sql("""
                            INSERT INTO scan_report (uuid, manifest_id, digest, registration_uuid, mime_type, status, start_time)
                            VALUES (?, ?, ?, ?, ?, 'Pending', ?)
                            ON CONFLICT (manifest_id, registration_uuid, mime_type) DO UPDATE
                               SET uuid = EXCLUDED.uuid, status = 'Pending', task_id = NULL, robot_id = NULL,
                                   scan_request_id = NULL, severity = '', report = NULL, summary = NULL,
                                   start_time = EXCLUDED.start_time, end_time = NULL
                             WHERE scan_report.status NOT IN ('Pending', 'Running')
                            RETURNING uuid
                            """)
                    .params(uuid, manifestId, digest, registrationUuid, mimeType, Timestamp.from(now))
                    .query(String.class)
                    .optional()
                    .map(started -> {
                        index(started); // the replaced report's vulnerability rows and counts go
                        return started;
                    });
        } catch (DuplicateKeyException e) {
            return Optional.empty();
        }
    }

    void attachTask(String uuid, long taskId) {
        jdbc.sql("UPDATE scan_report SET task_id = ? WHERE uuid = ?")
                .params(taskId, uuid)
                .update();
    }

    Optional<Report> find(String uuid) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM scan_report WHERE uuid = ?")
                .param(uuid)
                .query((rs, i) -> row(rs))
                .optional();
    }

    /** The artifact's reports from one scanner, newest first. */
    List<Report> ofArtifact(long manifestId, String registrationUuid) {
        return jdbc.sql("SELECT " + COLUMNS
                        + " FROM scan_report WHERE manifest_id = ? AND registration_uuid = ? ORDER BY start_time DESC")
                .params(manifestId, registrationUuid)
                .query((rs, i) -> row(rs))
                .list();
    }

    /** The artifact's reports from any scanner, newest first. */
    List<Report> ofArtifact(long manifestId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM scan_report WHERE manifest_id = ? ORDER BY start_time DESC")
                .param(manifestId)
                .query((rs, i) -> row(rs))
                .list();
    }

    /** Per artifact, its newest vulnerability report from this scanner, with the summary but not the report body. */
    List<Overview> overviews(List<Long> manifestIds, String registrationUuid) {
        return overviews(manifestIds, registrationUuid, false);
    }

    /** Per artifact, its newest report of one kind (SBOM or vulnerability) from this scanner. */
    List<Overview> overviews(List<Long> manifestIds, String registrationUuid, boolean sbom) {
        return jdbc.sql("""
                        SELECT DISTINCT ON (manifest_id) manifest_id, uuid, status, severity, summary::text,
                               start_time, end_time, scanner_name, scanner_vendor, scanner_version
                        FROM scan_report WHERE manifest_id = ANY (?) AND registration_uuid = ?
                          AND (mime_type = ?) = ?
                        ORDER BY manifest_id, start_time DESC
                        """)
                .params(manifestIds.toArray(Long[]::new), registrationUuid, ScanTypes.SBOM_REPORT, sbom)
                .query((rs, i) -> new Overview(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        Optional.ofNullable(rs.getString(5)),
                        rs.getTimestamp(6).toInstant(),
                        Optional.ofNullable(rs.getTimestamp(7)).map(Timestamp::toInstant),
                        new AdapterMetadata.Scanner(rs.getString(8), rs.getString(9), rs.getString(10))))
                .list();
    }

    record Overview(
            long manifestId,
            String uuid,
            String status,
            String severity,
            Optional<String> summary,
            Instant startTime,
            Optional<Instant> endTime,
            AdapterMetadata.Scanner scanner) {}

    /**
     * The severities of the report's vulnerabilities that are not allow-listed (an item without a
     * severity, or with one the scanner API does not name, counts as Unknown).
     */
    Set<Severity> severities(String uuid, Set<String> allowlisted) {
        return jdbc.sql("""
                        SELECT DISTINCT COALESCE(NULLIF(v.item->>'severity', ''), 'Unknown')
                        FROM scan_report r, jsonb_array_elements(COALESCE(r.report->'vulnerabilities', '[]')) AS v(item)
                        WHERE r.uuid = ? AND NOT (COALESCE(v.item->>'id', '') = ANY (?))
                        """).params(uuid, allowlisted.toArray(String[]::new)).query(String.class).list().stream()
                .map(s -> Severity.of(s).orElse(Severity.UNKNOWN))
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * How many of the report's vulnerabilities are at or above {@code threshold} and not allow-listed;
     * an item without a severity counts as Unknown.
     */
    long countAtOrAbove(String uuid, Severity threshold, Set<String> allowlisted) {
        List<String> severities = java.util.Arrays.stream(Severity.values())
                .filter(s -> s.compareTo(threshold) >= 0)
                .map(Severity::wire)
                .toList();
        return jdbc.sql("""
                        SELECT count(*) FROM scan_report r, jsonb_array_elements(COALESCE(r.report->'vulnerabilities', '[]'))
                            AS v(item)
                        WHERE r.uuid = ? AND COALESCE(NULLIF(v.item->>'severity', ''), 'Unknown') = ANY (?)
                          AND NOT (COALESCE(v.item->>'id', '') = ANY (?))
                        """)
                .params(uuid, severities.toArray(String[]::new), allowlisted.toArray(String[]::new))
                .query(Long.class)
                .single();
    }

    void running(String uuid, long robotId, String scanRequestId, AdapterMetadata.Scanner scanner) {
        jdbc.sql("""
                        UPDATE scan_report SET status = 'Running', robot_id = ?, scan_request_id = ?,
                               scanner_name = ?, scanner_vendor = ?, scanner_version = ?
                        WHERE uuid = ? AND status IN ('Pending', 'Running')
                        """)
                .params(robotId, scanRequestId, nz(scanner.name()), nz(scanner.vendor()), nz(scanner.version()), uuid)
                .update();
    }

    /** Running in this process (the built-in scanner): no robot, no adapter request. */
    void runningInProcess(String uuid, AdapterMetadata.Scanner scanner) {
        jdbc.sql("""
                        UPDATE scan_report SET status = 'Running', scanner_name = ?, scanner_vendor = ?, scanner_version = ?
                        WHERE uuid = ? AND status IN ('Pending', 'Running')
                        """)
                .params(nz(scanner.name()), nz(scanner.vendor()), nz(scanner.version()), uuid)
                .update();
    }

    void robot(String uuid, long robotId) {
        jdbc.sql("UPDATE scan_report SET robot_id = ? WHERE uuid = ?")
                .params(robotId, uuid)
                .update();
    }

    @Transactional
    void succeeded(String uuid, String reportJson, String summaryJson, String severity, Instant now) {
        jdbc.sql("""
                        UPDATE scan_report SET status = 'Success', report = CAST(? AS jsonb), summary = CAST(? AS jsonb),
                               severity = ?, robot_id = NULL, end_time = ?
                        WHERE uuid = ?
                        """)
                .params(reportJson, summaryJson, severity, Timestamp.from(now), uuid)
                .update();
        index(uuid);
        events.publishEvent(new ScanReportStored(uuid));
    }

    /**
     * {@link #succeeded} for many reports in two statements (the re-match of stored SBOMs replaces
     * the built-in scanner's vulnerability reports a batch at a time): the caller's transaction
     * makes it one commit. Publishes no {@link ScanReportStored}: these are vulnerability reports,
     * and that event is for the SBOM reports the package index reads.
     */
    void succeededAll(List<StoredReport.Replacement> replacements, Instant now) {
        if (replacements.isEmpty()) {
            return;
        }
        String[] uuids =
                replacements.stream().map(StoredReport.Replacement::uuid).toArray(String[]::new);
        jdbc.sql("""
                        UPDATE scan_report r SET status = 'Success', report = CAST(u.report AS jsonb),
                               summary = CAST(u.summary AS jsonb), severity = u.severity, robot_id = NULL, end_time = ?
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS u(uuid, report, summary, severity)
                        WHERE r.uuid = u.uuid
                        """)
                .params(
                        Timestamp.from(now),
                        uuids,
                        replacements.stream().map(r -> r.stored().report()).toArray(String[]::new),
                        replacements.stream().map(r -> r.stored().summary()).toArray(String[]::new),
                        replacements.stream().map(r -> r.stored().severity()).toArray(String[]::new))
                .update();
        jdbc.sql("SELECT scan_report_index_all(?::text[])")
                .param(uuids)
                .query((rs, i) -> 1)
                .list();
    }

    /** Rebuilds the report's vulnerability rows and severity counts from its JSON (none unless Success). */
    private void index(String uuid) {
        jdbc.sql("SELECT scan_report_index(?)").param(uuid).query((rs, i) -> 1).list();
    }

    void ended(String uuid, String status, Instant now) {
        jdbc.sql(
                        "UPDATE scan_report SET status = ?, robot_id = NULL, end_time = ? WHERE uuid = ? AND status IN ('Pending', 'Running')")
                .params(status, Timestamp.from(now), uuid)
                .update();
    }

    /**
     * Ends as Stopped the reports whose scan task was stopped before it ran (a Pending task never
     * runs, so its job cannot end its report): those of one execution's tasks.
     */
    int settleStopped(long executionId) {
        return jdbc.sql("""
                        UPDATE scan_report r SET status = 'Stopped', end_time = t.end_time
                        FROM job_task t
                        WHERE t.id = r.task_id AND t.execution_id = ? AND t.status = 'Stopped'
                          AND r.status = 'Pending'
                        """).param(executionId).update();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static Report row(ResultSet rs) throws SQLException {
        long task = rs.getLong("task_id");
        boolean noTask = rs.wasNull();
        long robot = rs.getLong("robot_id");
        boolean noRobot = rs.wasNull();
        Timestamp end = rs.getTimestamp("end_time");
        return new Report(
                rs.getString("uuid"),
                rs.getLong("manifest_id"),
                rs.getString("digest"),
                rs.getString("registration_uuid"),
                rs.getString("mime_type"),
                rs.getString("status"),
                noTask ? Optional.empty() : Optional.of(task),
                noRobot ? Optional.empty() : Optional.of(robot),
                rs.getString("scanner_name"),
                rs.getString("scanner_vendor"),
                rs.getString("scanner_version"),
                rs.getString("severity"),
                Optional.ofNullable(rs.getString("report")),
                rs.getTimestamp("start_time").toInstant(),
                Optional.ofNullable(end).map(Timestamp::toInstant));
    }
}
