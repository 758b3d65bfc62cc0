package dev.berth.iam;

import dev.berth.http.ClientAddress;
import dev.berth.http.RequestPath;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Establishes who is calling, for every request: Basic credentials (user or robot), a registry
 * token (on {@code /v2/} only, as in Harbor: the REST API, the portal's endpoints and the token
 * service refuse one), or a portal session cookie (whose state-changing requests must carry the
 * session's CSRF token, signing in again included); otherwise the caller is anonymous. Bad
 * credentials are refused here, in the error format of the API they were sent to. Decides on the
 * request's {@link RequestPath canonical path}. What the caller may do is decided later, by the
 * {@link Authorizer}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AuthenticationFilter extends OncePerRequestFilter {
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final CredentialAuthenticator credentials;
    private final TokenVerifier tokens;
    private final CredentialStamps stamps;
    private final Sessions sessions;
    private final UserRecords users;
    private final ExternalUrl externalUrl;
    private final ClientAddress clientAddress;
    private final DirectoryMemberships memberships;

    AuthenticationFilter(
            CredentialAuthenticator credentials,
            TokenVerifier tokens,
            CredentialStamps stamps,
            Sessions sessions,
            UserRecords users,
            ExternalUrl externalUrl,
            ClientAddress clientAddress,
            DirectoryMemberships memberships) {
        this.memberships = memberships;
        this.credentials = credentials;
        this.tokens = tokens;
        this.stamps = stamps;
        this.sessions = sessions;
        this.users = users;
        this.externalUrl = externalUrl;
        this.clientAddress = clientAddress;
    }

    /**
     * Request attribute: {@code read_only} (a {@link Boolean}) as read from the database in the
     * same statement as the credential epoch, on requests that may change something and carry
     * credentials; {@code ReadOnlyFilter} takes it instead of reading it again.
     */
    public static final String READ_ONLY_READ = AuthenticationFilter.class.getName() + ".readOnly";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean admitted;
        if (isSafe(request.getMethod())) {
            admitted = authenticate(request, response);
        } else {
            try (CredentialEpoch.ReadOnlyScope scope = CredentialEpoch.readOnlyScope()) {
                admitted = authenticate(request, response);
                if (scope.readOnly() != null) {
                    request.setAttribute(READ_ONLY_READ, scope.readOnly());
                }
            }
        }
        if (admitted) {
            chain.doFilter(request, response);
        }
    }

    /** Sets the request's principal; false when the request was refused (and answered). */
    private boolean authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String authorization = request.getHeader("Authorization");
        boolean registry = RequestPath.isRegistry(request);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            Optional<String[]> pair = decodeBasic(authorization.substring(6).trim());
            if (pair.isEmpty()) {
                refuse(request, response, 401, "UNAUTHORIZED", "malformed Basic credentials");
                return false;
            }
            switch (credentials.authenticate(pair.get()[0], pair.get()[1], clientAddress.of(request))) {
                case CredentialAuthenticator.Result.Success s -> Principals.set(request, s.principal());
                case CredentialAuthenticator.Result.Throttled t -> {
                    response.setHeader("Retry-After", String.valueOf(t.retryAfterSeconds()));
                    refuse(
                            request,
                            response,
                            429,
                            registry ? "TOOMANYREQUESTS" : "TOO_MANY_REQUEST",
                            "too many failed logins; try again later");
                    return false;
                }
                case CredentialAuthenticator.Result.Unavailable u -> {
                    refuse(request, response, 503, registry ? "UNAVAILABLE" : "SERVICE_UNAVAILABLE", u.reason());
                    return false;
                }
                case CredentialAuthenticator.Result.Failure f -> {
                    // Distribution's words on /v2/ and the token service (docker prints "unauthorized:
                    // authentication required"), Harbor's on its API.
                    refuse(
                            request,
                            response,
                            401,
                            "UNAUTHORIZED",
                            registry || tokenService(request) ? "authentication required" : "unauthorized");
                    return false;
                }
            }
        } else if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (!registry) {
                refuse(
                        request,
                        response,
                        401,
                        "UNAUTHORIZED",
                        "registry tokens are accepted by /v2/ only; use Basic credentials or a portal session");
                return false;
            }
            Optional<TokenVerifier.VerifiedToken> token = tokens.verify(
                            authorization.substring(7).trim(), externalUrl.service())
                    .filter(this::stillBound);
            if (token.isEmpty()) {
                refuse(request, response, 401, "UNAUTHORIZED", "authentication required");
                return false;
            }
            Principals.set(request, new Principal.TokenHolder(token.get().subject(), token.get()));
        } else {
            // Signing in with a live session cookie replaces that session: like any other change,
            // it needs the session's CSRF token, or another site could swap the browser's session.
            Optional<Sessions.Session> session = sessionCookie(request).flatMap(sessions::find);
            if (session.isPresent()) {
                if (!isSafe(request.getMethod()) && !csrfMatches(request, session.get())) {
                    refuse(request, response, 403, "FORBIDDEN", "CSRF token invalid");
                    return false;
                }
                Optional<UserAccount> user = users.find(session.get().userId());
                if (user.isPresent()) {
                    Principals.set(request, memberships.principal(user.get()));
                }
            }
        }
        return true;
    }

    /** A token names its account by id and credential stamp; anonymous tokens name none. */
    private boolean stillBound(TokenVerifier.VerifiedToken token) {
        return token.binding().map(stamps::holds).orElse(token.subject().isEmpty());
    }

    /**
     * GET, HEAD and OPTIONS: the methods that change nothing, so a session needs no CSRF token for
     * them (and read-only mode lets them through).
     */
    public static boolean isSafe(String method) {
        return SAFE_METHODS.contains(method);
    }

    private static boolean csrfMatches(HttpServletRequest request, Sessions.Session session) {
        String header = request.getHeader(Sessions.CSRF_HEADER);
        return header != null && PasswordRules.constantTimeEquals(header, session.csrfToken());
    }

    private static Optional<String> sessionCookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie c : cookies) {
            if (Sessions.COOKIE.equals(c.getName())) {
                return Optional.of(c.getValue());
            }
        }
        return Optional.empty();
    }

    private static Optional<String[]> decodeBasic(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0
                    ? Optional.empty()
                    : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean tokenService(HttpServletRequest request) {
        return RequestPath.of(request).equals("/service/token");
    }

    private void refuse(
            HttpServletRequest request, HttpServletResponse response, int status, String code, String message)
            throws IOException {
        if (status == 401 && RequestPath.isRegistry(request)) {
            response.setHeader("WWW-Authenticate", externalUrl.bearerChallenge(request, null));
        }
        FilterErrors.write(request, response, status, code, message);
    }
}
