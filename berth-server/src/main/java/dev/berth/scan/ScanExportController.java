package dev.berth.scan;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.job.Execution;
import dev.berth.job.Executions;
import dev.berth.job.TaskStatus;
import dev.berth.job.Trigger;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import dev.berth.project.ProjectService;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's scan data export: start an export of one project's vulnerabilities ({@code POST
 * /export/cve}, project {@code export-cve} create), list one's own exports, get one, download its
 * CSV. Harbor's visibility: an export is seen and downloaded by the user who started it only (a
 * system administrator too is refused another user's), who must still be allowed to read the
 * project's exports. After a download the CSV and its execution are deleted, as Harbor does.
 */
@RestController
class ScanExportController {
    private final ProjectService projects;
    private final ProjectGuard guard;
    private final Executions executions;
    private final ScanExportRecords records;
    private final AuditLog audit;

    ScanExportController(
            ProjectService projects,
            ProjectGuard guard,
            Executions executions,
            ScanExportRecords records,
            AuditLog audit) {
        this.projects = projects;
        this.guard = guard;
        this.executions = executions;
        this.records = records;
        this.audit = audit;
    }

    record ScanDataExportJob(long id) {}

    /** Harbor's ScanDataExportExecution. */
    record ExecutionView(
            long id,
            long userId,
            String status,
            String trigger,
            Instant startTime,
            Instant endTime,
            String statusText,
            String userName,
            boolean filePresent) {}

    record ExecutionList(List<ExecutionView> items) {}

