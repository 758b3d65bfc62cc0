package dev.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.support.BerthServer;
import dev.berth.support.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Berth started against a database that is not its own (a Harbor database, another application's
 * tables) stops before writing anything to it, and says what it found.
 */
class ForeignSchemaCheckTest {

    @Test
    void aHarborDatabaseIsRefusedAndLeftAsItWas() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            // The tables that identify Harbor 2.x (its golang-migrate history and core tables).
            sql(db, "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)");
            sql(db, "INSERT INTO schema_migrations VALUES (150, false)");
            sql(db, "CREATE TABLE harbor_user (user_id serial PRIMARY KEY, username varchar(255))");
            sql(db, "CREATE TABLE project (project_id serial PRIMARY KEY, name varchar(255))");
            sql(db, "CREATE TABLE artifact (id serial PRIMARY KEY, digest varchar(255))");

            assertThatThrownBy(() ->
                            ForeignSchemaCheck.refuseForeignSchema(dataSource(db), "public", "flyway_schema_history"))
                    .isInstanceOf(ForeignSchemaCheck.ForeignSchemaException.class)
                    .hasMessageContaining("is not Berth's")
                    .hasMessageContaining("harbor_user")
                    .hasMessageContaining("looks like a Harbor database");

            // A whole Berth start fails the same way and creates nothing.
            assertThatThrownBy(() -> BerthServer.withDatabase(db, Map.of()).close())
                    .hasStackTraceContaining("is not Berth's");
            assertThat(tables(db)).containsExactlyInAnyOrder("schema_migrations", "harbor_user", "project", "artifact");
        }
    }

    @Test
    void anotherApplicationsTablesAreRefusedWithoutTheHarborHint() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            sql(db, "CREATE TABLE orders (id serial PRIMARY KEY)");
            assertThatThrownBy(() ->
                            ForeignSchemaCheck.refuseForeignSchema(dataSource(db), "public", "flyway_schema_history"))
                    .hasMessageContaining("orders")
                    .hasMessageNotContaining("Harbor");
        }
    }

    @Test
    void anEmptyDatabaseAndBerthsOwnPass() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            ForeignSchemaCheck.refuseForeignSchema(dataSource(db), "public", "flyway_schema_history");
            sql(db, "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY)");
            sql(db, "CREATE TABLE project (id serial PRIMARY KEY)");
            ForeignSchemaCheck.refuseForeignSchema(dataSource(db), "public", "flyway_schema_history");
        }
    }

    private static PGSimpleDataSource dataSource(TestDatabase db) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(db.user());
        return ds;
    }

    private static void sql(TestDatabase db, String statement) throws SQLException {
        try (Connection c = dataSource(db).getConnection();
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static java.util.List<String> tables(TestDatabase db) throws SQLException {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (Connection c = dataSource(db).getConnection();
                var rs = c.createStatement()
                        .executeQuery(
                                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
