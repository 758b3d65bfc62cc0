package dev.berth.iam;

import jakarta.servlet.http.HttpServletRequest;

/** Where the authenticated principal of a request is kept. */
public final class Principals {
    static final String ATTRIBUTE = "berth.principal";

    private Principals() {}

    public static Principal of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Principal p ? p : Principal.ANONYMOUS;
    }

    static void set(HttpServletRequest request, Principal principal) {
        request.setAttribute(ATTRIBUTE, principal);
    }
}
