package dev.berth.config;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Refuses to migrate a database that is not Berth's: tables in Berth's schema and no Berth schema
 * history. Flyway alone would refuse too, but suggest {@code baseline()}, which on a Harbor
 * database (the likeliest mistake: pointing Berth at the Harbor database it replaces) would create
 * Berth's history beside Harbor's tables and then fail half-way into the first migration. Berth
 * never writes to a foreign database; it stops and says what it found.
 */
final class ForeignSchemaCheck {
    /** Tables of Harbor 2.x's schema, from which Berth recognises a Harbor database. */
    private static final Set<String> HARBOR_TABLES = Set.of("schema_migrations", "harbor_user", "project", "artifact");

    private ForeignSchemaCheck() {}

    /**
     * Throws when {@code schema} holds tables but not Berth's history table {@code historyTable};
     * an empty schema (a first start) and Berth's own schema pass.
     */
    static void refuseForeignSchema(DataSource dataSource, String schema, String historyTable) {
        List<String> tables = new ArrayList<>();
        boolean history = false;
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    if (table.equals(historyTable)) {
                        history = true;
                    } else {
                        tables.add(table);
                    }
                }
            }
            if (history || tables.isEmpty()) {
                return;
            }
            String database = c.getCatalog();
            boolean harbor = tables.containsAll(HARBOR_TABLES);
            throw new ForeignSchemaException("The database " + database + " is not Berth's: its schema " + schema
                    + " holds " + tables.size() + " table(s) ("
                    + String.join(", ", tables.subList(0, Math.min(8, tables.size())))
                    + (tables.size() > 8 ? ", ..." : "") + ") and no Berth schema history (" + historyTable + ")."
                    + (harbor ? " It looks like a Harbor database: Berth does not run on Harbor's schema." : "")
                    + " Berth does not migrate a database it did not create: point spring.datasource.url"
                    + " (SPRING_DATASOURCE_URL) at an empty database of its own.");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the tables of schema " + schema, e);
        }
    }

    /** Thrown at start-up when the configured database holds another application's tables. */
    static final class ForeignSchemaException extends IllegalStateException {
        ForeignSchemaException(String message) {
            super(message);
        }
    }
}
