package dev.berth.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id (the client's {@code X-Request-Id} if sane), logs it and echoes it, and
 * marks every response {@code X-Content-Type-Options: nosniff}: blobs, chart files and error bodies
 * are served with the type they were stored or written with, and a browser must not guess another
 * (HTML) from their bytes. Both headers survive a handler resetting the response to write an error.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter extends OncePerRequestFilter {
    static final String HEADER = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = request.getHeader(HEADER);
        if (id == null || !SANE.matcher(id).matches()) {
            id = UUID.randomUUID().toString();
        }
        StandardHeaders headers = new StandardHeaders(response, id);
        headers.apply();
        MDC.put("requestId", id);
        try {
            chain.doFilter(request, headers);
        } finally {
            MDC.remove("requestId");
        }
    }

    /** The response, with the headers every response carries put back after a {@link #reset()}. */
    private static final class StandardHeaders extends HttpServletResponseWrapper {
        private final String id;

        StandardHeaders(HttpServletResponse response, String id) {
            super(response);
            this.id = id;
        }

        void apply() {
            setHeader(HEADER, id);
            setHeader("X-Content-Type-Options", "nosniff");
        }

        @Override
        public void reset() {
            super.reset();
            apply();
        }
    }
}
