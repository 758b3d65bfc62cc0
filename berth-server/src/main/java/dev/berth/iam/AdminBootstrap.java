package dev.berth.iam;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates the system administrator {@code admin} on first start. Its password comes from
 * {@code BERTH_ADMIN_PASSWORD}; without it a strong random one is generated and printed once.
 * There is no default password.
 */
@Component
@Order(0)
class AdminBootstrap implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final UserRecords users;
    private final PasswordHasher hasher;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final String configuredPassword;

    AdminBootstrap(
            UserRecords users,
            PasswordHasher hasher,
            JdbcClient jdbc,
            TransactionTemplate tx,
            @Value("${berth.admin-password:}") String configuredPassword) {
        this.users = users;
        this.hasher = hasher;
        this.jdbc = jdbc;
        this.tx = tx;
        this.configuredPassword = configuredPassword;
    }

    @Override
    public void run(ApplicationArguments args) {
        tx.executeWithoutResult(status -> {
            // One replica creates the admin; the others wait here and find it.
            jdbc.sql("SELECT pg_advisory_xact_lock(7161001)")
                    .query(Object.class)
                    .single();
            if (users.findByName("admin").isPresent()) {
                return;
            }
            boolean generated = configuredPassword.isBlank();
            if (!generated && !PasswordRules.isStrong(configuredPassword)) {
                throw new IllegalStateException(
                        "BERTH_ADMIN_PASSWORD must be 8-128 characters with upper case, lower case and a digit");
            }
            String password = generated ? PasswordRules.generate(20) : configuredPassword;
            long id = users.insert("admin", null, "System Administrator", "admin user", hasher.hash(password), true);
            // Projects created before any user (library) belong to admin, who administers them as in Harbor.
            jdbc.sql("UPDATE project SET owner_id = ? WHERE owner_id IS NULL")
                    .param(id)
                    .update();
            jdbc.sql("""
                            INSERT INTO project_member (project_id, entity_type, entity_id, role)
                            SELECT p.id, 'u', ?, 1 FROM project p WHERE p.owner_id = ?
                            ON CONFLICT DO NOTHING
                            """).param(id).param(id).update();
            if (generated) {
                // Printed once, on the console only, so the operator can log in; never stored in clear.
                System.out.println("\n=== Berth: the initial password of user 'admin' is: " + password
                        + "\n=== Change it after logging in. It is not shown again.\n");
            }
            log.info("event=admin_created generated_password={}", generated);
        });
    }
}
