package dev.berth.scan;

import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlPage;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's scanner registration API, {@code /api/v2.0/scanners}: system administrators only
 * (Harbor's system {@code scanner} resource), everyone else 401/403 before anything is looked up.
 */
@RestController
@RequestMapping("/api/v2.0/scanners")
class ScannerController {
    private final Scanners scanners;
    private final Authorizer authorizer;

    ScannerController(Scanners scanners, Authorizer authorizer) {
        this.scanners = scanners;
        this.authorizer = authorizer;
    }

    @GetMapping
    ResponseEntity<List<ScannerView>> list(HttpServletRequest request, ListQuery query) {
        require(request, Action.LIST);
        SqlPage<ScannerRegistration> page = scanners.list(query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream().map(this::view).toList());
    }

    @PostMapping
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody(required = false) ScannerRequest body) {
        require(request, Action.CREATE);
        String uuid = scanners.create(body);
        return ResponseEntity.created(URI.create("/api/v2.0/scanners/" + uuid)).build();
    }

    @PostMapping("/ping")
    ResponseEntity<Void> ping(HttpServletRequest request, @RequestBody(required = false) ScannerRequest body) {
        require(request, Action.READ);
        scanners.ping(body);
        return ResponseEntity.ok().build();
    }

    @GetMapping("/{uuid}")
    ScannerView get(HttpServletRequest request, @PathVariable String uuid) {
        require(request, Action.READ);
        return view(scanners.get(uuid));
    }

    /**
     * As Harbor lists a registration: with the adapter's capabilities when it answers. The built-in
     * scanner runs in process, so its identity and health are known without a call and shown too.
     */
    private ScannerView view(ScannerRegistration r) {
        Optional<AdapterMetadata> metadata = scanners.cachedMetadata(r);
        return BuiltinRegistration.is(r)
                ? ScannerView.of(r).withHealth(metadata)
                : ScannerView.of(r).withCapabilities(metadata);
    }

    @PutMapping("/{uuid}")
    ResponseEntity<Void> update(
            HttpServletRequest request, @PathVariable String uuid, @RequestBody(required = false) ScannerRequest body) {
        require(request, Action.UPDATE);
        scanners.update(uuid, body);
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/{uuid}")
    ScannerView delete(HttpServletRequest request, @PathVariable String uuid) {
        require(request, Action.DELETE);
        return ScannerView.of(scanners.delete(uuid));
    }

    /** Harbor's "set as default": {@code {"is_default": true}}. */
    @PatchMapping("/{uuid}")
    ResponseEntity<Void> setDefault(
            HttpServletRequest request, @PathVariable String uuid, @RequestBody(required = false) IsDefault body) {
        require(request, Action.UPDATE);
        scanners.setDefault(uuid, body != null && Boolean.TRUE.equals(body.isDefault()));
        return ResponseEntity.ok().build();
    }

    @GetMapping("/{uuid}/metadata")
    AdapterMetadata metadata(HttpServletRequest request, @PathVariable String uuid) {
        require(request, Action.READ);
        return scanners.metadata(scanners.get(uuid));
    }

    record IsDefault(Boolean isDefault) {}

    private void require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.SCANNER, action)) {
            throw Callers.denied(caller);
        }
    }
}
