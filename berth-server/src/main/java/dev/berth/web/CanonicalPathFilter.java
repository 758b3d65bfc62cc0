package dev.berth.web;

import dev.berth.http.RequestPath;
import dev.berth.iam.FilterErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Computes the request's {@link RequestPath canonical path} once, before authentication, CSRF,
 * read-only mode and every other filter that decides on a path, and refuses with 400 a request
 * whose path has no unambiguous spelling: {@code NAME_INVALID} in the registry's error format (on
 * {@code /v2/} the ambiguous part is nearly always the repository name), {@code BAD_REQUEST} in
 * Harbor's elsewhere. Only the
 * request id and the access log run earlier, and the access log reads the path only after the
 * chain has returned, so refused requests are still logged and counted.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 6)
class CanonicalPathFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(CanonicalPathFilter.class);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String raw = RequestPath.rawPath(request);
        switch (RequestPath.canonicalise(raw)) {
            case RequestPath.Result.Canonical c -> {
                request.setAttribute(RequestPath.ATTRIBUTE, c.path());
                chain.doFilter(request, response);
            }
            case RequestPath.Result.Refused r -> {
                boolean registry = RequestPath.looksLikeRegistry(raw);
                log.info("event=path_refused method={} reason=\"{}\"", request.getMethod(), r.reason());
                FilterErrors.write(
                        response,
                        registry,
                        400,
                        registry ? "NAME_INVALID" : "BAD_REQUEST",
                        "the request path cannot be normalised: " + r.reason());
            }
        }
    }
}
