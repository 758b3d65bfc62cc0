package dev.berth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.berth.api.ApiErrorCode;
import dev.berth.api.ApiException;
import dev.berth.audit.AuditLog;
import dev.berth.crypto.SecretBox;
import dev.berth.crypto.SecretUnreadableException;
import dev.berth.iam.ExternalUrl;
import dev.berth.iam.PasswordRules;
import dev.berth.iam.Principal;
import dev.berth.iam.RobotRecords;
import dev.berth.iam.SessionCookies;
import dev.berth.iam.Sessions;
import dev.berth.iam.UserAccount;
import dev.berth.iam.UserRecords;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's sign-in through the OIDC provider: {@code GET /c/oidc/login} starts an authorization-code
 * flow (state, nonce, PKCE S256) and redirects the browser to the provider; {@code GET
 * /c/oidc/callback} checks the state, exchanges the code, verifies the ID token and signs the user
 * in (a session as {@code /c/login} makes), onboarding them at once with {@code oidc_auto_onboard}
 * or else sending the browser to the portal's {@code /oidc-onboard} page, whose {@code POST
 * /c/oidc/onboard} names the new user. The flow is kept server-side, found by an HttpOnly cookie;
 * every path but {@code /c/oidc/logout} answers 412 unless {@code auth_mode} is {@code oidc_auth},
 * as Harbor's do. {@code GET /c/oidc/logout} signs out (at the provider too with {@code oidc_logout}).
 */
@RestController
class OidcController {
    private static final Logger log = LoggerFactory.getLogger(OidcController.class);
    static final String FLOW_COOKIE = "oidc_flow";

    private final OidcSettings settings;
    private final OidcProvider provider;
    private final OidcFlows flows;
    private final OidcLogin login;
    private final Sessions sessions;
    private final ExternalUrl externalUrl;
    private final AuditLog audit;
    private final SecretBox box;
    private final JsonMapper json;
    private final UserRecords users;

    OidcController(
            OidcSettings settings,
            OidcProvider provider,
            OidcFlows flows,
            OidcLogin login,
            Sessions sessions,
            ExternalUrl externalUrl,
            AuditLog audit,
            SecretBox box,
            JsonMapper json,
            UserRecords users) {
        this.users = users;
        this.settings = settings;
        this.provider = provider;
        this.flows = flows;
        this.login = login;
        this.sessions = sessions;
        this.externalUrl = externalUrl;
        this.audit = audit;
        this.box = box;
        this.json = json;
    }

