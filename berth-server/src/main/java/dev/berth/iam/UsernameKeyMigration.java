package dev.berth.iam;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Migration V31: {@code app_user.username_key}, the {@link UserNames#key} of each name, unique, so
 * that no name can be created beside another that reads the same. A Java migration, because the key
 * is computed by Java's Unicode tables and must be the same for old and new rows. Where existing
 * names already collide, the oldest keeps the key and the others keep working without one (a
 * warning names them); none of them can be created again.
 */
@Component
class UsernameKeyMigration implements JavaMigration {
    private static final Logger log = LoggerFactory.getLogger(UsernameKeyMigration.class);

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("31");
    }

    @Override
    public String getDescription() {
        return "username keys";
    }

    @Override
    public Integer getChecksum() {
        return 31;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("ALTER TABLE app_user ADD COLUMN username_key text");
        }
        Set<String> taken = new HashSet<>();
        try (Statement read = connection.createStatement();
                ResultSet users = read.executeQuery("SELECT id, username FROM app_user ORDER BY id");
                PreparedStatement write =
                        connection.prepareStatement("UPDATE app_user SET username_key = ? WHERE id = ?")) {
            while (users.next()) {
                String key = UserNames.key(users.getString(2));
                if (taken.add(key)) {
                    write.setString(1, key);
                    write.setLong(2, users.getLong(1));
                    write.addBatch();
                } else {
                    log.warn("event=username_collision user_id={} key={}", users.getLong(1), key);
                }
            }
            write.executeBatch();
        }
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE UNIQUE INDEX app_user_same_name ON app_user (username_key)");
        }
    }
}
