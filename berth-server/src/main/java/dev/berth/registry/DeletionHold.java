package dev.berth.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A database-wide hold on deleting blob bytes, across every replica: an exclusive session-level
 * advisory lock that a backup takes before it starts its database snapshot and keeps until it has
 * copied the bytes of every blob in that snapshot. Garbage collection asks for the lock shared, without
 * waiting, before each deletion of bytes; while the hold is on it deletes rows as usual but leaves their
 * bytes, which a later run's sweep removes. So every blob row a snapshot holds keeps its bytes until
 * the backup has them, and collection never stops for a backup.
 */
public final class DeletionHold {
    /** The advisory lock key: {@code hashtextextended('berth:blob-deletion-hold', 0)} taken once. */
    static final String KEY_SQL = "hashtextextended('berth:blob-deletion-hold', 0)";

    private DeletionHold() {}

    /**
     * Takes the hold on this connection's session, waiting for deletions in flight to finish; it lasts
     * until {@link #release} or the connection closes (a crashed backup releases it with its session).
     */
    public static void acquire(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT pg_advisory_lock(" + KEY_SQL + ")")) {
            s.executeQuery().close();
        }
    }

    public static void release(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT pg_advisory_unlock(" + KEY_SQL + ")");
                ResultSet rs = s.executeQuery()) {
            rs.next();
        }
    }

    /** Inside a deleting transaction: true unless a hold is on; a shared lock until the transaction ends. */
    static String tryShareSql() {
        return "SELECT pg_try_advisory_xact_lock_shared(" + KEY_SQL + ")";
    }
}
