package dev.berth.usergroup;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code /api/v2.0/usergroups}: Harbor's user groups, for system administrators (and robots granted
 * {@code user-group} at system level). With local accounts ({@code db_auth}) nothing tells Berth which
 * users belong to a group, so a group membership grants nothing until an identity provider that
 * reports groups is configured.
 */
@RestController
@RequestMapping("/api/v2.0/usergroups")
class UserGroupController {
    private static final int MAX_NAME = 255;

    private final UserGroupRecords groups;
    private final Authorizer authorizer;
    private final AuditLog audit;

    UserGroupController(UserGroupRecords groups, Authorizer authorizer, AuditLog audit) {
        this.groups = groups;
        this.authorizer = authorizer;
        this.audit = audit;
    }

    @GetMapping
    ResponseEntity<List<Map<String, Object>>> list(
            HttpServletRequest request,
            ListQuery query,
            @RequestParam(name = "group_name", required = false) String groupName,
            @RequestParam(name = "ldap_group_dn", required = false) String ldapGroupDn) {
        require(request, Action.LIST);
        UserGroupRecords.Page page =
                groups.list(Optional.ofNullable(groupName), Optional.ofNullable(ldapGroupDn), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.groups().stream().map(UserGroupController::view).toList());
    }

    /**
     * Harbor's {@code /usergroups/search}: groups whose name contains {@code groupname}, for adding
     * group members: id, name and type only, never the LDAP DN. Harbor answers any signed-in
     * caller; here only those who may add group members somewhere (system administrators, and users
     * who administer a project), so that a guest cannot enumerate the directory's groups.
     */
    @GetMapping("/search")
    ResponseEntity<List<Map<String, Object>>> search(
            HttpServletRequest request,
            @RequestParam(required = false) String groupname,
            @RequestParam(name = "page", required = false) String page,
            @RequestParam(name = "page_size", required = false) String pageSize) {
        Principal caller = Callers.authenticated(request);
        boolean allowed = authorizer.allowedSystem(caller, Resource.USER_GROUP, Action.LIST)
                || (caller instanceof Principal.User user && groups.administersAProject(user.id()));
        if (!allowed) {
            throw Callers.denied(caller);
        }
        if (groupname == null || groupname.isEmpty()) {
            throw ApiException.badRequest("groupname is required");
        }
        ListQuery query = ListQuery.parse(
                Optional.empty(), Optional.empty(), Optional.ofNullable(page), Optional.ofNullable(pageSize));
        UserGroupRecords.Page found = groups.list(Optional.of(groupname), Optional.empty(), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, found.total()))
                .body(found.groups().stream()
                        .map(g -> {
                            Map<String, Object> item = new LinkedHashMap<>();
                            item.put("id", g.id());
                            item.put("group_name", g.groupName());
                            item.put("group_type", g.groupType());
                            return item;
                        })
                        .toList());
    }

    @PostMapping
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody Map<String, Object> body) {
        Principal caller = require(request, Action.CREATE);
        String name = name(body.get("group_name"));
        if (!(body.get("group_type") instanceof Integer type) || !UserGroup.isValidType(type)) {
            throw ApiException.badRequest("group_type must be 1 (LDAP), 2 (HTTP) or 3 (OIDC)");
        }
        String dn = body.get("ldap_group_dn") instanceof String s ? s.trim() : "";
        if (type == UserGroup.LDAP && dn.isEmpty()) {
            throw ApiException.badRequest("ldap_group_dn is required for an LDAP group");
        }
        if (type != UserGroup.LDAP) {
            dn = "";
        }
        if (dn.length() > 1024) {
            throw ApiException.badRequest("ldap_group_dn is too long");
        }
        long id = groups.insert(name, type, dn);
        audit.record(caller.name(), 0, AuditLog.Operation.CREATE, "user_group", name);
        return ResponseEntity.created(URI.create("/api/v2.0/usergroups/" + id)).build();
    }

    @GetMapping("/{groupId}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable long groupId) {
        require(request, Action.READ);
        return groups.find(groupId).map(UserGroupController::view).orElseThrow(() -> notFound(groupId));
    }

    /** Only the name can change; type and DN identify the group at its provider. */
    @PutMapping("/{groupId}")
    ResponseEntity<Void> update(
            HttpServletRequest request, @PathVariable long groupId, @RequestBody Map<String, Object> body) {
        Principal caller = require(request, Action.UPDATE);
        String name = name(body.get("group_name"));
        if (!groups.rename(groupId, name)) {
            throw notFound(groupId);
        }
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, "user_group", name);
        return ResponseEntity.ok().build();
    }

    /** Deletes the group and its project memberships. */
    @DeleteMapping("/{groupId}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable long groupId) {
        Principal caller = require(request, Action.DELETE);
        UserGroup group = groups.find(groupId).orElseThrow(() -> notFound(groupId));
        if (!groups.delete(groupId)) {
            throw notFound(groupId);
        }
        audit.record(caller.name(), 0, AuditLog.Operation.DELETE, "user_group", group.groupName());
        return ResponseEntity.ok().build();
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.USER_GROUP, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }

    private static String name(Object raw) {
        if (!(raw instanceof String s) || s.isBlank()) {
            throw ApiException.badRequest("group_name is required");
        }
        if (s.length() > MAX_NAME) {
            throw ApiException.badRequest("group_name is longer than " + MAX_NAME + " characters");
        }
        return s.trim();
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("user group " + id + " not found");
    }

    static Map<String, Object> view(UserGroup g) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", g.id());
        v.put("group_name", g.groupName());
        v.put("group_type", g.groupType());
        v.put("ldap_group_dn", g.ldapGroupDn());
        return v;
    }
}
