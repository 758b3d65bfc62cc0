package dev.berth.support;

import dev.berth.BerthApplication;
import dev.berth.support.contract.ContractCheck;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Berth started in this JVM on a free port, with its own data directory and either its own
 * database on the machine's PostgreSQL or the embedded PostgreSQL. Tests talk to it over HTTP.
 */
public final class BerthServer implements AutoCloseable {
    /** The password the test servers give their {@code admin}. */
    public static final String ADMIN_PASSWORD = "Test-Admin-2026";

    private static BerthServer shared;

    private final ConfigurableApplicationContext context;
    private final Path dataDir;
    private final Optional<TestDatabase> database;

    private BerthServer(ConfigurableApplicationContext context, Path dataDir, Optional<TestDatabase> database) {
        this.context = context;
        this.dataDir = dataDir;
        this.database = database;
    }

    /** One server on an external database, shared by the test classes of this JVM. */
    public static synchronized BerthServer shared() {
        if (shared == null) {
            shared = withExternalDatabase(Map.of());
            BerthServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return shared;
    }

    /**
     * A server on a new database of its own, whose schema is copied from a migrated template
     * ({@link TestDatabase#migrated()}) rather than migrated again by each server.
     */
    public static BerthServer withExternalDatabase(Map<String, String> properties, Class<?>... extraSources) {
        TestDatabase db = TestDatabase.migrated();
        Map<String, String> all = new HashMap<>(properties);
        all.put("spring.datasource.url", db.jdbcUrl());
        all.put("spring.datasource.username", db.user());
        return start(all, Optional.of(db), extraSources);
    }

    public static BerthServer withEmbeddedDatabase(Map<String, String> properties) {
        return start(properties, Optional.empty());
    }

    /**
     * A server on a database the caller owns (and closes), so that several servers can share it as
     * replicas do; {@code extraSources} are added to the application (e.g. test-only beans).
     */
    public static BerthServer withDatabase(TestDatabase db, Map<String, String> properties, Class<?>... extraSources) {
        Map<String, String> all = new HashMap<>(properties);
        all.put("spring.datasource.url", db.jdbcUrl());
        all.put("spring.datasource.username", db.user());
        return start(all, Optional.empty(), extraSources);
    }

    private static BerthServer start(
            Map<String, String> properties, Optional<TestDatabase> database, Class<?>... extraSources) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("berth-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> all = new HashMap<>();
        all.put("server.port", "0");
        all.put("berth.data-dir", dataDir.toString());
        all.put("server.tomcat.basedir", dataDir.resolve("tomcat").toString());
        all.put("berth.admin-password", ADMIN_PASSWORD);
        // Many servers share the machine's PostgreSQL (100 connections) during a build: keep each small.
        all.put("spring.datasource.hikari.maximum-pool-size", "10");
        all.put("spring.datasource.hikari.minimum-idle", "1");
        all.put("logging.level.root", "WARN");
        all.put("logging.level.dev.berth", "INFO");
        all.put("logging.level.dev.berth.access", "WARN"); // one line per request: too much for test logs
        // The OSV database update is daily at 03:30 UTC from the public internet: a run near that
        // hour, or a class whose MutableClock passes it, would start downloading nine archives
        // (gigabytes, up to three hours on a worker) in the middle of unrelated tests. A test about
        // it sets its own URL and schedule.
        all.put("berth.scan.osv.schedule", "");
        all.putAll(properties);
        // As command-line arguments: default properties would lose to application.properties,
        // leaving every test server on port 8080 and ./data.
        String[] args = all.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        try {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(BerthApplication.class)
                    .sources(ContractCheck.class) // every /api/v2.0 response checked against Harbor's swagger
                    .sources(extraSources)
                    .run(args);
            return new BerthServer(context, dataDir, database);
        } catch (RuntimeException e) {
            database.ifPresent(TestDatabase::close);
            deleteRecursively(dataDir);
            throw e;
        }
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    /** A registry client that authenticates as the system administrator with Basic credentials. */
    public RegistryClient adminClient() {
        return new RegistryClient(baseUri(), Map.of("Authorization", basic("admin", ADMIN_PASSWORD)));
    }

    public RegistryClient client(String username, String password) {
        return new RegistryClient(baseUri(), Map.of("Authorization", basic(username, password)));
    }

    public RegistryClient anonymousClient() {
        return new RegistryClient(baseUri());
    }

    public static String basic(String username, String password) {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Creates the project through the API unless it exists. */
    public void ensureProject(String name, boolean isPublic) {
        RegistryClient.Response r = adminClient().createProject(name, isPublic);
        if (r.status() != 201 && r.status() != 409) {
            throw new AssertionError("cannot create project " + name + ": " + r.status() + " " + r.text());
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public synchronized void close() {
        if (context.isActive()) {
            context.close();
        }
        database.ifPresent(TestDatabase::close);
        deleteRecursively(dataDir);
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
