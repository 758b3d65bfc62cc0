package dev.berth.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Refuses to start on a database whose schema a newer Berth has migrated (a rollback to an older
 * image after an upgrade). Flyway by default ignores applied migrations it does not know
 * ({@code *:future}), so an older Berth would start on the newer schema and write rows the newer
 * one's constraints and columns no longer expect. Migrations only add, but an older version cannot
 * know what the newer one relies on: the way back is the newer version, or the backup taken before
 * the upgrade.
 */
@Configuration(proxyBeanMethods = false)
class SchemaVersionGuard {

    @Bean
    FlywayMigrationStrategy migrateUnlessTheSchemaIsNewer(@Value("${berth.version:unknown}") String berthVersion) {
        return flyway -> {
            var configuration = flyway.getConfiguration();
            String schema =
                    configuration.getSchemas().length > 0 ? configuration.getSchemas()[0] : "public";
            ForeignSchemaCheck.refuseForeignSchema(configuration.getDataSource(), schema, configuration.getTable());
            refuseNewerSchema(flyway, berthVersion);
            flyway.migrate();
        };
    }

    static void refuseNewerSchema(Flyway flyway, String berthVersion) {
        MigrationInfo[] all = flyway.info().all();
        Optional<MigrationInfo> newest = Arrays.stream(all)
                .filter(m -> m.getVersion() != null)
                .filter(m ->
                        m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                .max(Comparator.comparing(MigrationInfo::getVersion));
        if (newest.isEmpty()) {
            return;
        }
        String known = Arrays.stream(all)
                .filter(m -> m.getVersion() != null
                        && m.getState() != MigrationState.FUTURE_SUCCESS
                        && m.getState() != MigrationState.FUTURE_FAILED)
                .max(Comparator.comparing(MigrationInfo::getVersion))
                .map(SchemaVersionGuard::describe)
                .orElse("none");
        throw new NewerSchemaException("The database schema is at version " + describe(newest.get())
                + ", migrated by a newer Berth; this Berth (" + berthVersion + ") knows the schema up to version "
                + known + " and does not start on a newer one. Start the newer Berth again, or restore the"
                + " database and the blob store from the backup taken before the upgrade"
                + " (docs/install.md#upgrades).");
    }

    private static String describe(MigrationInfo migration) {
        return migration.getVersion() + " (" + migration.getDescription() + ")";
    }

    /** Thrown at start-up when the database's schema is newer than this Berth's migrations. */
    static final class NewerSchemaException extends IllegalStateException {
        NewerSchemaException(String message) {
            super(message);
        }
    }
}
