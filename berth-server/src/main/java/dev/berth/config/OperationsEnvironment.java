package dev.berth.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Translates Berth's operational switches ({@code berth.metrics.*}, {@code berth.log.format},
 * {@code berth.tracing.*}, {@code berth.tls.*}) into the Spring Boot properties that implement them,
 * so an operator sets a handful of {@code BERTH_*} variables instead of learning Boot's actuator,
 * logging, OpenTelemetry and SSL-bundle keys. The derived values sit last: a Spring property set
 * explicitly still wins.
 */
public class OperationsEnvironment implements EnvironmentPostProcessor, Ordered {
    static final String SOURCE = "berthOperations";
    static final String TLS_BUNDLE = "berth";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        Map<String, Object> derived = new HashMap<>();
        metrics(env, derived);
        logging(env, derived);
        tracing(env, derived);
        observations(env, derived);
        tls(env, derived);
        env.getPropertySources().addLast(new MapPropertySource(SOURCE, derived));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after application.properties and the command line are read
    }

    /**
     * Metrics on: the actuator moves to its own port with {@code /metrics} (Prometheus) and
     * {@code /health}, so neither the registry nor the API is reachable there and the application
     * port serves no metrics. Metrics off: only health stays, on the application port. Either way
     * {@code /livez} and {@code /readyz} answer on the application port for probes.
     */
    private static void metrics(ConfigurableEnvironment env, Map<String, Object> derived) {
        boolean enabled = env.getProperty("berth.metrics.enabled", Boolean.class, false);
        derived.put("management.endpoint.health.probes.enabled", "true");
        derived.put("management.endpoint.health.probes.add-additional-paths", "true");
        derived.put("management.endpoint.health.group.readiness.include", "readinessState,database");
        derived.put("management.endpoint.health.group.liveness.include", "livenessState");
        // Boot's own "db" check waits for a pool connection (30 s when the database is gone);
        // Berth's "database" indicator answers within seconds instead.
        derived.put("management.health.db.enabled", "false");
        if (enabled) {
            derived.put("management.server.port", env.getProperty("berth.metrics.port", "9090"));
            derived.put("management.endpoints.web.base-path", "/");
            derived.put("management.endpoints.web.exposure.include", "health,prometheus");
            derived.put("management.endpoints.web.path-mapping.prometheus", "metrics");
            derived.put("management.prometheus.metrics.export.enabled", "true");
        } else {
            derived.put("management.endpoints.web.exposure.include", "health");
            derived.put("management.prometheus.metrics.export.enabled", "false");
            // No registry at all, so meters cost nothing (Boot would otherwise keep them in memory).
            derived.put("management.simple.metrics.export.enabled", "false");
        }
    }

    private static void logging(ConfigurableEnvironment env, Map<String, Object> derived) {
        String format = env.getProperty("berth.log.format", "text").toLowerCase(Locale.ROOT);
        switch (format) {
            case "json" -> derived.put("logging.structured.format.console", "ecs");
            case "text" -> {}
            default ->
                throw new IllegalArgumentException("berth.log.format must be json or text, not \"" + format + "\"");
        }
    }

    /** Off unless an endpoint is set: no spans are sampled and nothing is exported. */
    private static void tracing(ConfigurableEnvironment env, Map<String, Object> derived) {
        String endpoint = env.getProperty("berth.tracing.otlp-endpoint", "");
        if (endpoint.isBlank()) {
            derived.put("management.tracing.export.enabled", "false");
            derived.put("management.tracing.sampling.probability", "0.0");
            return;
        }
        derived.put("management.tracing.export.enabled", "true");
        derived.put("management.opentelemetry.tracing.export.otlp.endpoint", endpoint);
        derived.put("management.tracing.sampling.probability", env.getProperty("berth.tracing.sample-rate", "1.0"));
        derived.put(
                "management.opentelemetry.resource-attributes.service.name",
                env.getProperty("berth.tracing.service-name", "berth"));
    }

    /**
     * Spring's observation of every HTTP request feeds only {@code http_server_requests_seconds}
     * (metrics) and spans (tracing): with both off it is skipped, about a tenth of the CPU of a
     * registry request (JFR of {@code bench/push-work.sh}). Harbor's series and the access log come
     * from {@code AccessLogFilter} either way.
     */
    private static void observations(ConfigurableEnvironment env, Map<String, Object> derived) {
        boolean metrics = env.getProperty("berth.metrics.enabled", Boolean.class, false);
        boolean tracing = !env.getProperty("berth.tracing.otlp-endpoint", "").isBlank();
        if (!metrics && !tracing) {
            derived.put("management.observations.enable.http.server.requests", "false");
        }
    }

    /** HTTPS from PEM files: an SSL bundle named "berth" that the server uses. */
    private static void tls(ConfigurableEnvironment env, Map<String, Object> derived) {
        String certificate = env.getProperty("berth.tls.certificate", "");
        String key = env.getProperty("berth.tls.private-key", "");
        if (certificate.isBlank() && key.isBlank()) {
            return;
        }
        if (certificate.isBlank() || key.isBlank()) {
            throw new IllegalArgumentException(
                    "berth.tls.certificate and berth.tls.private-key must be set together (PEM files)");
        }
        String bundle = "spring.ssl.bundle.pem." + TLS_BUNDLE + ".keystore.";
        derived.put(bundle + "certificate", location(certificate));
        derived.put(bundle + "private-key", location(key));
        derived.put("server.ssl.bundle", TLS_BUNDLE);
        derived.put("server.ssl.enabled", "true");
    }

    private static String location(String path) {
        return path.contains(":") && !path.startsWith("/") ? path : "file:" + path;
    }
}
