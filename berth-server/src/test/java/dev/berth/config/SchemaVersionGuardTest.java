package dev.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.support.BerthServer;
import dev.berth.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Berth started on a database a newer Berth has migrated (a rollback after an upgrade) refuses to
 * start, naming both schema versions; on its own schema it starts again without migrating anything.
 * The newer Berth is stood in for by what it leaves in the database: a successful row in Flyway's
 * history for a migration this Berth does not have. (deploy's UpgradeIT runs a real earlier image.)
 */
class SchemaVersionGuardTest {

    @Test
    void aSchemaMigratedByANewerBerthIsRefusedWithBothVersionsAndTheSameVersionStartsWithoutMigrating()
            throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            BerthServer.withDatabase(db, Map.of()).close();
            int applied = count(db, "SELECT count(*) FROM flyway_schema_history");
            String latest = string(db, """
                    SELECT version || ' (' || description || ')' FROM flyway_schema_history
                    WHERE success ORDER BY installed_rank DESC LIMIT 1""");

            // started again on its own schema: starts, migrates nothing
            BerthServer.withDatabase(db, Map.of()).close();
            assertThat(count(db, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(applied);

            execute(db, """
                    INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,
                        checksum, installed_by, execution_time, success)
                    SELECT max(installed_rank) + 1, '9999', 'from a later berth', 'SQL', 'V9999__from_a_later_berth.sql',
                        0, 'postgres', 1, true FROM flyway_schema_history""");
            assertThatThrownBy(() -> BerthServer.withDatabase(db, Map.of()).close())
                    .rootCause()
                    .isInstanceOf(SchemaVersionGuard.NewerSchemaException.class)
                    .hasMessageContaining("schema is at version 9999 (from a later berth), migrated by a newer Berth")
                    .hasMessageContaining("knows the schema up to version " + latest)
                    .hasMessageContaining("Start the newer Berth again, or restore");
            // refused before anything ran: nothing migrated, nothing written
            assertThat(count(db, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(applied + 1);
        }
    }

    private static Connection connect(TestDatabase db) throws Exception {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
    }

    private static int count(TestDatabase db, String sql) throws Exception {
        return Integer.parseInt(string(db, sql));
    }

    private static String string(TestDatabase db, String sql) throws Exception {
        try (Connection c = connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(TestDatabase db, String sql) throws Exception {
        try (Connection c = connect(db);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