    @GetMapping("/c/oidc/login")
    ResponseEntity<Void> redirectLogin(
            HttpServletRequest request, @RequestParam(name = "redirect_url", required = false) String redirectUrl) {
        requireOidc();
        String target = redirectUrl == null ? "" : redirectUrl;
        if (!isLocalPath(target)) {
            throw ApiException.badRequest("cannot redirect to other site");
        }
        OidcConfig config = settings.current();
        if (!config.configured()) {
            throw ApiException.preconditionFailed("the OIDC provider is not configured");
        }
        String verifier = PasswordRules.generate(64);
        OidcFlows.Flow flow = new OidcFlows.Flow(
                PasswordRules.generate(40),
                PasswordRules.generate(32),
                PasswordRules.generate(32),
                verifier,
                target,
                null);
        URI to;
        try {
            to = provider.authorizationUrl(
                    config, redirectUri(request), flow.state(), flow.nonce(), challenge(verifier));
        } catch (OidcException e) {
            throw new ApiException(ApiErrorCode.SERVICE_UNAVAILABLE, e.getMessage());
        }
        flows.start(flow);
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(to)
                .header(HttpHeaders.SET_COOKIE, flowCookie(request, flow.id(), null))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    @GetMapping("/c/oidc/callback")
    ResponseEntity<Void> callback(
            HttpServletRequest request,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String code,
            @RequestParam(required = false) String error,
            @RequestParam(name = "error_description", required = false) String errorDescription) {
        requireOidc();
        Optional<OidcFlows.Flow> taken = cookie(request, FLOW_COOKIE).flatMap(flows::take);
        if (taken.isEmpty()
                || taken.get().identity() != null
                || state == null
                || !PasswordRules.constantTimeEquals(taken.get().state(), state)) {
            log.info("event=oidc_callback_refused reason=state_mismatch");
            throw ApiException.badRequest("State mismatch");
        }
        OidcFlows.Flow flow = taken.get();
        if (error != null && !error.isEmpty()) {
            throw ApiException.badRequest("OIDC callback returned error: " + error + " - "
                    + (errorDescription == null ? "" : errorDescription));
        }
        if (code == null || code.isEmpty()) {
            throw ApiException.badRequest("the provider sent no authorization code");
        }
        OidcConfig config = settings.current();
        OidcProvider.Tokens tokens;
        OidcLogin.Identity identity;
        try {
            tokens = provider.exchange(config, code, flow.verifier(), redirectUri(request));
            if (tokens.idToken().isEmpty()) {
                throw new OidcException("the provider sent no ID token");
            }
            JWTClaimsSet claims = provider.verify(config, tokens.idToken(), flow.nonce());
            identity = login.identify(config, claims, tokens.accessToken());
        } catch (OidcException e) {
            log.info("event=oidc_callback_refused reason=\"{}\"", e.getMessage());
            throw ApiException.badRequest(e.getMessage());
        }
        Optional<UserAccount> existing = login.existing(identity);
        Principal.User user;
        if (existing.isPresent()) {
            user = login.signIn(existing.get(), identity, tokens);
        } else if (config.autoOnboard()) {
            if (identity.username().isEmpty()) {
                throw ApiException.badRequest("unable to recover username for auto onboard, username claim: "
                        + (config.userClaim().isEmpty() ? "name" : config.userClaim()));
            }
            checkUsername(identity.username());
            user = login.onboard(identity, identity.username(), tokens)
                    .orElseThrow(() -> ApiException.conflict(
                            "Conflict in username, the user with same username has been onboarded."));
        } else {
            OidcFlows.Flow waiting =
                    new OidcFlows.Flow(PasswordRules.generate(40), "", "", "", flow.redirectUrl(), null);
            flows.awaitOnboarding(waiting, seal(waiting.id(), new Pending(identity, tokens)));
            String to =
                    "/oidc-onboard?username=" + enc(identity.username()) + "&redirect_url=" + enc(flow.redirectUrl());
            return ResponseEntity.status(HttpStatus.FOUND)
                    .location(URI.create(to))
                    .header(HttpHeaders.SET_COOKIE, flowCookie(request, waiting.id(), null))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .build();
        }
        return signedIn(request, user, tokens.idToken(), flow.redirectUrl().isEmpty() ? "/" : flow.redirectUrl());
    }

    record OnboardRequest(String username) {}

    /** Names a user the provider signed in but Berth does not know yet; 409 when the name is taken. */
    @PostMapping("/c/oidc/onboard")
    ResponseEntity<Void> onboard(HttpServletRequest request, @RequestBody(required = false) OnboardRequest body) {
        requireOidc();
        String username =
                body == null || body.username() == null ? "" : body.username().trim();
        checkUsername(username);
        OidcFlows.Flow flow = cookie(request, FLOW_COOKIE)
                .flatMap(flows::take)
                .filter(f -> f.identity() != null)
                .orElseThrow(() -> ApiException.unauthorized("sign in through the OIDC provider first"));
        Pending pending = open(flow.id(), flow.identity());
        Optional<Principal.User> user = login.onboard(pending.identity(), username, pending.tokens());
        if (user.isEmpty()) {
            // Keep the flow so that another name can be tried.
            flows.awaitOnboarding(flow, flow.identity());
            throw ApiException.conflict("Conflict in username, the user with same username has been onboarded.");
        }
        return signedIn(request, user.get(), pending.idToken(), null);
    }

    /** What the provider said of a user waiting to be onboarded; sealed while it waits. */
    record Pending(OidcLogin.Identity identity, String idToken, String refreshToken, long accessExpiry) {
        Pending(OidcLogin.Identity identity, OidcProvider.Tokens t) {
            this(identity, t.idToken(), t.refreshToken(), t.accessExpiry().getEpochSecond());
        }

        OidcProvider.Tokens tokens() {
            return new OidcProvider.Tokens(idToken, refreshToken, Instant.ofEpochSecond(accessExpiry));
        }

        @Override
        public String toString() {
            return "Pending[" + identity.username() + "]";
        }
    }

    private String seal(String flowId, Pending p) {
        return box.seal(json.writeValueAsString(p), "oidc_flow/" + flowId);
    }

    private Pending open(String flowId, String sealed) {
        try {
            return json.readValue(box.open(sealed, "oidc_flow/" + flowId), Pending.class);
        } catch (SecretUnreadableException e) {
            throw ApiException.unauthorized("sign in through the OIDC provider again");
        }
    }

    /** A session as {@code /c/login} starts it, then the browser goes on (or 200 for the onboard form). */
    private ResponseEntity<Void> signedIn(
            HttpServletRequest request, Principal.User user, String idToken, String location) {
        cookie(request, Sessions.COOKIE).ifPresent(sessions::delete);
        Sessions.Session session = sessions.create(user.id());
        if (idToken != null && !idToken.isEmpty()) {
            // For signing out at the provider (oidc_logout): the session's ID token as id_token_hint.
            sessions.attachProviderToken(session.id(), box.seal(idToken, idTokenContext(user.id())));
        }
        audit.record(user.name(), 0, AuditLog.Operation.LOGIN, "user", user.name());
        log.info("event=portal_login user={} via=oidc", user.name());
        boolean secure = secure(request);
        ResponseEntity.BodyBuilder b = ResponseEntity.status(location == null ? HttpStatus.OK : HttpStatus.FOUND)
                .header(HttpHeaders.SET_COOKIE, cookie(Sessions.COOKIE, session.id(), true, secure, null))
                .header(HttpHeaders.SET_COOKIE, cookie(Sessions.CSRF_COOKIE, session.csrfToken(), false, secure, null))
                .header(HttpHeaders.SET_COOKIE, flowCookie(request, "", Duration.ZERO))
                .header(Sessions.CSRF_HEADER, session.csrfToken())
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (location != null) {
            b.location(URI.create(location));
        }
        return b.build();
    }

    /**
     * Harbor's {@code /c/oidc/logout}, where the portal sends an OIDC user to sign out: the session
     * ends; with {@code oidc_logout} on and a provider that names an {@code end_session_endpoint},
     * the browser goes on to it with the session's ID token as {@code id_token_hint} and {@code
     * post_logout_redirect_uri} the portal's sign-in page, else straight to that page.
     */
    @GetMapping("/c/oidc/logout")
    ResponseEntity<Void> logout(HttpServletRequest request) {
        Optional<String> sid = cookie(request, Sessions.COOKIE);
        Optional<Sessions.Session> session = sid.flatMap(sessions::find);
        Optional<String> idToken = Optional.empty();
        if (session.isPresent()) {
            long userId = session.get().userId();
            idToken = sessions.providerToken(sid.get()).flatMap(kept -> {
                try {
                    return Optional.of(box.open(kept, idTokenContext(userId)));
                } catch (SecretUnreadableException e) {
                    return Optional.empty();
                }
            });
            sessions.delete(sid.get());
            users.find(userId)
                    .ifPresent(u -> audit.record(u.username(), 0, AuditLog.Operation.LOGOUT, "user", u.username()));
        }
        String signIn = externalUrl.of(request) + "/account/sign-in";
        URI to = URI.create(signIn);
        if (settings.active() && idToken.isPresent()) {
            OidcConfig config = settings.current();
            if (config.logout()) {
                try {
                    String endSession = provider.discovery(config).endSession();
                    if (endSession.isEmpty()) {
                        log.warn("event=oidc_logout_skipped reason=no_end_session_endpoint");
                    } else {
                        to = URI.create(endSession
                                + (endSession.contains("?") ? "&" : "?")
                                + "id_token_hint=" + enc(idToken.get())
                                + "&post_logout_redirect_uri=" + enc(signIn));
                    }
                } catch (OidcException | IllegalArgumentException e) {
                    log.warn("event=oidc_logout_skipped reason=\"{}\"", e.getMessage());
                }
            }
        }
        boolean secure = secure(request);
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(to)
                .header(HttpHeaders.SET_COOKIE, cookie(Sessions.COOKIE, "", true, secure, Duration.ZERO))
                .header(HttpHeaders.SET_COOKIE, cookie(Sessions.CSRF_COOKIE, "", false, secure, Duration.ZERO))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    private static String idTokenContext(long userId) {
        return "web_session/" + userId + "/id_token";
    }

    private void requireOidc() {
        if (!settings.active()) {
            throw ApiException.preconditionFailed("auth mode is not OIDC based");
        }
    }

    private static void checkUsername(String username) {
        if (username.isEmpty() || username.length() > 255) {
            throw ApiException.badRequest("username must be 1 to 255 characters long");
        }
        if (username.startsWith(RobotRecords.PREFIX)
                || username.chars().anyMatch(c -> ",\"~#%$:".indexOf(c) >= 0 || Character.isISOControl(c))) {
            throw ApiException.badRequest(
                    "username must not start with robot$ nor contain any of ,\"~#%$: or" + " control characters");
        }
    }

    /** Harbor's {@code IsLocalPath}: empty, or a path on this site (not {@code //host} nor a URL). */
    static boolean isLocalPath(String s) {
        return s.isEmpty()
                || (s.startsWith("/")
                        && !s.startsWith("//")
                        && !s.startsWith("/\\")
                        && s.chars().noneMatch(c -> c == '\\' || Character.isISOControl(c)));
    }

    private String redirectUri(HttpServletRequest request) {
        return externalUrl.of(request) + "/c/oidc/callback";
    }

    private static String challenge(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String flowCookie(HttpServletRequest request, String value, Duration maxAge) {
        return cookie(FLOW_COOKIE, value, true, secure(request), maxAge == null ? OidcFlows.LIFETIME : maxAge);
    }

    private boolean secure(HttpServletRequest request) {
        return request.isSecure() || externalUrl.of(request).startsWith("https://");
    }

    private static Optional<String> cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        return List.of(cookies).stream()
                .filter(c -> name.equals(c.getName()) && !c.getValue().isEmpty())
                .map(Cookie::getValue)
                .findFirst();
    }

    private static String cookie(String name, String value, boolean httpOnly, boolean secure, Duration maxAge) {
        return SessionCookies.cookie(name, value, httpOnly, secure, maxAge);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
