package dev.berth.system;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v2.0/health}: Harbor's component health. The database is really asked (a
 * connection from the pool must validate within a few seconds); the overall status is "healthy"
 * only when every component is. As in Harbor, the answer is 200 either way: the body says.
 */
@RestController
class HealthController {
    private static final Logger log = LoggerFactory.getLogger(HealthController.class);
    private static final int DATABASE_TIMEOUT_SECONDS = 3;

    private final DataSource dataSource;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    HealthController(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Component(String name, String status, String error) {
        static Component healthy(String name) {
            return new Component(name, "healthy", null);
        }

        static Component unhealthy(String name, String error) {
            return new Component(name, "unhealthy", error);
        }
    }

    record Overall(String status, List<Component> components) {}

    @GetMapping("/api/v2.0/health")
    Overall health() {
        List<Component> components = List.of(Component.healthy("core"), database());
        boolean healthy = components.stream().allMatch(c -> c.status().equals("healthy"));
        return new Overall(healthy ? "healthy" : "unhealthy", components);
    }

    @PreDestroy
    void stop() {
        checks.shutdownNow();
    }

    private Component database() {
        Future<Boolean> check = checks.submit(() -> {
            try (Connection c = dataSource.getConnection()) {
                return c.isValid(DATABASE_TIMEOUT_SECONDS);
            }
        });
        try {
            return check.get(DATABASE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    ? Component.healthy("database")
                    : Component.unhealthy("database", "the database did not answer");
        } catch (TimeoutException e) {
            check.cancel(true);
            return Component.unhealthy("database", "the database did not answer in time");
        } catch (ExecutionException e) {
            // The cause may name hosts and users: log it, tell the client less.
            log.warn("event=health_check_failed component=database", e.getCause());
            return Component.unhealthy("database", "the database cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Component.unhealthy("database", "the health check was interrupted");
        }
    }
}
