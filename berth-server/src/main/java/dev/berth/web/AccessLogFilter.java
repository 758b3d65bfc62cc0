package dev.berth.web;

import dev.berth.http.RequestPath;
import dev.berth.iam.Principals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * One access-log line and Harbor's core HTTP series per request. Requests are labelled by their
 * route template ({@code /v2/{name}/blobs/{digest}}, {@code /api/v2.0/projects/{project_name_or_id}}),
 * never by the raw path, so the number of series stays bounded whatever clients send. The log line
 * carries the method, the canonical path ({@link RequestPath}; for a request refused because it has
 * none, the path as sent) without its query string, the route, status, duration, request id (from
 * the MDC) and caller; never headers, so no credentials.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class AccessLogFilter extends OncePerRequestFilter {
    private static final Logger access = LoggerFactory.getLogger("dev.berth.access");
    /** A route for requests no handler claimed (404s for unknown paths, rejected requests). */
    static final String UNMATCHED = "other";

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** Fixed latency buckets: a dozen series per route, not Micrometer's ~70 percentile buckets. */
    private static final Duration[] BUCKETS = Stream.of(
                    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000)
            .map(Duration::ofMillis)
            .toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final AtomicInteger inflight;
    /**
     * The meters of each series, registered once: building and looking them up on every request
     * cost more CPU than the rest of this filter. Bounded as the series are (routes are templates).
     */
    private final Map<Series, Meters> meters = new ConcurrentHashMap<>();

    private record Series(String method, int status, String route) {}

    private record Meters(Counter requests, Timer duration) {
        void record(long nanos) {
            requests.increment();
            duration.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    AccessLogFilter(MeterRegistry registry) {
        this.registry = registry;
        this.inflight = registry.gauge("harbor.core.http.inflight.requests", new AtomicInteger());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        inflight.incrementAndGet();
        boolean escaped = false;
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            escaped = true; // the container answers 500 after this filter has returned
            throw e;
        } finally {
            inflight.decrementAndGet();
            long nanos = System.nanoTime() - start;
            String route = route(request);
            String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "OTHER";
            int status = escaped && !response.isCommitted() ? 500 : response.getStatus();
            meters.computeIfAbsent(new Series(method, status, route), this::register)
                    .record(nanos);
            if (access.isInfoEnabled()) {
                access.info(
                        "event=http_request method={} path=\"{}\" route=\"{}\" status={} duration_ms={} user=\"{}\"",
                        method,
                        printable(path(request)),
                        route,
                        status,
                        nanos / 1_000_000,
                        printable(Principals.of(request).name()));
            }
        }
    }

    private Meters register(Series series) {
        return new Meters(
                Counter.builder("harbor.core.http.request")
                        .description("HTTP requests by method, status code and route")
                        .tags(
                                "method",
                                series.method(),
                                "code",
                                String.valueOf(series.status()),
                                "operation",
                                series.route())
                        .register(registry),
                Timer.builder("harbor.core.http.request.duration")
                        .description("HTTP request latency by method and route")
                        .tags("method", series.method(), "operation", series.route())
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry));
    }

    /** The route template: set by Spring MVC's handler mapping, or by the registry servlet for /v2/. */
    static String route(HttpServletRequest request) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        return pattern instanceof String s && !s.isEmpty() ? s : UNMATCHED;
    }

    private static String path(HttpServletRequest request) {
        return request.getAttribute(RequestPath.ATTRIBUTE) instanceof String canonical
                ? canonical
                : RequestPath.rawPath(request);
    }

    /** Keeps a log line on one line and its quotes balanced whatever a client put in the path. */
    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), 512));
        for (int i = 0; i < s.length() && i < 512; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
        }
        return out.toString();
    }
}
