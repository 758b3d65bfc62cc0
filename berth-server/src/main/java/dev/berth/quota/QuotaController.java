package dev.berth.quota;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlFilter;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's quota API, for system administrators (and system robots granted {@code quota}): list,
 * read, and set a project's storage limit ({@code hard.storage}, bytes, {@code -1} for none).
 */
@RestController
class QuotaController {
    private final QuotaRecords quotas;
    private final Authorizer authorizer;
    private final AuditLog audit;

    QuotaController(QuotaRecords quotas, Authorizer authorizer, AuditLog audit) {
        this.quotas = quotas;
        this.authorizer = authorizer;
        this.audit = audit;
    }

    @GetMapping("/api/v2.0/quotas")
    ResponseEntity<List<Map<String, Object>>> list(
            HttpServletRequest request,
            ListQuery query,
            @RequestParam(required = false) String reference,
            @RequestParam(name = "reference_id", required = false) String referenceId) {
        require(request, Action.LIST);
        SqlFilter filter = query.toSql(QuotaRecords.FIELDS);
        Optional<Long> project = Optional.empty();
        boolean none = reference != null && !reference.isEmpty() && !reference.equals("project");
        if (referenceId != null && !referenceId.isEmpty()) {
            try {
                project = Optional.of(Long.parseLong(referenceId));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("reference_id must be a number");
            }
        }
        if (none) {
            // Projects are the only kind of quota reference.
            return ResponseEntity.ok()
                    .headers(Paging.headers(request, query, 0))
                    .body(List.of());
        }
        long total = quotas.count(project, filter);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, total))
                .body(quotas.page(project, filter).stream()
                        .map(QuotaController::view)
                        .toList());
    }

    @GetMapping("/api/v2.0/quotas/{id}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable String id) {
        require(request, Action.READ);
        return view(find(id));
    }

    @PutMapping("/api/v2.0/quotas/{id}")
    void update(
            HttpServletRequest request,
            @PathVariable String id,
            @RequestBody(required = false) Map<String, Object> body) {
        Principal caller = require(request, Action.UPDATE);
        QuotaRecords.Quota quota = find(id);
        // Only hard.storage is read from the body: nothing else of a quota is writable.
        if (body == null
                || !(body.get("hard") instanceof Map<?, ?> hard)
                || !(hard.get("storage") instanceof Number n)
                || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw ApiException.badRequest("hard.storage is required: -1 or a positive number of bytes");
        }
        long storage = n.longValue();
        if (storage != -1 && storage <= 0) {
            throw ApiException.badRequest("hard.storage must be -1 or a positive number of bytes");
        }
        quotas.setHard(quota.id(), storage);
        audit.record(
                caller.name(),
                quota.id(),
                AuditLog.Operation.UPDATE,
                "quota",
                quota.projectName(),
                AuditLog.change("storage_limit", quota.hard(), storage));
    }

    private QuotaRecords.Quota find(String id) {
        long key;
        try {
            key = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("quota id must be a number");
        }
        return quotas.find(key).orElseThrow(() -> ApiException.notFound("quota " + id + " not found"));
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.authenticated(request);
        if (!authorizer.allowedSystem(caller, Resource.QUOTA, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }

    static Map<String, Object> view(QuotaRecords.Quota q) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("id", q.id());
        ref.put("name", q.projectName());
        ref.put("owner_name", q.ownerName() == null ? "" : q.ownerName());
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", q.id());
        v.put("ref", ref);
        v.put("hard", Map.of("storage", q.hard()));
        v.put("used", Map.of("storage", q.used()));
        v.put("creation_time", q.created().toString());
        v.put("update_time", q.updated().toString());
        return v;
    }
}
