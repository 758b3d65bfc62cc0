package dev.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.importer.HarborSchema;
import dev.berth.support.BerthServer;
import dev.berth.support.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
            // Harbor 2.14's schema, made by Harbor's own migrations (49 tables and their seed rows).
            try (Connection c = dataSource(db).getConnection()) {
                HarborSchema.V2_14.apply(c);
            }
            List<String> before = tables(db);
            assertThat(before).contains("harbor_user", "project", "artifact", "schema_migrations");
            String seeded = rows(db);

            assertThatThrownBy(() ->
                            ForeignSchemaCheck.refuseForeignSchema(dataSource(db), "public", "flyway_schema_history"))
                    .isInstanceOf(ForeignSchemaCheck.ForeignSchemaException.class)
                    .hasMessageContaining("is not Berth's")
                    .hasMessageContaining(before.size() + " table(s) (access, alembic_version, artifact,")
                    .hasMessageContaining("looks like a Harbor database");

            // A whole Berth start fails the same way and creates nothing, changes nothing.
            assertThatThrownBy(() -> BerthServer.withDatabase(db, Map.of()).close())
                    .hasStackTraceContaining("is not Berth's");
            assertThat(tables(db)).containsExactlyInAnyOrderElementsOf(before);
            assertThat(rows(db)).isEqualTo(seeded);
        }
    }

    @Test
    void aHarbor28DatabaseIsRefusedToo() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            try (Connection c = dataSource(db).getConnection()) {
                HarborSchema.V2_8.apply(c);
            }
            assertThatThrownBy(() ->
                            ForeignSchemaCheck.refuseForeignSchema(dataSource(db), "public", "flyway_schema_history"))
                    .hasMessageContaining("looks like a Harbor database");
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

    /** The seed rows Harbor's migrations leave, and the migrator's version. */
    private static String rows(TestDatabase db) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = dataSource(db).getConnection();
                Statement s = c.createStatement()) {
            for (String table : List.of("schema_migrations", "harbor_user", "project", "project_member", "quota")) {
                try (var rs = s.executeQuery(
                        "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM " + table + " t")) {
                    rs.next();
                    out.append(table)
                            .append('=')
                            .append(rs.getLong(1))
                            .append(':')
                            .append(rs.getString(2))
                            .append(' ');
                }
            }
        }
        return out.toString();
    }

    private static List<String> tables(TestDatabase db) throws SQLException {
        List<String> names = new ArrayList<>();
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
