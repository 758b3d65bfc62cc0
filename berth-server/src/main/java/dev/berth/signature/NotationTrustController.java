package dev.berth.signature;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Notation half of Berth's trust policy extension under {@code /api/v2.0}: the project's Notary
 * Project trust policy document and its X.509 trust stores. Same permissions as {@link
 * TrustPolicyController}: members read, project admins edit; another project's store id is a 404.
 */
@RestController
class NotationTrustController {
    private static final String RESOURCE_TYPE = "trust_policy";

    private final TrustPolicies policies;
    private final TrustStore store;
    private final ProjectGuard guard;
    private final AuditLog audit;

    NotationTrustController(TrustPolicies policies, TrustStore store, ProjectGuard guard, AuditLog audit) {
        this.policies = policies;
        this.store = store;
        this.guard = guard;
        this.audit = audit;
    }

    record CertificateView(String subject, String issuer, Instant not_before, Instant not_after, String sha256) {}

    record StoreView(
            long id,
            String type,
            String name,
            String reference,
            List<CertificateView> certificates,
            String pem,
            Instant creation_time) {}

    record StoreBody(String type, String name, String certificates) {}

    @GetMapping(path = "/api/v2.0/projects/{projectNameOrId}/trust-policy/notation", produces = "application/json")
    String document(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        return store.notationPolicy(project.id())
                .map(NotaryTrustPolicy::parse)
                .orElse(NotaryTrustPolicy.empty())
                .json();
    }

    @PutMapping(
            path = "/api/v2.0/projects/{projectNameOrId}/trust-policy/notation",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = "application/json")
    String putDocument(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody(required = false) String body) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        NotaryTrustPolicy document;
        try {
            document = NotaryTrustPolicy.parse(body);
            document.validate(project.name());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        String json = document.json();
        TrustPolicy policy = policies.putNotationPolicy(project.id(), json);
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.UPDATE,
                RESOURCE_TYPE,
                project.name() + "/notation",
                "version=" + policy.version() + " policies="
                        + document.trustPolicies().size());
        return json;
    }

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/trust-stores")
    ResponseEntity<List<StoreView>> stores(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        List<StoreView> views = new ArrayList<>();
        store.notationStores(project.id()).forEach(s -> views.add(view(s)));
        return TrustPolicyController.listed(views);
    }

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/trust-stores/{storeId}")
    StoreView storeById(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long storeId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        return store.notationStore(project.id(), storeId)
                .map(NotationTrustController::view)
                .orElseThrow(() -> ApiException.notFound("trust store " + storeId + " not found"));
    }

    @PostMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/trust-stores")
    ResponseEntity<Void> addStore(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody(required = false) StoreBody body) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        if (body == null) {
            throw ApiException.badRequest("a body {\"type\", \"name\", \"certificates\"} is required");
        }
        NotationTrustStore parsed;
        Optional<Long> id;
        try {
            parsed = NotationTrustStore.parse(body.type(), body.name(), body.certificates());
            id = policies.addNotationStore(project.id(), parsed);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (id.isEmpty()) {
            throw ApiException.conflict("the project already has the trust store " + parsed.ref());
        }
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.CREATE,
                RESOURCE_TYPE,
                project.name() + "/trust-stores/" + parsed.ref(),
                parsed.certificates().size() + " certificates");
        return TrustPolicyController.created(request, id.get());
    }

    @DeleteMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/trust-stores/{storeId}")
    ResponseEntity<Void> deleteStore(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long storeId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        Optional<TrustStore.StoredNotationStore> existing = store.notationStore(project.id(), storeId);
        if (existing.isEmpty() || !policies.deleteNotationStore(project.id(), storeId)) {
            throw ApiException.notFound("trust store " + storeId + " not found");
        }
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.DELETE,
                RESOURCE_TYPE,
                project.name() + "/trust-stores/" + existing.get().store().ref());
        return ResponseEntity.ok().build();
    }

    private Project permitted(HttpServletRequest request, String nameOrId, boolean isName, Action action) {
        return TrustPolicyController.permitted(guard, request, nameOrId, isName, action);
    }

    private static StoreView view(TrustStore.StoredNotationStore s) {
        List<CertificateView> certificates = new ArrayList<>();
        for (X509Certificate c : s.store().certificates()) {
            certificates.add(new CertificateView(
                    c.getSubjectX500Principal().getName(X500Principal.RFC2253),
                    c.getIssuerX500Principal().getName(X500Principal.RFC2253),
                    c.getNotBefore().toInstant(),
                    c.getNotAfter().toInstant(),
                    NotationTrustStore.thumbprint(c)));
        }
        return new StoreView(
                s.id(),
                s.store().type(),
                s.store().name(),
                s.store().ref(),
                certificates,
                s.store().pem(),
                s.created());
    }
}
