package dev.berth.preheat;

import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlPage;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's preheat provider administration, {@code /api/v2.0/p2p/preheat/…}: the drivers, the
 * instances (by name) and a health ping. System administrators only (Harbor's {@code
 * preheat-instance} resource, which system robots may also be granted). {@code auth_info} is never
 * returned and never written to the audit log.
 */
@RestController
@RequestMapping("/api/v2.0/p2p/preheat")
class InstanceController {
    private static final String RESOURCE_TYPE = "preheat_instance";

    private final Instances instances;
    private final Providers providers;
    private final Authorizer authorizer;
    private final AuditLog audit;

    InstanceController(Instances instances, Providers providers, Authorizer authorizer, AuditLog audit) {
        this.instances = instances;
        this.providers = providers;
        this.authorizer = authorizer;
        this.audit = audit;
    }

    @GetMapping("/providers")
    List<ProviderMetadata> providers(HttpServletRequest request) {
        require(request, Action.LIST);
        return providers.metadata();
    }

    @GetMapping("/instances")
    ResponseEntity<List<InstanceView>> list(HttpServletRequest request, ListQuery query) {
        require(request, Action.LIST);
        SqlPage<ProviderInstance> page = instances.list(query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream().map(InstanceView::of).toList());
    }

    @PostMapping("/instances")
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody InstanceRequest body) {
        Principal caller = require(request, Action.CREATE);
        ProviderInstance created = instances.create(body);
        audit.record(caller.name(), 0, AuditLog.Operation.CREATE, RESOURCE_TYPE, created.name());
        String path = request.getRequestURI();
        return ResponseEntity.created(URI.create((path.endsWith("/") ? path : path + "/") + created.name()))
                .build();
    }

    @GetMapping("/instances/{name}")
    InstanceView get(HttpServletRequest request, @PathVariable String name) {
        require(request, Action.READ);
        return InstanceView.of(instances.byName(name));
    }

    @PutMapping("/instances/{name}")
    ResponseEntity<Void> update(
            HttpServletRequest request, @PathVariable String name, @RequestBody InstanceRequest body) {
        Principal caller = require(request, Action.UPDATE);
        instances.update(name, body);
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, RESOURCE_TYPE, name);
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/instances/{name}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable String name) {
        Principal caller = require(request, Action.DELETE);
        instances.delete(name);
        audit.record(caller.name(), 0, AuditLog.Operation.DELETE, RESOURCE_TYPE, name);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/instances/ping")
    ResponseEntity<Void> ping(HttpServletRequest request, @RequestBody InstanceRequest body) {
        require(request, Action.READ);
        instances.ping(body);
        return ResponseEntity.ok().build();
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.PREHEAT_INSTANCE, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }
}
