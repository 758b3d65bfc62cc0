package dev.berth.iam;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code directory_membership} table: the user groups a directory user was found in at their
 * last login, and whether one of them is the administrators' group. A record is trusted until it
 * expires (by the injected clock); after that the user holds only their own grants until they
 * log in again, so a removal from a group in the directory takes effect within that bound.
 */
@Repository
public class DirectoryMemberships {
    private final JdbcClient jdbc;
    private final Clock clock;

    DirectoryMemberships(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What a login found, valid until {@code expiresAt}. */
    public record Membership(List<Long> groupIds, boolean admin, Instant expiresAt) {
        public Membership {
            groupIds = List.copyOf(groupIds);
        }
    }

    /** Replaces what is known of the user's groups. */
    public void record(long userId, Collection<Long> groupIds, boolean admin, Instant expiresAt) {
        jdbc.sql("""
                        INSERT INTO directory_membership (user_id, group_ids, directory_admin, expires_at)
                        VALUES (?, ?::bigint[], ?, ?)
                        ON CONFLICT (user_id) DO UPDATE SET group_ids = EXCLUDED.group_ids,
                            directory_admin = EXCLUDED.directory_admin, expires_at = EXCLUDED.expires_at
                        """)
                .param(userId)
                .param(arrayLiteral(groupIds))
                .param(admin)
                .param(Timestamp.from(expiresAt))
                .update();
    }

    /** The user's groups and admin flag, if a login recorded them and they have not expired. */
    public Optional<Membership> current(long userId) {
        return jdbc.sql("""
                        SELECT group_ids, directory_admin, expires_at FROM directory_membership
                        WHERE user_id = ? AND expires_at > ?
                        """)
                .param(userId)
                .param(Timestamp.from(clock.instant()))
                .query((rs, i) -> new Membership(
                        longs(rs.getArray(1)),
                        rs.getBoolean(2),
                        rs.getTimestamp(3).toInstant()))
                .optional();
    }

    /** The groups the user is in now, as far as Berth knows; empty when none or expired. */
    public List<Long> groupIds(long userId) {
        return current(userId).map(Membership::groupIds).orElse(List.of());
    }

    /** Whether the directory's administrators' group made the user a system administrator. */
    public boolean admin(long userId) {
        return current(userId).map(Membership::admin).orElse(false);
    }

    /**
     * The principal of a signed-in user: a system administrator by their own flag, or by the
     * directory's administrators' group while their membership is current.
     */
    public Principal.User principal(UserAccount account) {
        return new Principal.User(account.id(), account.username(), account.sysadmin() || admin(account.id()));
    }

    private static String arrayLiteral(Collection<Long> ids) {
        StringBuilder b = new StringBuilder("{");
        for (Long id : ids) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(id.longValue());
        }
        return b.append('}').toString();
    }

    private static List<Long> longs(Array array) throws java.sql.SQLException {
        Object raw = array.getArray();
        if (raw instanceof Long[] values) {
            return List.of(values);
        }
        return List.of();
    }
}
