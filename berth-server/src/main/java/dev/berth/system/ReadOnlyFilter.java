package dev.berth.system;

import dev.berth.http.RequestPath;
import dev.berth.iam.AuthenticationFilter;
import dev.berth.iam.FilterErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Harbor's read-only mode ({@code read_only} in {@code /api/v2.0/configurations}): while it is on,
 * every request that could change something — any method but GET, HEAD and OPTIONS, on the
 * registry, the API, the portal's session endpoints and the token service — is refused with 403
 * {@code DENIED}, before it reaches its handler, so nothing is written. Two requests stay open:
 * signing in, and {@code PUT /api/v2.0/configurations} (an administrator must be able to turn the
 * mode off; the handler still checks who asks). Runs after authentication, so bad credentials are
 * still a 401. Decides on the request's {@link RequestPath canonical path}, as routing does, so no
 * spelling of a path ({@code /api;x/...}, {@code /%61pi/...}) slips past. Background work (pull counts, scheduled jobs already due) is not a request and goes
 * on.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ReadOnlyFilter extends OncePerRequestFilter {
    static final String MESSAGE =
            "Berth is in read-only mode: no change is accepted until an administrator turns read_only off";
    private static final Set<String> GUARDED_PREFIXES = Set.of("/v2/", "/api/", "/c/", "/service/");

    private final SystemSettings settings;

    ReadOnlyFilter(SystemSettings settings) {
        this.settings = settings;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = RequestPath.of(request);
        String method = request.getMethod();
        return AuthenticationFilter.isSafe(method)
                || GUARDED_PREFIXES.stream().noneMatch(path::startsWith)
                || (method.equals("POST") && path.equals("/c/login"))
                || (method.equals("PUT") && path.equals("/api/v2.0/configurations"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // Read with the credential epoch in one statement when the request carried credentials.
        Boolean read = (Boolean) request.getAttribute(AuthenticationFilter.READ_ONLY_READ);
        if (!(read != null ? read : settings.readOnly())) {
            chain.doFilter(request, response);
            return;
        }
        FilterErrors.write(request, response, HttpServletResponse.SC_FORBIDDEN, "DENIED", MESSAGE);
    }
}
