package dev.berth.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

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
    private static String port;

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    public static TestDatabase create() {
        String name = "berth_test_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        execute("CREATE DATABASE " + name);
        return new TestDatabase(name);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + name;
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
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://" + HOST + ":" + port() + "/postgres", USER, "");
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
