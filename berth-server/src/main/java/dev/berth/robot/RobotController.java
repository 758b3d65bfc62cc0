package dev.berth.robot;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.iam.Principal;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** {@code /api/v2.0/robots}: Harbor's robot account API (v2). Secrets appear only on create and refresh. */
@RestController
@RequestMapping("/api/v2.0/robots")
class RobotController {
    private final RobotService robots;

    RobotController(RobotService robots) {
        this.robots = robots;
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> create(HttpServletRequest request, @RequestBody Map<String, Object> body) {
        Principal caller = Callers.authenticated(request);
        RobotService.Created created = robots.create(caller, RobotRequest.parse(body));
        RobotStore.Stored r = created.robot();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", r.id());
        view.put("name", r.loginName());
        view.put("secret", created.secret());
        view.put("creation_time", r.creationTime().toString());
        view.put("expires_at", r.expiresAt());
        return ResponseEntity.created(URI.create("/api/v2.0/robots/" + r.id()))
                .header("Cache-Control", "no-store")
                .body(view);
    }

    @GetMapping
    ResponseEntity<List<Map<String, Object>>> list(HttpServletRequest request, ListQuery query) {
        Principal caller = Callers.authenticated(request);
        RobotService.Page page = robots.list(caller, query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.robots().stream().map(RobotController::view).toList());
    }

    @GetMapping("/{robotId}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable long robotId) {
        return view(robots.get(Callers.authenticated(request), robotId));
    }

    @PutMapping("/{robotId}")
    ResponseEntity<Void> update(
            HttpServletRequest request, @PathVariable long robotId, @RequestBody Map<String, Object> body) {
        Principal caller = Callers.authenticated(request);
        robots.update(caller, robotId, RobotRequest.parse(body));
        return ResponseEntity.ok().build();
    }

    @PatchMapping("/{robotId}")
    ResponseEntity<Map<String, Object>> refreshSecret(
            HttpServletRequest request,
            @PathVariable long robotId,
            @RequestBody(required = false) Map<String, Object> body) {
        Principal caller = Callers.authenticated(request);
        Object chosen = body == null ? null : body.get("secret");
        if (chosen != null && !(chosen instanceof String)) {
            throw ApiException.badRequest("secret must be a string");
        }
        String secret = robots.refreshSecret(
                caller, robotId, Optional.ofNullable((String) chosen).filter(s -> !s.isEmpty()));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("secret", secret);
        return ResponseEntity.ok().header("Cache-Control", "no-store").body(view);
    }

    @DeleteMapping("/{robotId}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable long robotId) {
        robots.delete(Callers.authenticated(request), robotId);
        return ResponseEntity.ok().build();
    }

    /** Harbor's {@code Robot}, without any secret. */
    static Map<String, Object> view(RobotService.Account account) {
        RobotStore.Stored r = account.robot();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id());
        v.put("name", r.loginName());
        v.put("description", r.description());
        v.put("level", r.level());
        v.put("duration", r.duration());
        v.put("editable", true);
        v.put("disable", r.disabled());
        v.put("expires_at", r.expiresAt());
        v.put("permissions", permissions(account.grants()));
        v.put("creator_type", r.creatorType());
        v.put("creator_ref", parseRef(r.creatorRef()));
        v.put("creation_time", r.creationTime().toString());
        v.put("update_time", r.updateTime().toString());
        return v;
    }

    /** Grants grouped back into Harbor's {@code [{kind, namespace, access:[…]}]}. */
    private static List<Map<String, Object>> permissions(List<RobotStore.StoredGrant> grants) {
        Map<List<String>, List<Map<String, Object>>> grouped = new LinkedHashMap<>();
        for (RobotStore.StoredGrant g : grants) {
            Map<String, Object> access = new LinkedHashMap<>();
            access.put("resource", g.resource().wire());
            access.put("action", g.action().wire());
            access.put("effect", "allow");
            grouped.computeIfAbsent(List.of(g.kind(), g.namespace()), k -> new ArrayList<>())
                    .add(access);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        grouped.forEach((key, access) -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("kind", key.get(0));
            p.put("namespace", key.get(1));
            p.put("access", access);
            out.add(p);
        });
        return out;
    }

    private static long parseRef(String ref) {
        try {
            return Long.parseLong(ref);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
