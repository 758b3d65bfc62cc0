package dev.berth.iam;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code app_user} table. */
@Repository
public class UserRecords {
    static final String COLUMNS = "id, username, email, realname, comment, sysadmin, creation_time, update_time";

    private final JdbcClient jdbc;

    UserRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UserAccount> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE id = ?")
                .param(id)
                .query(UserRecords::row)
                .optional();
    }

    public Optional<UserAccount> findByName(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE username = ?")
                .param(username)
                .query(UserRecords::row)
                .optional();
    }

    /** The user whose name reads the same as {@code username} ({@link UserNames#key}), if any. */
    public Optional<UserAccount> findBySameName(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE username_key = ?")
                .param(UserNames.key(username))
                .query(UserRecords::row)
                .optional();
    }

    Optional<String> passwordHash(long id) {
        return jdbc.sql("SELECT password_hash FROM app_user WHERE id = ?")
                .param(id)
                .query(String.class)
                .optional();
    }

    /** Inserts a user; a name that reads the same as another's ({@link UserNames}) is a duplicate key. */
    public long insert(
            String username, String email, String realname, String comment, String passwordHash, boolean sysadmin) {
        return jdbc.sql("""
                        INSERT INTO app_user (username, username_key, email, realname, comment, password_hash, sysadmin)
                        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id
                        """)
                .param(username)
                .param(UserNames.key(username))
                .param(email)
                .param(realname)
                .param(comment)
                .param(passwordHash)
                .param(sysadmin)
                .query(Long.class)
                .single();
    }

    public void setPasswordHash(long id, String hash) {
        jdbc.sql("UPDATE app_user SET password_hash = ?, update_time = now() WHERE id = ?")
                .param(hash)
                .param(id)
                .update();
    }

    public Optional<UserAccount> findByEmail(String email) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE email = ?")
                .param(email)
                .query(UserRecords::row)
                .optional();
    }

    /** Sets email, real name and comment; false if there is no such user. */
    public boolean updateProfile(long id, String email, String realname, String comment) {
        return jdbc.sql("""
                        UPDATE app_user SET email = ?, realname = ?, comment = ?, update_time = now()
                        WHERE id = ?
                        """)
                        .param(email)
                        .param(realname)
                        .param(comment)
                        .param(id)
                        .update()
                > 0;
    }

    public void setSysadmin(long id, boolean sysadmin) {
        jdbc.sql("UPDATE app_user SET sysadmin = ?, update_time = now() WHERE id = ?")
                .param(sysadmin)
                .param(id)
                .update();
    }

    /** Deletes the user; their sessions go with them (foreign key), owned projects lose their owner. */
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM app_user WHERE id = ?").param(id).update() > 0;
    }

    /**
     * The ids of the system administrators, locked until the transaction ends, so that two
     * concurrent demotions or deletions cannot both remove "the other" last administrator.
     */
    public List<Long> lockSysadmins() {
        return jdbc.sql("SELECT id FROM app_user WHERE sysadmin ORDER BY id FOR UPDATE")
                .query(Long.class)
                .list();
    }

    /**
     * Counts users matching {@code where}: empty or a WHERE clause over the alias {@code u}, made
     * only of column expressions from an allow-list (see {@code dev.berth.api.QueryFields}) and
     * {@code ?} placeholders bound to {@code params}. Never client text.
     */
    public long count(String where, List<Object> params) {
        return jdbc.sql("SELECT count(*) FROM app_user u" + where)
                .params(params)
                .query(Long.class)
                .single();
    }

    /** A page of users; the SQL fragments obey the same rule as in {@link #count}. */
    public List<UserAccount> list(String where, List<Object> params, String orderBy, String limitOffset) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user u" + where + orderBy + limitOffset)
                .params(params)
                .query(UserRecords::row)
                .list();
    }

    /** How many usernames contain {@code fragment}, ignoring case. */
    public long countNameContaining(String fragment) {
        return jdbc.sql("SELECT count(*) FROM app_user WHERE strpos(lower(username), lower(?)) > 0")
                .param(fragment)
                .query(Long.class)
                .single();
    }

    /** Users whose name contains {@code fragment}, ignoring case, by name. */
    public List<UserAccount> nameContaining(String fragment, long limit, long offset) {
        return jdbc.sql(
                        "SELECT " + COLUMNS
                                + " FROM app_user WHERE strpos(lower(username), lower(?)) > 0 ORDER BY username, id LIMIT ? OFFSET ?")
                .param(fragment)
                .param(limit)
                .param(offset)
                .query(UserRecords::row)
                .list();
    }

    static UserAccount row(ResultSet rs, int i) throws SQLException {
        return new UserAccount(
                rs.getLong("id"),
                rs.getString("username"),
                rs.getString("email"),
                rs.getString("realname"),
                rs.getString("comment"),
                rs.getBoolean("sysadmin"),
                rs.getTimestamp("creation_time").toInstant(),
                rs.getTimestamp("update_time").toInstant());
    }
}
