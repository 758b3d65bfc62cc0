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
 */
public final class TestDatabase implements AutoCloseable {
    private static final String HOST = env("BERTH_TEST_PG_HOST", "127.0.0.1");
    private static final String PORT = env("BERTH_TEST_PG_PORT", "5432");
    private static final String USER = env("BERTH_TEST_PG_USER", "postgres");

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
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + name;
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

    private static void execute(String sql) {
        try (Connection c =
                        DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", USER, "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL at " + HOST + ":" + PORT + " is needed for tests: " + e.getMessage(), e);
        }
    }

    private static String env(String key, String fallback) {
        String value = System.getenv(key);
        return value == null || value.isBlank() ? fallback : value;
    }
}
