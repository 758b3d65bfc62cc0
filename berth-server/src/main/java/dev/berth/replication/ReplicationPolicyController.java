package dev.berth.replication;

import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlPage;
import dev.berth.api.Term;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.ExternalUrl;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.remote.RegistryView;
import dev.berth.remote.RemoteRegistries;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's {@code /api/v2.0/replication/policies}: system administrators (and system robots granted
 * {@code replication-policy}) only, as in Harbor.
 */
@RestController
@RequestMapping("/api/v2.0/replication/policies")
class ReplicationPolicyController {
    private static final String AUDIT_TYPE = "replication_policy";

    private final ReplicationPolicies policies;
    private final RemoteRegistries registries;
    private final Authorizer authorizer;
    private final ExternalUrl externalUrl;
    private final AuditLog audit;

    ReplicationPolicyController(
            ReplicationPolicies policies,
            RemoteRegistries registries,
            Authorizer authorizer,
            ExternalUrl externalUrl,
            AuditLog audit) {
        this.policies = policies;
        this.registries = registries;
        this.authorizer = authorizer;
        this.externalUrl = externalUrl;
        this.audit = audit;
    }

    @GetMapping({"", "/"})
    ResponseEntity<List<PolicyView>> list(
            HttpServletRequest request, ListQuery query, @RequestParam(required = false) String name) {
        require(request, Action.LIST);
        if (name != null && !name.isEmpty()) {
            List<Term> terms = new ArrayList<>(query.terms());
            terms.add(new Term.Fuzzy("name", name)); // Harbor's deprecated ?name=
            query = new ListQuery(terms, query.sorts(), query.page(), query.pageSize());
        }
        SqlPage<ReplicationPolicy> page = policies.list(query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream().map(p -> view(request, p)).toList());
    }

    @PostMapping({"", "/"})
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody PolicyRequest body) {
        Principal caller = require(request, Action.CREATE);
        long id = policies.create(caller.name(), body);
        audit.record(
                caller.name(),
                0,
                AuditLog.Operation.CREATE,
                AUDIT_TYPE,
                body.name().trim());
        String path = request.getRequestURI();
        return ResponseEntity.created(URI.create((path.endsWith("/") ? path : path + "/") + id))
                .build();
    }

    @GetMapping("/{id:\\d+}")
    PolicyView get(HttpServletRequest request, @PathVariable long id) {
        require(request, Action.READ);
        return view(request, policies.get(id));
    }

    @PutMapping("/{id:\\d+}")
    ResponseEntity<Void> update(HttpServletRequest request, @PathVariable long id, @RequestBody PolicyRequest body) {
        Principal caller = require(request, Action.UPDATE);
        ReplicationPolicy before = policies.update(id, body);
        ReplicationPolicy after = policies.get(id);
        List<String> changes = new ArrayList<>();
        if (!before.name().equals(after.name())) {
            changes.add(AuditLog.change("name", before.name(), after.name()));
        }
        if (before.enabled() != after.enabled()) {
            changes.add(AuditLog.change("enabled", before.enabled(), after.enabled()));
        }
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, AUDIT_TYPE, after.name(), AuditLog.changes(changes));
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/{id:\\d+}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable long id) {
        Principal caller = require(request, Action.DELETE);
        ReplicationPolicy deleted = policies.delete(id);
        audit.record(caller.name(), 0, AuditLog.Operation.DELETE, AUDIT_TYPE, deleted.name());
        return ResponseEntity.ok().build();
    }

    private PolicyView view(HttpServletRequest request, ReplicationPolicy p) {
        return PolicyView.of(
                p,
                registry(request, p.srcRegistryId(), p.creationTime()),
                registry(request, p.destRegistryId(), p.creationTime()));
    }

    private RegistryView registry(HttpServletRequest request, long id, Instant since) {
        if (id == 0) {
            return RegistryView.local(externalUrl.of(request), since);
        }
        return registries.find(id).map(RegistryView::of).orElse(null);
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.REPLICATION_POLICY, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }
}
