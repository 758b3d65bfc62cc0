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
    private static final ThreadLocal<Boolean[]> READ_ONLY_WITH_EPOCH = new ThreadLocal<>();
    private final JdbcClient jdbc;

    CredentialEpoch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long current() {
        Boolean[] readOnly = READ_ONLY_WITH_EPOCH.get();
        if (readOnly != null) {
            // A change request (see withReadOnly): read-only mode in the same round trip.
            return jdbc.sql("SELECT CASE WHEN is_called THEN last_value ELSE 0 END,"
                            + " (SELECT value::text FROM system_config WHERE name = 'read_only') IS NOT DISTINCT FROM 'true'"
                            + " FROM credential_epoch")
                    .query((rs, i) -> {
                        readOnly[0] = rs.getBoolean(2);
                        return rs.getLong(1);
                    })
                    .single();
        }
        // Before the first nextval, last_value already reads 1 (with is_called false), as after it.
        return jdbc.sql("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM credential_epoch")
                .query(Long.class)
                .single();
    }

    /**
     * Opens a scope (the authentication of a request that may change something) in which every
     * read of the epoch also reads {@code read_only} ({@code SystemSettings.readOnly()}'s query) in
     * the same statement. {@code ReadOnlyFilter} uses that value instead of a second round trip:
     * both are still read from the database on every such request.
     */
    static ReadOnlyScope readOnlyScope() {
        return new ReadOnlyScope(READ_ONLY_WITH_EPOCH.get());
    }

    /** See {@link #readOnlyScope}; closing it ends the scope on this thread. */
    static final class ReadOnlyScope implements AutoCloseable {
        private final Boolean[] readOnly = new Boolean[1];
        private final Boolean[] outer;

        private ReadOnlyScope(Boolean[] outer) {
            this.outer = outer;
            READ_ONLY_WITH_EPOCH.set(readOnly);
        }

        /** {@code read_only} as read with the epoch last, or null if the epoch was not read. */
        Boolean readOnly() {
            return readOnly[0];
        }

        @Override
        public void close() {
            if (outer == null) {
                READ_ONLY_WITH_EPOCH.remove();
            } else {
                READ_ONLY_WITH_EPOCH.set(outer);
            }
        }
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
