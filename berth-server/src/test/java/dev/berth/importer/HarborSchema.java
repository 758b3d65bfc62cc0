package dev.berth.importer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Harbor's own schema, made by Harbor's own migration SQL (test resources under
 * {@code harbor/migrations}, from goharbor/harbor v2.14.4, Apache-2.0) applied as Harbor's
 * migrator applies it: golang-migrate's {@code schema_migrations} table first, then every file up
 * to the version's last, each recorded. Harbor 2.8 and 2.14 differ for the importer in
 * {@code artifact.artifact_type} (2.11) and {@code robot.creator_ref}/{@code creator_type} (2.12).
 * The migrations also seed what a fresh Harbor has: {@code admin} (user 1), {@code anonymous}
 * (user 2, deleted), the {@code library} project (1) with its membership, metadata and quota.
 * {@code ForeignSchemaCheckTest} starts Berth on such a database.
 */
public enum HarborSchema {
    V2_8(111),
    V2_14(171);

    /** Harbor v2.14.4's migration files, in the order golang-migrate runs them. */
    static final List<String> MIGRATIONS = List.of(
            "0001_initial_schema",
            "0002_1.7.0_schema",
            "0003_add_replication_op_uuid",
            "0004_1.8.0_schema",
            "0005_1.8.2_schema",
            "0010_1.9.0_schema",
            "0011_1.9.1_schema",
            "0012_1.9.4_schema",
            "0015_1.10.0_schema",
            "0030_2.0.0_schema",
            "0031_2.0.3_schema",
            "0040_2.1.0_schema",
            "0041_2.1.4_schema",
            "0050_2.2.0_schema",
            "0051_2.2.1_schema",
            "0052_2.2.2_schema",
            "0053_2.2.3_schema",
            "0060_2.3.0_schema",
            "0061_2.3.4_schema",
            "0070_2.4.0_schema",
            "0071_2.4.2_schema",
            "0080_2.5.0_schema",
            "0081_2.5.2_schema",
            "0082_2.5.3_schema",
            "0090_2.6.0_schema",
            "0091_2.6.2_schema",
            "0100_2.7.0_schema",
            "0110_2.8.0_schema",
            "0111_2.8.1_schema",
            "0120_2.9.0_schema",
            "0130_2.10.0_schema",
            "0140_2.11.0_schema",
            "0150_2.12.0_schema",
            "0160_2.13.0_schema",
            "0170_2.14.0_schema",
            "0171_2.14.1_schema");

    final int migration;

    HarborSchema(int migration) {
        this.migration = migration;
    }

    /** Creates this Harbor version's schema in an empty database, as Harbor's migrator would. */
    public void apply(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)");
            for (String name : MIGRATIONS) {
                int version = Integer.parseInt(name.substring(0, 4));
                if (version > migration) {
                    break;
                }
                s.execute(
                        "DELETE FROM schema_migrations; INSERT INTO schema_migrations VALUES (" + version + ", true)");
                s.execute(sql(name));
                s.execute("UPDATE schema_migrations SET dirty = false");
            }
        }
    }

    private static String sql(String name) {
        String resource = "/harbor/migrations/" + name + ".up.sql";
        try (InputStream in = HarborSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
