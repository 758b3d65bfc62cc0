package dev.berth.ldap;

/**
 * Harbor's LDAP configuration items, as in force or as given to {@code /ldap/ping}. The bind
 * password is held only in memory and never printed ({@link #toString()}).
 */
record LdapConfig(
        String url,
        String searchDn,
        String searchPassword,
        String baseDn,
        String filter,
        String uid,
        int scope,
        int timeoutSeconds,
        boolean verifyCert,
        String groupBaseDn,
        String groupFilter,
        String groupNameAttribute,
        int groupScope,
        String groupAdminDn,
        String membershipAttribute) {

    /** The same settings with another bind password (ping keeps the stored one when given none). */
    LdapConfig withSearchPassword(String password) {
        return new LdapConfig(
                url,
                searchDn,
                password,
                baseDn,
                filter,
                uid,
                scope,
                timeoutSeconds,
                verifyCert,
                groupBaseDn,
                groupFilter,
                groupNameAttribute,
                groupScope,
                groupAdminDn,
                membershipAttribute);
    }

    /** Where groups are searched: the group base DN, or the user base DN when none is set. */
    String effectiveGroupBaseDn() {
        return groupBaseDn.isBlank() ? baseDn : groupBaseDn;
    }

    @Override
    public String toString() {
        return "LdapConfig[url=" + url + ", searchDn=" + searchDn + ", baseDn=" + baseDn + ", uid=" + uid + "]";
    }
}
