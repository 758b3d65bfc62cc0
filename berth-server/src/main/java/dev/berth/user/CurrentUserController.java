package dev.berth.user;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.iam.Principal;
import dev.berth.iam.UserRecords;
import dev.berth.oidc.OidcUsers;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v2.0/users/current}, {@code /users/current/permissions} and {@code /users/search}. */
@RestController
@RequestMapping("/api/v2.0/users")
class CurrentUserController {
    private final UserRecords users;
    private final Permissions permissions;

    private final OidcUsers oidcUsers;

    CurrentUserController(UserRecords users, Permissions permissions, OidcUsers oidcUsers) {
        this.oidcUsers = oidcUsers;
        this.users = users;
        this.permissions = permissions;
    }

    /** The caller's own profile; 412 for a robot account, which has none (as in Harbor). */
    @GetMapping("/current")
    UserView current(HttpServletRequest request) {
        Principal caller = Callers.authenticated(request);
        if (!(caller instanceof Principal.User user)) {
            // Harbor names the kind of security context; a robot's is "robot".
            throw ApiException.preconditionFailed("get current user not available for security context: robot");
        }
        // An administrator by the directory's group, not by their own flag: Harbor's admin_role_in_auth.
        UserView view = users.find(user.id())
                .map(a -> UserView.of(a, user.sysadmin() && !a.sysadmin()))
                .orElseThrow(() -> ApiException.unauthorized("authentication required"));
        // Harbor shows an OIDC user their own CLI secret here (the profile page reads it).
        return oidcUsers
                .meta(user.id())
                .map(m -> view.withOidc(UserView.OidcUserMeta.of(m, true)))
                .orElse(view);
    }

    @GetMapping("/current/permissions")
    List<Permissions.Permission> currentPermissions(
            HttpServletRequest request,
            @RequestParam(defaultValue = "") String scope,
            @RequestParam(defaultValue = "false") boolean relative) {
        Principal caller = Callers.authenticated(request);
        return permissions.of(caller, scope, relative);
    }

    /**
     * Users whose name contains {@code username}, for member pickers: ids and names only, and only
     * for signed-in callers, so nobody can enumerate accounts anonymously.
     */
    @GetMapping("/search")
    ResponseEntity<List<UserView.SearchItem>> search(
            HttpServletRequest request,
            @RequestParam(required = false) String username,
            @RequestParam(name = "page", required = false) String page,
            @RequestParam(name = "page_size", required = false) String pageSize) {
        Callers.authenticated(request);
        if (username == null || username.isEmpty()) {
            throw ApiException.badRequest("username is required");
        }
        ListQuery query = ListQuery.parse(
                Optional.empty(), Optional.empty(), Optional.ofNullable(page), Optional.ofNullable(pageSize));
        long total = users.countNameContaining(username);
        List<UserView.SearchItem> items = total == 0
                ? List.of()
                : users.nameContaining(username, query.pageSize(), query.offset()).stream()
                        .map(UserView.SearchItem::of)
                        .toList();
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, total))
                .body(items);
    }
}
