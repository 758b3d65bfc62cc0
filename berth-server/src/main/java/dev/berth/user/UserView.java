package dev.berth.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.iam.UserAccount;

/**
 * Harbor's {@code UserResp}: a user as the API shows it. Never a password or its hash. An empty
 * comment is left out, as Harbor's generated model does ({@code omitempty}).
 */
record UserView(
        long userId,
        String username,
        String email,
        String realname,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String comment,
        boolean sysadminFlag,
        boolean adminRoleInAuth,
        String creationTime,
        String updateTime) {

    static UserView of(UserAccount a) {
        return of(a, false);
    }

    /**
     * @param adminRoleInAuth whether the identity provider makes the user an administrator now (an
     *     LDAP user in {@code ldap_group_admin_dn}), apart from their own flag
     */
    static UserView of(UserAccount a, boolean adminRoleInAuth) {
        return new UserView(
                a.id(),
                a.username(),
                a.email() == null ? "" : a.email(),
                a.realname(),
                a.comment(),
                a.sysadmin(),
                adminRoleInAuth,
                a.creationTime().toString(),
                a.updateTime().toString());
    }

    /** Harbor's {@code UserSearchRespItem}: only what a member picker needs. */
    record SearchItem(long userId, String username) {
        static SearchItem of(UserAccount a) {
            return new SearchItem(a.id(), a.username());
        }
    }
}
