package dev.berth.api;

import dev.berth.iam.Principal;
import dev.berth.iam.Principals;
import jakarta.servlet.http.HttpServletRequest;

/** The caller of an API request, and the standard refusals. */
public final class Callers {
    private Callers() {}

    public static Principal of(HttpServletRequest request) {
        return Principals.of(request);
    }

    /** 401 for anonymous callers. */
    public static Principal authenticated(HttpServletRequest request) {
        Principal principal = Principals.of(request);
        if (!principal.isAuthenticated()) {
            throw ApiException.unauthorized("unauthorized");
        }
        return principal;
    }

    /** The refusal that fits the caller: 401 when anonymous, 403 otherwise. */
    public static ApiException denied(Principal principal) {
        return principal.isAuthenticated()
                ? ApiException.forbidden("forbidden")
                : ApiException.unauthorized("unauthorized");
    }

    /** For resources whose existence must not leak: 401 when anonymous, 404 otherwise. */
    public static ApiException hidden(Principal principal, String what) {
        return principal.isAuthenticated()
                ? ApiException.notFound(what + " not found")
                : ApiException.unauthorized("unauthorized");
    }
}
