package dev.berth.usergroup;

import java.time.Instant;

/**
 * A user group as Harbor knows it: a name from an identity provider that can be made a project
 * member. {@code groupType} is 1 (LDAP), 2 (HTTP auth proxy) or 3 (OIDC).
 */
public record UserGroup(
        long id, String groupName, int groupType, String ldapGroupDn, Instant creationTime, Instant updateTime) {
    public static final int LDAP = 1;
    public static final int HTTP = 2;
    public static final int OIDC = 3;

    public static boolean isValidType(int type) {
        return type == LDAP || type == HTTP || type == OIDC;
    }
}
