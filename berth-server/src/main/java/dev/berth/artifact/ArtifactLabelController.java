package dev.berth.artifact;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.label.ArtifactLabels;
import dev.berth.label.Label;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Harbor's {@code …/artifacts/{reference}/labels}: put a label on an artifact, take it off. */
@RestController
@RequestMapping("/api/v2.0/projects/{projectName}/repositories/{repositoryName}/artifacts/{reference}/labels")
class ArtifactLabelController {
    private final ArtifactAccess access;
    private final ArtifactLabels labels;
    private final AuditLog audit;

    ArtifactLabelController(ArtifactAccess access, ArtifactLabels labels, AuditLog audit) {
        this.access = access;
        this.labels = labels;
        this.audit = audit;
    }

    /** Only the label's id is read from Harbor's Label body. */
    record LabelReference(Long id) {}

    @PostMapping
    ResponseEntity<Void> add(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @RequestBody LabelReference body) {
        if (body.id() == null || body.id() <= 0) {
            throw ApiException.badRequest("label id is required");
        }
        Principal caller = Callers.of(request);
        RepositoryTarget repo =
                access.repository(caller, projectName, repositoryName, Resource.ARTIFACT_LABEL, Action.CREATE);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        Label label = labels.attach(repo.project().id(), row.id(), body.id());
        audit.record(
                caller.name(),
                repo.project().id(),
                AuditLog.Operation.CREATE,
                "artifact-label",
                repo.fullName() + "@" + row.digest() + " " + label.name());
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/{labelId}")
    ResponseEntity<Void> remove(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference,
            @PathVariable long labelId) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo =
                access.repository(caller, projectName, repositoryName, Resource.ARTIFACT_LABEL, Action.DELETE);
        ArtifactQueries.Row row = access.artifact(repo, reference);
        Label label = labels.detach(repo.project().id(), row.id(), labelId);
        audit.record(
                caller.name(),
                repo.project().id(),
                AuditLog.Operation.DELETE,
                "artifact-label",
                repo.fullName() + "@" + row.digest() + " " + label.name());
        return ResponseEntity.ok().build();
    }
}
