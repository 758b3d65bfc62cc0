package dev.berth.user;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.berth.api.ApiErrorCode;
import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.http.ClientAddress;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.CredentialAuthenticator;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.iam.UserAccount;
import dev.berth.iam.UserRecords;
import dev.berth.system.SystemSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Optional;
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
 * {@code /api/v2.0/users}: Harbor's user API. Administrators manage everyone; a user may read and
 * update their own profile and password; anyone may register when self-registration is on.
 */
@RestController
@RequestMapping("/api/v2.0/users")
class UserController {
    /** What {@code q} and {@code sort} may name; never the password hash. */
    static final QueryFields USER_FIELDS = QueryFields.builder()
            .field("user_id", "u.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("username", "u.username", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("email", "u.email", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("realname", "u.realname", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("creation_time", "u.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("username")
            .tieBreaker("u.id")
            .build();

    private final UserService service;
    private final UserRecords users;
    private final Authorizer authorizer;
    private final CredentialAuthenticator credentials;
    private final SystemSettings settings;

    private final ClientAddress clientAddress;

    UserController(
            UserService service,
            UserRecords users,
            Authorizer authorizer,
            CredentialAuthenticator credentials,
            SystemSettings settings,
            ClientAddress clientAddress) {
        this.clientAddress = clientAddress;
        this.service = service;
        this.users = users;
        this.authorizer = authorizer;
        this.credentials = credentials;
        this.settings = settings;
    }

    /** Harbor's {@code UserCreationReq}; any other field, an administrator flag included, is ignored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateRequest(String username, String email, String realname, String comment, String password) {}

    /** Harbor's {@code UserProfile}: the only fields a profile update may touch. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ProfileRequest(String email, String realname, String comment) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PasswordRequest(String oldPassword, String newPassword) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SysadminRequest(Boolean sysadminFlag) {}

    @PostMapping
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody CreateRequest body) {
        Principal caller = Callers.of(request);
        boolean byAdministrator = authorizer.allowedSystem(caller, Resource.USER, Action.CREATE);
        if (credentials.directoryActive()) {
            // Harbor's rule: with a directory, accounts come from it (first login or /ldap/users/import).
            if (!caller.isAuthenticated()) {
                throw Callers.denied(caller);
            }
            throw ApiException.forbidden("local users cannot be created when auth_mode is not db_auth");
        }
        if (!byAdministrator) {
            // Self-registration is for people without an account; a signed-in user cannot create others.
            if (caller.isAuthenticated() || !settings.selfRegistration()) {
                throw Callers.denied(caller);
            }
        }
        UserAccount created = service.create(
                new UserService.NewUser(
                        body.username(), body.email(), body.realname(), body.comment(), body.password()),
                byAdministrator ? caller.name() : body.username());
        return ResponseEntity.created(URI.create("/api/v2.0/users/" + created.id()))
                .build();
    }

    @GetMapping
    ResponseEntity<List<UserView>> list(HttpServletRequest request) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.USER, Action.LIST)) {
            throw Callers.denied(caller);
        }
        ListQuery query = ListQuery.from(request);
        SqlFilter filter = query.toSql(USER_FIELDS);
        long total = users.count(filter.where(), filter.params());
        List<UserView> page = total == 0
                ? List.of()
                : users.list(filter.where(), filter.params(), filter.orderBy(), filter.limitOffset()).stream()
                        .map(UserView::of)
                        .toList();
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, total))
                .body(page);
    }

    @GetMapping("/{userId}")
    UserView get(HttpServletRequest request, @PathVariable long userId) {
        requireSelfOr(request, userId, Action.READ);
        return UserView.of(existing(userId));
    }

    @PutMapping("/{userId}")
    ResponseEntity<Void> updateProfile(
            HttpServletRequest request, @PathVariable long userId, @RequestBody ProfileRequest body) {
        Principal caller = requireSelfOr(request, userId, Action.UPDATE);
        service.updateProfile(
                existing(userId),
                new UserService.ProfileChange(body.email(), body.realname(), body.comment()),
                caller.name());
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/{userId}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable long userId) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.USER, Action.DELETE)) {
            throw Callers.denied(caller);
        }
        if (isSelf(caller, userId)) {
            throw ApiException.forbidden("you cannot delete your own account");
        }
        service.delete(existing(userId), caller.name());
        return ResponseEntity.ok().build();
    }

    /**
     * A user changing their own password proves the current one (throttled like a login); an
     * administrator may set another user's password without it.
     */
    @PutMapping("/{userId}/password")
    ResponseEntity<Void> changePassword(
            HttpServletRequest request, @PathVariable long userId, @RequestBody PasswordRequest body) {
        Principal caller = requireSelfOr(request, userId, Action.UPDATE);
        UserAccount user = existing(userId);
        if (credentials.directoryActive() && !user.username().equals(CredentialAuthenticator.LOCAL_ADMIN)) {
            // The directory holds the password; a local one would never be asked.
            throw ApiException.forbidden("the password of a directory user is changed in the directory, not in Berth");
        }
        Optional<String> keptSession = Optional.empty();
        if (isSelf(caller, userId)) {
            String old = body.oldPassword();
            if (old == null || old.isEmpty()) {
                throw ApiException.badRequest("old_password is required to change your own password");
            }
            switch (credentials.authenticate(user.username(), old, clientAddress.of(request))) {
                case CredentialAuthenticator.Result.Success s -> {}
                case CredentialAuthenticator.Result.Throttled t ->
                    throw new ApiException(ApiErrorCode.TOO_MANY_REQUEST, "too many failed attempts; try again later");
                case CredentialAuthenticator.Result.Failure f ->
                    throw ApiException.forbidden("the current password is incorrect");
                case CredentialAuthenticator.Result.Unavailable u ->
                    throw new ApiException(ApiErrorCode.SERVICE_UNAVAILABLE, u.reason());
            }
            keptSession = LoginController.sessionCookie(request);
        }
        service.changePassword(user, body.newPassword(), keptSession, caller.name());
        return ResponseEntity.ok().build();
    }

    @PutMapping("/{userId}/sysadmin")
    ResponseEntity<Void> setSysadmin(
            HttpServletRequest request, @PathVariable long userId, @RequestBody SysadminRequest body) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.USER, Action.UPDATE)) {
            throw Callers.denied(caller);
        }
        if (body.sysadminFlag() == null) {
            throw ApiException.badRequest("sysadmin_flag (true or false) is required");
        }
        service.setSysadmin(existing(userId), body.sysadminFlag(), caller.name());
        return ResponseEntity.ok().build();
    }

    /** The user themself, or whoever holds the system permission; 401/403 otherwise, before any lookup. */
    private Principal requireSelfOr(HttpServletRequest request, long userId, Action action) {
        Principal caller = Callers.authenticated(request);
        if (!isSelf(caller, userId) && !authorizer.allowedSystem(caller, Resource.USER, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }

    private UserAccount existing(long userId) {
        return service.find(userId).orElseThrow(() -> ApiException.notFound("user " + userId + " not found"));
    }

    private static boolean isSelf(Principal caller, long userId) {
        return caller instanceof Principal.User u && u.id() == userId;
    }
}
