package dev.berth.support;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.JavaMigration;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.filter.AssignableTypeFilter;

/**
 * A uniquely named database on the machine's PostgreSQL (127.0.0.1:5432, user postgres, or
 * {@code BERTH_TEST_PG_HOST}/{@code _PORT}/{@code _USER}), created for one test run and dropped after.
 * When none is configured and nothing answers on 127.0.0.1:5432 (a newcomer's machine), the tests
 * of this JVM share one embedded PostgreSQL (the one Berth itself embeds) on a free port of
 * 127.0.0.1, started on first use and stopped when the JVM exits. CI runs against the machine's
 * PostgreSQL; both paths are used by the tests that start an embedded database anyway.
 */
public final class TestDatabase implements AutoCloseable {
    private static final boolean CONFIGURED =
            System.getenv("BERTH_TEST_PG_HOST") != null || System.getenv("BERTH_TEST_PG_PORT") != null;
    private static final String HOST = env("BERTH_TEST_PG_HOST", "127.0.0.1");
    private static final String USER = env("BERTH_TEST_PG_USER", "postgres");
    /** Where Berth's migrations are (spring.flyway.locations). */
    private static final String MIGRATIONS = "classpath:db/migration";

    private static String port;
    private static String template;

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    /** An empty database: Berth migrates it on start, as on a first installation. */
    public static TestDatabase create() {
        String name = newName();
        execute("CREATE DATABASE " + name);
        return new TestDatabase(name);
    }

    /**
     * A database with Berth's schema already migrated, and nothing else: a copy ({@code CREATE
     * DATABASE … TEMPLATE}) of a template database migrated once per set of migrations on this
     * PostgreSQL. A server started on it finds every migration applied, which saves the migration of
     * a new database on each of the many servers a build starts; the migration from an empty
     * database is still run by the template itself and by every test that starts on {@link #create()}.
     */
    public static TestDatabase migrated() {
        String template = template();
        String name = newName();
        for (int attempt = 1; ; attempt++) {
            try {
                execute("CREATE DATABASE " + name + " TEMPLATE " + template);
                return new TestDatabase(name);
            } catch (IllegalStateException e) {
                // "source database is being accessed by other users": only a moment's overlap
                if (attempt == 20 || !String.valueOf(e.getMessage()).contains("accessed by other users")) {
                    throw e;
                }
                pause(Duration.ofMillis(100L * attempt));
            }
        }
    }

    private static String newName() {
        return "berth_test_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    }

    /**
     * The template for {@link #migrated()}, named after a hash of the migrations on the class path
     * (the SQL files and the Java migrations): a changed or added migration makes a new one. Built
     * under an advisory lock, so that the build's test JVMs (and other checkouts on the machine)
     * make it once, under another name that becomes the template's only when it is complete.
     */
    private static synchronized String template() {
        if (template != null) {
            return template;
        }
        List<JavaMigration> javaMigrations = javaMigrations();
        String name = "berth_template_" + migrationsHash(javaMigrations);
        try (Connection c = DriverManager.getConnection(adminUrl(), USER, "");
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + name.hashCode() + ")");
            try {
                if (!exists(c, name)) {
                    String building = name + "_building";
                    s.execute("DROP DATABASE IF EXISTS " + building + " WITH (FORCE)");
                    s.execute("CREATE DATABASE " + building);
                    Flyway.configure()
                            .dataSource(jdbcUrl(building), USER, "")
                            .locations(MIGRATIONS)
                            .javaMigrations(javaMigrations.toArray(JavaMigration[]::new))
                            .load()
                            .migrate();
                    s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + building
                            + "' AND pid <> pg_backend_pid()");
                    s.execute("ALTER DATABASE " + building + " RENAME TO " + name);
                    s.execute("ALTER DATABASE " + name + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
                }
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + name.hashCode() + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make the template database " + name + ": " + e.getMessage(), e);
        }
        template = name;
        return name;
    }

    private static boolean exists(Connection c, String database) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            q.setString(1, database);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Berth's Java migrations (Spring beans in the application), made here as Flyway would get them. */
    private static List<JavaMigration> javaMigrations() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(JavaMigration.class));
        List<JavaMigration> found = new ArrayList<>();
        for (var candidate : scanner.findCandidateComponents("dev.berth")) {
            try {
                Constructor<?> constructor =
                        Class.forName(candidate.getBeanClassName()).getDeclaredConstructor();
                constructor.setAccessible(true);
                found.add((JavaMigration) constructor.newInstance());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot make the Java migration " + candidate.getBeanClassName(), e);
            }
        }
        found.sort(Comparator.comparing(m -> m.getVersion().getVersion()));
        return found;
    }

    /** A hash of every migration's name and content: the SQL files' bytes, the Java ones' checksums. */
    private static String migrationsHash(List<JavaMigration> javaMigrations) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Resource[] files = new PathMatchingResourcePatternResolver()
                    .getResources(MIGRATIONS.replace("classpath:", "classpath*:") + "/**/*.sql");
            Arrays.sort(files, Comparator.comparing(r -> String.valueOf(r.getFilename())));
            for (Resource file : files) {
                sha.update(String.valueOf(file.getFilename()).getBytes(StandardCharsets.UTF_8));
                sha.update(file.getContentAsByteArray());
            }
            for (JavaMigration m : javaMigrations) {
                sha.update((m.getClass().getName() + ":" + m.getVersion() + ":" + m.getChecksum())
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read the migrations", e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String jdbcUrl() {
        return jdbcUrl(name);
    }

    private static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    private static String adminUrl() {
        return jdbcUrl("postgres");
    }

    /** The server's port: the configured one, 5432, or the embedded server's. */
    public static synchronized String port() {
        if (port == null) {
            port = env("BERTH_TEST_PG_PORT", "5432");
            if (!CONFIGURED && !listening(HOST, Integer.parseInt(port))) {
                port = Integer.toString(startEmbedded());
            }
        }
        return port;
    }

    public static String host() {
        return HOST;
    }

    public String user() {
        return USER;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static boolean listening(String host, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int startEmbedded() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("berth-test-pg-");
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg =
                    io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                            .setDataDirectory(dir.resolve("data"))
                            .setServerConfig("max_connections", "300")
                            .setServerConfig("listen_addresses", "127.0.0.1")
                            .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (java.io.IOException e) {
                    // the JVM is exiting
                }
                BerthServer.deleteRecursively(dir);
            }));
            System.err.println("TestDatabase: no PostgreSQL on " + HOST
                    + ":5432 and none configured (BERTH_TEST_PG_HOST/_PORT): using an embedded one on port "
                    + pg.getPort());
            return pg.getPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no PostgreSQL on " + HOST + ":5432 and the embedded one did not start", e);
        }
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(adminUrl(), USER, "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL at " + HOST + ":" + port() + " is needed for tests: " + e.getMessage(), e);
        }
    }

    private static String env(String key, String fallback) {
        String value = System.getenv(key);
        return value == null || value.isBlank() ? fallback : value;
    }
}
