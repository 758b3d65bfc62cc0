package dev.berth.iam;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.WebApplicationContext;

/**
 * A counter in the database shared by every replica, advanced when credentials or what they grant
 * change. A replica remembers verified credentials together with the value it knew before checking
 * them, and trusts the memory only while the value is unchanged, so no replica honours a password
 * that another replica has just changed.
 *
 * <p>Each advance also sends a PostgreSQL notification on {@value #CHANNEL}. One connection per
 * replica listens to it ({@code LISTEN}, then reads the counter, so no advance falls between) and
 * keeps the value in memory: a registry request then costs no statement for it. The listening
 * connection reads the counter again at least every {@link #HEARTBEAT}; while it has not done so
 * for {@link #TRUSTED} (connection lost, not yet listening, shutting down), every call reads the
 * counter from the database as before. An advance made by this replica is known here at once, not
 * only when its own notification comes back. Commands without a web server (backup, restore) do not
 * listen: they serve no requests.
 */
@Component
class CredentialEpoch implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CredentialEpoch.class);
    static final String CHANNEL = "berth_credential_epoch";
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    static final Duration TRUSTED = Duration.ofSeconds(12);
    private static final String READ = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM credential_epoch";

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    /** The value the listener knows, meaningful while {@link #confirmedAt} is recent. */
    private long heard = -1;

    private long confirmedAt;
    private boolean live;
    private volatile boolean running;
    private volatile PGConnection listening;
    private Thread listener;

    private final boolean serving;

    CredentialEpoch(JdbcClient jdbc, DataSource dataSource, ApplicationContext context) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.serving = context instanceof WebApplicationContext;
    }

    long current() {
        synchronized (this) {
            if (live && System.nanoTime() - confirmedAt < TRUSTED.toNanos()) {
                return heard;
            }
        }
        // Before the first nextval, last_value already reads 1 (with is_called false), as after it.
        return jdbc.sql(READ).query(Long.class).single();
    }

    /** Whether {@link #current} answers from memory now (for tests and the benchmark's reading). */
    synchronized boolean listening() {
        return live && System.nanoTime() - confirmedAt < TRUSTED.toNanos();
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
        long value = jdbc.sql("SELECT n.v FROM (SELECT nextval('credential_epoch') AS v) n, pg_notify('" + CHANNEL
                        + "', n.v::text)")
                .query(Long.class)
                .single();
        heard(value, false);
    }

    private synchronized void heard(long value, boolean confirmed) {
        if (confirmed) {
            heard = Math.max(heard, value);
            confirmedAt = System.nanoTime();
            live = true;
        } else if (live) {
            heard = Math.max(heard, value);
        }
    }

    private synchronized void deaf() {
        live = false;
        heard = -1;
    }

    // ---- the listening connection ---------------------------------------------------------------

    @Override
    public void start() {
        running = true;
        if (!serving) {
            return;
        }
        listener = Thread.ofPlatform().daemon().name("credential-epoch").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        deaf();
        PGConnection c = listening;
        if (c != null) {
            try {
                // Wakes the listener out of its wait for notifications; it then gives the connection back.
                ((Connection) c).abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                log.debug("event=credential_epoch_abort_failed", e);
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        boolean failedBefore = false;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                // A connection gone silent fails here instead of holding the listener forever.
                connection.setNetworkTimeout(Runnable::run, (int) (HEARTBEAT.toMillis() * 4));
                PGConnection pg = connection.unwrap(PGConnection.class);
                listening = pg;
                try (Statement s = connection.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                if (failedBefore) {
                    log.info("event=credential_epoch_listening");
                    failedBefore = false;
                }
                while (running) {
                    // Read after LISTEN: any advance committed after this read is notified.
                    heard(read(connection), true);
                    pg.getNotifications((int) HEARTBEAT.toMillis());
                }
                try (Statement s = connection.createStatement()) {
                    s.execute("UNLISTEN *");
                }
            } catch (SQLException | RuntimeException e) {
                deaf();
                if (!running) {
                    return;
                }
                if (!failedBefore) {
                    log.warn("event=credential_epoch_not_listening reason=\"{}\"", e.toString());
                    failedBefore = true;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            } finally {
                listening = null;
            }
        }
    }

    private static long read(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(READ)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
