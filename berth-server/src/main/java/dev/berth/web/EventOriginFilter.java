package dev.berth.web;

import dev.berth.event.EventOrigin;
import dev.berth.iam.Principal;
import dev.berth.iam.Principals;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Names the caller and request id of the events a request writes ({@link EventOrigin}), once the
 * caller is known: anonymous callers are an empty operator, as in Harbor's payloads.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 12)
class EventOriginFilter extends OncePerRequestFilter {
    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Principal principal = Principals.of(request);
        String operator = principal.isAuthenticated() ? principal.name() : "";
        try (EventOrigin.Scope scope = new EventOrigin(operator, MDC.get("requestId")).enter()) {
            chain.doFilter(request, response);
        }
    }
}