    @PostMapping("/api/v2.0/export/cve")
    ScanDataExportJob export(
            HttpServletRequest request,
            @RequestHeader(name = "X-Scan-Data-Type", required = false) String dataType,
            @RequestBody(required = false) JsonNode criteria) {
        Principal caller = Callers.of(request);
        if (!caller.isAuthenticated()) {
            throw ApiException.unauthorized();
        }
        if (!ScanTypes.GENERIC_REPORT.equals(dataType)) {
            throw ApiException.badRequest("Unsupported MIME type : " + dataType);
        }
        if (criteria == null || !criteria.isObject()) {
            throw ApiException.badRequest("criteria is invalid");
        }
        JsonNode projectIds = criteria.path("projects");
        if (!projectIds.isArray()
                || projectIds.size() != 1
                || !projectIds.path(0).canConvertToLong()) {
            throw ApiException.badRequest("only support export single project, invalid value: " + projectIds);
        }
        long projectId = projectIds.path(0).asLong();
        Project project = projects.findById(projectId)
                .orElseThrow(() -> ApiException.notFound("project " + projectId + " not found"));
        guard.require(caller, project, Resource.EXPORT_CVE, Action.CREATE);
        if (!(caller instanceof Principal.User user)) {
            throw ApiException.forbidden("User : " + caller.name() + " not found");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (String field : List.of("repositories", "tags", "cveIds")) {
            JsonNode value = criteria.path(field);
            if (!value.isMissingNode() && !value.isNull() && !value.isString()) {
                throw ApiException.badRequest(field + " must be a string");
            }
            String text = value.asString("");
            if (text.contains(" ")) {
                throw ApiException.badRequest(
                        "invalid criteria value, please remove additional spaces for input: " + text);
            }
            if (!text.isEmpty() && !field.equals("cveIds")) {
                try {
                    ScanExportJob.pattern(text);
                } catch (RuntimeException e) {
                    throw ApiException.badRequest("invalid pattern for " + field + ": " + text);
                }
            }
            params.put(field.equals("cveIds") ? "cve_ids" : field, text);
        }
        List<Long> labels = new ArrayList<>();
        JsonNode labelIds = criteria.path("labels");
        if (!labelIds.isMissingNode() && !labelIds.isNull()) {
            if (!labelIds.isArray()) {
                throw ApiException.badRequest("labels must be a list of label ids");
            }
            for (JsonNode l : labelIds) {
                if (!l.canConvertToLong()) {
                    throw ApiException.badRequest("labels must be a list of label ids");
                }
                labels.add(l.asLong());
            }
        }
        params.put("labels", labels);
        params.put("project_id", projectId);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("user_id", user.id());
        attrs.put("user_name", user.name());
        attrs.put("job_name", criteria.path("job_name").asString(""));
        attrs.put("project_ids", List.of(projectId));
        long id = executions.run(ScanExportJob.NAME, user.id(), Trigger.MANUAL, attrs, params);
        audit.record(caller.name(), projectId, AuditLog.Operation.CREATE, "scan_data_export", "export " + id);
        return new ScanDataExportJob(id);
    }

    @GetMapping("/api/v2.0/export/cve/executions")
    ExecutionList list(HttpServletRequest request) {
        Principal caller = Callers.authenticated(request);
        List<ExecutionView> items = new ArrayList<>();
        if (caller instanceof Principal.User user) {
            for (Execution e : executions.executions(ScanExportJob.NAME, 0, 1000)) {
                if (e.vendorId() == user.id()
                        && user.name().equals(e.extraAttrs().get("user_name"))) {
                    requireRead(caller, e);
                    items.add(view(e));
                }
            }
        }
        return new ExecutionList(items);
    }

    @GetMapping("/api/v2.0/export/cve/execution/{executionId:\\d+}")
    ExecutionView get(HttpServletRequest request, @PathVariable long executionId) {
        Principal caller = Callers.authenticated(request);
        Execution e = owned(caller, executionId);
        return view(e);
    }

    @GetMapping("/api/v2.0/export/cve/download/{executionId:\\d+}")
    ResponseEntity<byte[]> download(HttpServletRequest request, @PathVariable long executionId) {
        Principal caller = Callers.authenticated(request);
        owned(caller, executionId);
        ScanExportRecords.Stored csv = records.find(executionId)
                .orElseThrow(() -> ApiException.notFound("the export " + executionId + " has no file"));
        String name = "scandata_export_" + executionId + ".csv";
        ResponseEntity<byte[]> response = ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("text/csv"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .body(csv.csv());
        // Harbor deletes the file and its execution once served.
        executions.deleteFinished(executionId);
        audit.record(caller.name(), 0, AuditLog.Operation.DELETE, "scan_data_export", "download " + executionId);
        return response;
    }

    /** The export, if it is the caller's and the caller may still read the project's exports; 404 or 403 otherwise. */
    private Execution owned(Principal caller, long executionId) {
        Execution e = executions
                .execution(executionId)
                .filter(x -> x.vendorType().equals(ScanExportJob.NAME))
                .orElseThrow(() -> ApiException.notFound("execution with id: " + executionId + " not found"));
        requireRead(caller, e);
        if (!caller.name().equals(e.extraAttrs().get("user_name"))
                || !(caller instanceof Principal.User u)
                || u.id() != e.vendorId()) {
            throw ApiException.forbidden();
        }
        return e;
    }

    private void requireRead(Principal caller, Execution e) {
        Object ids = e.extraAttrs().get("project_ids");
        if (ids instanceof List<?> list) {
            for (Object id : list) {
                Optional<Project> project = projects.findById(((Number) id).longValue());
                if (project.isPresent()) {
                    guard.require(caller, project.get(), Resource.EXPORT_CVE, Action.READ);
                }
            }
        }
    }

    private ExecutionView view(Execution e) {
        String text = e.statusMessage();
        if (e.status() == TaskStatus.ERROR && text.isEmpty()) {
            text = "Please contact the system administrator to check the logs of jobservice.";
        }
        return new ExecutionView(
                e.id(),
                e.vendorId(),
                e.status().wire(),
                e.trigger().name(),
                e.startTime(),
                e.endTime().orElse(null),
                text,
                String.valueOf(e.extraAttrs().getOrDefault("user_name", "")),
                records.present(e.id()));
    }
}
