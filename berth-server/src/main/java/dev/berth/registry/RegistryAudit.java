package dev.berth.registry;

import dev.berth.audit.AuditLog;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Principals;
import dev.berth.iam.ProjectScope;
import dev.berth.storage.Digest;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records pushes, pulls and deletions of manifests in the audit log, with the project and the
 * operator (a registry token's subject, or "anonymous"), after the response is complete. Pulls are
 * many, so they are written in batches; pushes and deletes at once. A failure to record is logged,
 * never turned into a failed request the client already saw succeed.
 */
@Component
class RegistryAudit {
    private static final Logger log = LoggerFactory.getLogger(RegistryAudit.class);

    private final AuditLog audit;
    private final Authorizer authorizer;

    RegistryAudit(AuditLog audit, Authorizer authorizer) {
        this.audit = audit;
        this.authorizer = authorizer;
    }

    void pushed(HttpServletRequest request, String repository, String reference) {
        record(request, AuditLog.Operation.CREATE, "artifact", repository, reference);
    }

    void pulled(HttpServletRequest request, String repository, String reference) {
        record(request, AuditLog.Operation.PULL, "artifact", repository, reference);
    }

    /** By digest an artifact goes; by tag only the tag. */
    void deleted(HttpServletRequest request, String repository, String reference) {
        record(
                request,
                AuditLog.Operation.DELETE,
                Digest.looksLikeDigest(reference) ? "artifact" : "tag",
                repository,
                reference);
    }

    private void record(
            HttpServletRequest request,
            AuditLog.Operation operation,
            String resourceType,
            String repository,
            String reference) {
        String resource = repository + (Digest.looksLikeDigest(reference) ? "@" : ":") + reference;
        try {
            long projectId = authorizer
                    .project(RegistryGuard.projectOf(repository))
                    .map(ProjectScope::id)
                    .orElse(0L);
            String operator = operator(Principals.of(request));
            if (operation == AuditLog.Operation.PULL) {
                audit.recordSoon(operator, projectId, operation, resourceType, resource);
            } else {
                audit.record(operator, projectId, operation, resourceType, resource);
            }
        } catch (RuntimeException e) {
            log.error(
                    "event=audit_write_failed operation={} resource={} reason=\"{}\"",
                    operation.wire(),
                    resource,
                    e.toString());
        }
    }

    private static String operator(Principal principal) {
        String name = principal.name();
        return name == null || name.isEmpty() ? "anonymous" : name;
    }
}
