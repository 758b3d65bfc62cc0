package dev.berth.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a backup copies and a restore fills: Berth's tables, their columns, foreign keys and sequences. */
final class SchemaCatalog {
    /** Flyway's own history is the schema's, recreated by migrating; never copied as data. */
    static final String FLYWAY_HISTORY = "flyway_schema_history";

    /**
     * Tables whose rows describe live processes or bytes a backup does not copy: upload sessions (their
     * partial bytes are not backed up, clients start the upload again) and worker pools (processes).
     */
    static final Set<String> NOT_COPIED = Set.of("upload_session", "job_worker_pool");

    private SchemaCatalog() {}

    /** The tables of the current schema, Flyway's history excluded, in name order. */
    static List<String> tables(Connection c) throws SQLException {
        return strings(c, """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> ?
                ORDER BY c.relname
                """, FLYWAY_HISTORY);
    }

    /** The stored (not generated) columns of a table, in their order. */
    static List<String> columns(Connection c, String table) throws SQLException {
        return strings(c, """
                SELECT a.attname FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relname = ?
                  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                ORDER BY a.attnum
                """, table);
    }

    /** The sequences of the current schema and their last values; null when never used. */
    static Map<String, Long> sequences(Connection c) throws SQLException {
        Map<String, Long> values = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
                                + " ORDER BY sequencename");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                long v = rs.getLong(2);
                values.put(name, rs.wasNull() ? null : v);
            }
        }
        return values;
    }

    /** The schema version Flyway last applied successfully. */
    static String schemaVersion(Connection c) throws SQLException {
        return strings(c, """
                SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL
                ORDER BY installed_rank DESC LIMIT 1
                """).getFirst();
    }

    /**
     * {@code tables} ordered so that every table comes after the tables its foreign keys point to,
     * which is the order rows can be loaded in with every constraint checked.
     */
    static List<String> loadOrder(Connection c, List<String> tables) throws SQLException {
        Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
        tables.forEach(t -> dependsOn.put(t, new LinkedHashSet<>()));
        try (PreparedStatement s = c.prepareStatement("""
                        SELECT src.relname, dst.relname FROM pg_constraint k
                        JOIN pg_class src ON src.oid = k.conrelid JOIN pg_class dst ON dst.oid = k.confrelid
                        JOIN pg_namespace n ON n.oid = src.relnamespace
                        WHERE k.contype = 'f' AND n.nspname = current_schema()
                        """);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String from = rs.getString(1);
                String to = rs.getString(2);
                if (!from.equals(to) && dependsOn.containsKey(from) && dependsOn.containsKey(to)) {
                    dependsOn.get(from).add(to);
                }
            }
        }
        List<String> order = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (order.size() < tables.size()) {
            boolean progress = false;
            for (String t : tables) {
                if (!placed.contains(t) && placed.containsAll(dependsOn.get(t))) {
                    order.add(t);
                    placed.add(t);
                    progress = true;
                }
            }
            if (!progress) {
                throw new IllegalStateException("foreign keys form a cycle among " + dependsOn);
            }
        }
        return order;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static List<String> strings(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }
}
