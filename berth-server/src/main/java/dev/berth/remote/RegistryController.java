package dev.berth.remote;

import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlPage;
import dev.berth.api.Term;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * Harbor's registry endpoint API: {@code /registries} (list, create, get, update, delete, ping,
 * info) and the adapters ({@code /replication/adapters}, {@code /replication/adapterinfos}). System
 * administrators only (and system robots granted {@code registry} or {@code replication-adapter}),
 * as in Harbor. Credentials are never in a response, a log line or an audit entry.
 */
@RestController
@RequestMapping("/api/v2.0")
class RegistryController {
    private static final String AUDIT_TYPE = "registry";

    private final RemoteRegistries registries;
    private final RegistryAdapters adapters;
    private final Authorizer authorizer;
    private final AuditLog audit;

    RegistryController(RemoteRegistries registries, RegistryAdapters adapters, Authorizer authorizer, AuditLog audit) {
        this.registries = registries;
        this.adapters = adapters;
        this.authorizer = authorizer;
        this.audit = audit;
    }

    @GetMapping({"/registries", "/registries/"})
    ResponseEntity<List<RegistryView>> list(
            HttpServletRequest request, ListQuery query, @RequestParam(required = false) String name) {
        require(request, Resource.REGISTRY, Action.LIST);
        if (name != null && !name.isEmpty()) {
            List<Term> terms = new ArrayList<>(query.terms());
            terms.add(new Term.Fuzzy("name", name)); // Harbor's deprecated ?name=, a fuzzy match
            query = new ListQuery(terms, query.sorts(), query.page(), query.pageSize());
        }
        SqlPage<RemoteRegistry> page = registries.list(query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream().map(RegistryView::of).toList());
    }

    @PostMapping({"/registries", "/registries/"})
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody RegistryRequests.Create body) {
        Principal caller = require(request, Resource.REGISTRY, Action.CREATE);
        RemoteRegistry created = registries.create(body);
        audit.record(
                caller.name(),
                0,
                AuditLog.Operation.CREATE,
                AUDIT_TYPE,
                created.name(),
                AuditLog.changes(List.of(AuditLog.set("type", created.type()), AuditLog.set("url", created.url()))));
        String path = request.getRequestURI();
        return ResponseEntity.created(URI.create((path.endsWith("/") ? path : path + "/") + created.id()))
                .build();
    }

    @PostMapping("/registries/ping")
    ResponseEntity<Void> ping(HttpServletRequest request, @RequestBody(required = false) RegistryRequests.Ping body) {
        require(request, Resource.REGISTRY, Action.READ);
        registries.ping(body == null ? new RegistryRequests.Ping(null, null, null, null, null, null, null) : body);
        return ResponseEntity.ok().build();
    }

    @GetMapping("/registries/{id:\\d+}")
    RegistryView get(HttpServletRequest request, @PathVariable long id) {
        require(request, Resource.REGISTRY, Action.READ);
        return RegistryView.of(registries.get(id));
    }

    @PutMapping("/registries/{id:\\d+}")
    ResponseEntity<Void> update(
            HttpServletRequest request, @PathVariable long id, @RequestBody RegistryRequests.Update body) {
        Principal caller = require(request, Resource.REGISTRY, Action.UPDATE);
        RemoteRegistry[] change = registries.update(id, body);
        RemoteRegistry before = change[0];
        RemoteRegistry after = change[1];
        List<String> changes = new ArrayList<>();
        diff(changes, "name", before.name(), after.name());
        diff(changes, "url", before.url(), after.url());
        diff(changes, "insecure", before.insecure(), after.insecure());
        if (!before.credential().equals(after.credential())) {
            changes.add("credential: changed"); // never the values
        }
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, AUDIT_TYPE, after.name(), AuditLog.changes(changes));
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/registries/{id:\\d+}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable long id) {
        Principal caller = require(request, Resource.REGISTRY, Action.DELETE);
        RemoteRegistry deleted = registries.delete(id);
        audit.record(caller.name(), 0, AuditLog.Operation.DELETE, AUDIT_TYPE, deleted.name());
        return ResponseEntity.ok().build();
    }

    @GetMapping("/registries/{id:\\d+}/info")
    RegistryInfo info(HttpServletRequest request, @PathVariable long id) {
        require(request, Resource.REGISTRY, Action.READ);
        return registries.info(id);
    }

    @GetMapping("/replication/adapters")
    List<String> adapters(HttpServletRequest request) {
        require(request, Resource.REPLICATION_ADAPTER, Action.LIST);
        return adapters.types();
    }

    @GetMapping("/replication/adapterinfos")
    Map<String, AdapterPattern> adapterInfos(HttpServletRequest request) {
        require(request, Resource.REPLICATION_ADAPTER, Action.LIST);
        return adapters.patterns();
    }

    private Principal require(HttpServletRequest request, Resource resource, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, resource, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }

    private static void diff(List<String> changes, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.add(AuditLog.change(field, before, after));
        }
    }
}
