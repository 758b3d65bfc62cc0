package dev.berth.iam;

import java.sql.ResultSet;
import java.sql.SQLException;
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

    Optional<String> passwordHash(long id) {
        return jdbc.sql("SELECT password_hash FROM app_user WHERE id = ?")
                .param(id)
                .query(String.class)
                .optional();
    }

    public long insert(
            String username, String email, String realname, String comment, String passwordHash, boolean sysadmin) {
        return jdbc.sql("""
                        INSERT INTO app_user (username, email, realname, comment, password_hash, sysadmin)
                        VALUES (?, ?, ?, ?, ?, ?) RETURNING id
                        """)
                .param(username)
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
