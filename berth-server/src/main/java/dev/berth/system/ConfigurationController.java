package dev.berth.system;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2.0/configurations}, for system administrators: GET answers Harbor's
 * {@code {"item": {"value": …, "editable": …}}}, PUT takes {@code {"item": value, …}} and applies
 * all items or none.
 */
@RestController
@RequestMapping("/api/v2.0/configurations")
class ConfigurationController {
    private final ConfigurationItems items;
    private final SystemSettings settings;
    private final Authorizer authorizer;
    private final AuditLog audit;
    private final TransactionTemplate tx;

    ConfigurationController(
            ConfigurationItems items,
            SystemSettings settings,
            Authorizer authorizer,
            AuditLog audit,
            TransactionTemplate tx) {
        this.items = items;
        this.settings = settings;
        this.authorizer = authorizer;
        this.audit = audit;
        this.tx = tx;
    }

    record Item(Object value, boolean editable) {}

    @GetMapping
    Map<String, Item> get(HttpServletRequest request) {
        require(request, Action.READ);
        Map<String, Item> result = new LinkedHashMap<>();
        items.current().forEach((name, value) -> result.put(name, new Item(value, items.editable(name))));
        return result;
    }

    @PutMapping
    ResponseEntity<Void> update(HttpServletRequest request, @RequestBody JsonNode body) {
        Principal caller = require(request, Action.UPDATE);
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object of configuration items");
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        // Everything is checked before anything is written.
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (e.getValue() == null || e.getValue().isNull()) {
                // An item sent as null is not being set, as Harbor reads its pointer fields.
                continue;
            }
            Object value = items.validate(e.getKey(), e.getValue());
            if (value != null) {
                changes.put(e.getKey(), value);
            }
        }
        items.validateTogether(changes);
        Map<String, Object> current = items.current();
        tx.executeWithoutResult(status -> changes.forEach(settings::set));
        // The old and new values of a setting are recorded; of an item that may hold a secret, the
        // name only (no editable item is one today; Harbor's are held fixed and never stored).
        changes.forEach((name, value) -> audit.record(
                caller.name(),
                0,
                AuditLog.Operation.UPDATE,
                "configuration",
                name,
                Objects.equals(current.get(name), value) || mayBeSecret(name)
                        ? null
                        : AuditLog.change(name, current.get(name), value)));
        return ResponseEntity.ok().build();
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.CONFIGURATION, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }

    private static boolean mayBeSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret");
    }
}
