package dev.berth.iam;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A counter in the database shared by every replica, advanced when credentials or what they grant
 * change. A replica remembers verified credentials together with the value it read before checking
 * them, and trusts the memory only while the value is unchanged: one sequence read per Basic request
 * instead of a bcrypt, and no replica honours a password that another replica has just changed.
 */
@Component
class CredentialEpoch {
    private final JdbcClient jdbc;

    CredentialEpoch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long current() {
        // Before the first nextval, last_value already reads 1 (with is_called false), as after it.
        return jdbc.sql("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM credential_epoch")
                .query(Long.class)
                .single();
    }

    /**
     * Advances the counter, after the surrounding transaction commits if there is one: advanced
     * earlier, another replica could re-check against the old state and remember it under the new value.
     */
    void advance() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    next();
                }
            });
        } else {
            next();
        }
    }

    private void next() {
        jdbc.sql("SELECT nextval('credential_epoch')").query(Long.class).single();
    }
}
