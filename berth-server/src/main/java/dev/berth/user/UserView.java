package dev.berth.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.iam.UserAccount;
import dev.berth.oidc.OidcUsers;

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
        String updateTime,
        @JsonInclude(JsonInclude.Include.NON_NULL) OidcUserMeta oidcUserMeta) {

    /** Harbor's {@code OIDCUserInfo}; the CLI secret only for the user themself. */
    record OidcUserMeta(
            long id,
            long userId,
            String subiss,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) String secret,
            String creationTime,
            String updateTime) {
        static OidcUserMeta of(OidcUsers.Meta m, boolean withSecret) {
            return new OidcUserMeta(
                    m.id(),
                    m.userId(),
                    m.subiss(),
                    withSecret ? m.secret() : "",
                    m.creationTime().toString(),
                    m.updateTime().toString());
        }

        @Override
        public String toString() {
            return "OidcUserMeta[id=" + id + "]";
        }
    }

    UserView withOidc(OidcUserMeta meta) {
        return new UserView(
                userId,
                username,
                email,
                realname,
                comment,
                sysadminFlag,
                adminRoleInAuth,
                creationTime,
                updateTime,
                meta);
    }

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
                a.updateTime().toString(),
                null);
    }

    /** Harbor's {@code UserSearchRespItem}: only what a member picker needs. */
    record SearchItem(long userId, String username) {
        static SearchItem of(UserAccount a) {
            return new SearchItem(a.id(), a.username());
        }
    }
}
