package dev.berth.system;

import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether the database answers: a pool connection must validate within a few seconds. The pool
 * itself would wait its full connection timeout (30 s) for a vanished database, longer than any
 * probe waits, so the check runs aside and is abandoned on time. Used by Harbor's health API and,
 * as the actuator's "database" indicator, by the readiness probe.
 */
@Component("database")
class DatabaseHealth implements HealthIndicator {
    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);
    private static final int TIMEOUT_SECONDS = 3;

    private final DataSource dataSource;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    DatabaseHealth(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Empty when healthy, else what to tell a client (never hosts or users). */
    Optional<String> problem() {
        Future<Boolean> check = checks.submit(() -> {
            try (Connection c = dataSource.getConnection()) {
                return c.isValid(TIMEOUT_SECONDS);
            }
        });
        try {
            return check.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    ? Optional.empty()
                    : Optional.of("the database did not answer");
        } catch (TimeoutException e) {
            check.cancel(true);
            return Optional.of("the database did not answer in time");
        } catch (ExecutionException e) {
            // The cause may name hosts and users: log it, tell the client less.
            log.warn(
                    "event=health_check_failed component=database reason=\"{}\"",
                    e.getCause().toString());
            return Optional.of("the database cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("the health check was interrupted");
        }
    }

    @Override
    public Health health() {
        return problem()
                .map(p -> Health.down().withDetail("error", p).build())
                .orElseGet(() -> Health.up().build());
    }

    @PreDestroy
    void stop() {
        checks.shutdownNow();
    }
}
