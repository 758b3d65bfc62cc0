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

    /** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN, which a directory evaluates over nested groups. */
    static final String IN_CHAIN = "1.2.840.113556.1.4.1941";

    /**
     * Whether {@code ldap_group_membership_attribute} asks for the in-chain rule, written as Active
     * Directory spells it in a filter: {@code memberOf:1.2.840.113556.1.4.1941:}.
     */
    boolean inChain() {
        int colon = membershipAttribute.indexOf(':');
        return colon > 0
                && membershipAttribute
                        .substring(colon + 1)
                        .replaceFirst(":$", "")
                        .equals(IN_CHAIN);
    }

    /** The user attribute that lists the user's groups ({@code memberOf} of {@code memberOf:<rule>:}). */
    String membershipAttributeName() {
        int colon = membershipAttribute.indexOf(':');
        return colon < 0 ? membershipAttribute : membershipAttribute.substring(0, colon);
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
