package dev.berth.iam;

import java.time.Instant;

/** A local user as stored (without the password hash). */
public record UserAccount(
        long id,
        String username,
        String email,
        String realname,
        String comment,
        boolean sysadmin,
        Instant creationTime,
        Instant updateTime) {
    public Principal.User principal() {
        return new Principal.User(id, username, sysadmin);
    }
}
