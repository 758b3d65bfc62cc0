package dev.berth.user;

import dev.berth.api.ApiErrorCode;
import dev.berth.api.ApiException;
import dev.berth.audit.AuditLog;
import dev.berth.http.ClientAddress;
import dev.berth.iam.CredentialAuthenticator;
import dev.berth.iam.ExternalUrl;
import dev.berth.iam.Principal;
import dev.berth.iam.RobotRecords;
import dev.berth.iam.SessionCookies;
import dev.berth.iam.Sessions;
import dev.berth.iam.UserRecords;
import dev.berth.oidc.OidcUsers;
import dev.berth.system.SystemSettings;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The portal's sign-in and sign-out, as Harbor's: {@code POST /c/login} with the form fields
 * {@code principal} and {@code password} starts a database session (cookie {@code sid}, HttpOnly)
 * and hands out its CSRF token (cookie {@code __csrf}, readable by the portal's script, and header
 * {@code X-Harbor-CSRF-Token}), which every state-changing request of the session must echo in
 * that header. Signing in while the browser holds a live session is such a change too: without the
 * session's token it is refused with 403, so no other site can swap the browser's session for one
 * of its own. {@code GET /c/log_out} ends the session.
 */
@RestController
class LoginController {
    private static final Logger log = LoggerFactory.getLogger(LoginController.class);

    private final CredentialAuthenticator credentials;
    private final Sessions sessions;
    private final ExternalUrl externalUrl;
    private final UserRecords users;
    private final AuditLog audit;
    private final ClientAddress clientAddress;
    private final SystemSettings settings;
    private final OidcUsers oidcUsers;

    LoginController(
            CredentialAuthenticator credentials,
            Sessions sessions,
            ExternalUrl externalUrl,
            UserRecords users,
            AuditLog audit,
            ClientAddress clientAddress,
            SystemSettings settings,
            OidcUsers oidcUsers) {
        this.clientAddress = clientAddress;
        this.settings = settings;
        this.oidcUsers = oidcUsers;
        this.credentials = credentials;
        this.sessions = sessions;
        this.externalUrl = externalUrl;
        this.users = users;
        this.audit = audit;
    }

    @PostMapping(path = "/c/login", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<Void> login(
            HttpServletRequest request,
            HttpServletResponse response,
            @RequestParam(required = false) String principal,
            @RequestParam(required = false) String password) {
        if (principal == null || principal.isEmpty() || password == null || password.isEmpty()) {
            throw ApiException.unauthorized("invalid username or password");
        }
        // Robot accounts are for registry clients and the API, never the portal; their
        // credentials are not even checked here, so this endpoint tells nothing about them.
        if (principal.startsWith(RobotRecords.PREFIX)) {
            throw ApiException.unauthorized("invalid username or password");
        }
        if (!credentials.portalPasswordsAllowed(principal)) {
            // Harbor's oidc_auth: only the local admin signs in with a password; the others through
            // the provider (their CLI secret is for registry clients).
            throw ApiException.unauthorized("sign in through the OIDC provider");
        }
        Principal.User user = switch (credentials.authenticate(principal, password, clientAddress.of(request))) {
            case CredentialAuthenticator.Result.Success s when s.principal() instanceof Principal.User u -> u;
            case CredentialAuthenticator.Result.Throttled t -> {
                response.setHeader("Retry-After", String.valueOf(t.retryAfterSeconds()));
                throw new ApiException(ApiErrorCode.TOO_MANY_REQUEST, "too many failed logins; try again later");
            }
            case CredentialAuthenticator.Result.Unavailable u ->
                throw new ApiException(ApiErrorCode.SERVICE_UNAVAILABLE, u.reason());
            default -> throw ApiException.unauthorized("invalid username or password");
        };
        // A new id at every sign-in, so a session id planted before it is worth nothing after. A live
        // session is replaced only by a request carrying its CSRF token (AuthenticationFilter).
        sessionCookie(request).ifPresent(sessions::delete);
        Sessions.Session session = sessions.create(user.id());
        audit.record(user.name(), 0, AuditLog.Operation.LOGIN, "user", user.name());
        log.info("event=portal_login user={}", user.name());
        boolean secure = secure(request);
        return ResponseEntity.ok()
                .header(HttpHeaders.SET_COOKIE, cookie(Sessions.COOKIE, session.id(), true, secure, null))
                .header(HttpHeaders.SET_COOKIE, cookie(Sessions.CSRF_COOKIE, session.csrfToken(), false, secure, null))
                .header(Sessions.CSRF_HEADER, session.csrfToken())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    /** Where Harbor's portal must go to sign an OIDC user out. */
    record OidcRedirect(String redirect_location) {}

    /**
     * Ends the session of the cookie, if any, and clears both cookies; harmless without a session.
     * In {@code oidc_auth}, a user onboarded through the provider is answered as Harbor answers
     * them: 403 with {@code redirect_location} {@code <external URL>/c/oidc/logout}, where the
     * session ends (and, with {@code oidc_logout}, the provider's session too).
     */
    @GetMapping("/c/log_out")
    ResponseEntity<?> logout(HttpServletRequest request) {
        Optional<String> id = sessionCookie(request);
        Optional<Sessions.Session> session = id.flatMap(sessions::find);
        if (session.isPresent()
                && "oidc_auth".equals(settings.authMode())
                && oidcUsers.isOidcUser(session.get().userId())) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(new OidcRedirect(externalUrl.of(request) + "/c/oidc/logout"));
        }
        if (session.isPresent()) {
            sessions.delete(id.get());
            users.find(session.get().userId())
                    .ifPresent(u -> audit.record(u.username(), 0, AuditLog.Operation.LOGOUT, "user", u.username()));
        }
        boolean secure = secure(request);
        return ResponseEntity.ok()
                .header(HttpHeaders.SET_COOKIE, cookie(Sessions.COOKIE, "", true, secure, Duration.ZERO))
                .header(HttpHeaders.SET_COOKIE, cookie(Sessions.CSRF_COOKIE, "", false, secure, Duration.ZERO))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    /** The value of the request's session cookie, if it has one. */
    static Optional<String> sessionCookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie c : cookies) {
            if (Sessions.COOKIE.equals(c.getName()) && !c.getValue().isEmpty()) {
                return Optional.of(c.getValue());
            }
        }
        return Optional.empty();
    }

    private boolean secure(HttpServletRequest request) {
        return request.isSecure() || externalUrl.of(request).startsWith("https://");
    }

    private static String cookie(String name, String value, boolean httpOnly, boolean secure, Duration maxAge) {
        return SessionCookies.cookie(name, value, httpOnly, secure, maxAge);
    }
}
