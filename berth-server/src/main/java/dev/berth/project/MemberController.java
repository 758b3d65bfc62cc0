package dev.berth.project;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectRole;
import dev.berth.iam.Resource;
import dev.berth.iam.UserAccount;
import dev.berth.iam.UserRecords;
import dev.berth.usergroup.UserGroup;
import dev.berth.usergroup.UserGroupRecords;
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
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v2.0/projects/{p}/members}: who holds which role in a project. Reading needs the
 * {@code member} read/list permission (every role but limited guest); writing needs project admin.
 * A member id is looked up only within the project of the path, so another project's member is a
 * 404 whatever the caller's rights elsewhere.
 */
@RestController
@RequestMapping("/api/v2.0/projects/{projectNameOrId}/members")
class MemberController {
    private static final String NAME_HEADER = "X-Is-Resource-Name";

    private final ProjectGuard guard;
    private final MemberRecords members;
    private final UserRecords users;
    private final UserGroupRecords groups;
    private final AuditLog audit;

    MemberController(
            ProjectGuard guard, MemberRecords members, UserRecords users, UserGroupRecords groups, AuditLog audit) {
        this.guard = guard;
        this.members = members;
        this.users = users;
        this.groups = groups;
        this.audit = audit;
    }

    @GetMapping
    ResponseEntity<List<Map<String, Object>>> list(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = NAME_HEADER, defaultValue = "false") boolean isName,
            ListQuery query,
            @RequestParam(name = "entityname", required = false) String entityName) {
        Project project = permitted(request, projectNameOrId, isName, Action.LIST);
        MemberRecords.Page page = members.list(project.id(), Optional.ofNullable(entityName), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.members().stream().map(MemberController::view).toList());
    }

    /**
     * Body: {@code {"role_id":n, "member_user":{"user_id"|"username"}}} or {@code "member_group":{"id"|
     * "ldap_group_dn"|"group_name"[,"group_type"]}}, looked up in Harbor's order: user id, group id,
     * username, LDAP DN, group name. Users and groups must exist: nothing is created here.
     */
    @PostMapping
    ResponseEntity<Void> create(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = NAME_HEADER, defaultValue = "false") boolean isName,
            @RequestBody Map<String, Object> body) {
        Project project = permitted(request, projectNameOrId, isName, Action.CREATE);
        ProjectRole role = role(body.get("role_id"));
        Map<?, ?> user = body.get("member_user") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> group = body.get("member_group") instanceof Map<?, ?> m ? m : Map.of();
        Entity entity = entity(user, group);
        long id = members.insert(project.id(), entity.type(), entity.id(), role.id());
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.CREATE,
                "member",
                project.name() + ":" + entity.name(),
                AuditLog.set("role", role.roleName()));
        return ResponseEntity.created(URI.create("/api/v2.0/projects/" + projectNameOrId + "/members/" + id))
                .build();
    }

    @GetMapping("/{mid}")
    Map<String, Object> get(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long mid,
            @RequestHeader(name = NAME_HEADER, defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        return view(members.find(project.id(), mid).orElseThrow(() -> notFound(mid)));
    }

    /** Body: {@code {"role_id":n}}; only the role of a member can change. */
    @PutMapping("/{mid}")
    ResponseEntity<Void> update(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long mid,
            @RequestHeader(name = NAME_HEADER, defaultValue = "false") boolean isName,
            @RequestBody Map<String, Object> body) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        ProjectRole role = role(body.get("role_id"));
        ProjectMember member = members.find(project.id(), mid).orElseThrow(() -> notFound(mid));
        if (!members.updateRole(project.id(), mid, role.id())) {
            throw notFound(mid);
        }
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.UPDATE,
                "member",
                project.name() + ":" + member.entityName(),
                AuditLog.change(
                        "role",
                        ProjectRole.byId(member.roleId())
                                .map(ProjectRole::roleName)
                                .orElse(String.valueOf(member.roleId())),
                        role.roleName()));
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/{mid}")
    ResponseEntity<Void> delete(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long mid,
            @RequestHeader(name = NAME_HEADER, defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.DELETE);
        ProjectMember member = members.find(project.id(), mid).orElseThrow(() -> notFound(mid));
        if (!members.delete(project.id(), mid)) {
            throw notFound(mid);
        }
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.DELETE,
                "member",
                project.name() + ":" + member.entityName());
        return ResponseEntity.ok().build();
    }

    private Project permitted(HttpServletRequest request, String nameOrId, boolean isName, Action action) {
        Principal caller = Callers.of(request);
        Project project = guard.readable(caller, nameOrId, isName);
        guard.require(caller, project, Resource.MEMBER, action);
        return project;
    }

    private record Entity(String type, long id, String name) {}

    private Entity entity(Map<?, ?> user, Map<?, ?> group) {
        if (positive(user.get("user_id")).isPresent()) {
            long id = positive(user.get("user_id")).get();
            return users.find(id)
                    .map(u -> new Entity("u", u.id(), u.username()))
                    .orElseThrow(() -> ApiException.notFound("user " + id + " not found"));
        }
        if (positive(group.get("id")).isPresent()) {
            long id = positive(group.get("id")).get();
            return groups.find(id)
                    .map(MemberController::entity)
                    .orElseThrow(() -> ApiException.notFound("user group " + id + " not found"));
        }
        if (user.get("username") instanceof String name && !name.isEmpty()) {
            UserAccount u = users.findByName(name).orElseThrow(() -> ApiException.notFound("user not found"));
            return new Entity("u", u.id(), u.username());
        }
        if (group.get("ldap_group_dn") instanceof String dn && !dn.isEmpty()) {
            return groups.findByLdapDn(dn)
                    .map(MemberController::entity)
                    .orElseThrow(() -> ApiException.notFound("user group not found"));
        }
        if (group.get("group_name") instanceof String name && !name.isEmpty()) {
            Optional<Integer> type =
                    group.get("group_type") instanceof Integer t && t != 0 ? Optional.of(t) : Optional.empty();
            List<UserGroup> found = groups.findByName(name, type);
            if (found.size() > 1) {
                throw ApiException.badRequest("several groups are named " + name + "; give group_type");
            }
            return found.stream()
                    .findFirst()
                    .map(MemberController::entity)
                    .orElseThrow(() -> ApiException.notFound("user group not found"));
        }
        throw ApiException.badRequest("at least one of member_user or member_group must be provided");
    }

    private static Entity entity(UserGroup g) {
        return new Entity("g", g.id(), g.groupName());
    }

    private static Optional<Long> positive(Object raw) {
        return raw instanceof Integer || raw instanceof Long
                ? Optional.of(((Number) raw).longValue()).filter(n -> n > 0)
                : Optional.empty();
    }

    private static ProjectRole role(Object raw) {
        return (raw instanceof Integer id ? ProjectRole.byId(id) : Optional.<ProjectRole>empty())
                .orElseThrow(
                        () -> ApiException.badRequest(
                                "role_id must be 1 (project admin), 2 (developer), 3 (guest), 4 (maintainer) or 5 (limited guest)"));
    }

    private static ApiException notFound(long mid) {
        return ApiException.notFound("project member " + mid + " not found");
    }

    static Map<String, Object> view(ProjectMember m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", m.id());
        v.put("project_id", m.projectId());
        v.put("entity_name", m.entityName());
        v.put(
                "role_name",
                ProjectRole.byId(m.roleId()).map(ProjectRole::roleName).orElse(""));
        v.put("role_id", m.roleId());
        v.put("entity_id", m.entityId());
        v.put("entity_type", m.entityType());
        return v;
    }
}
