package dev.berth.ldap;

import java.util.List;

/** What Berth reads from the directory. */
final class LdapEntries {
    private LdapEntries() {}

    /** A user entry, with Harbor's fields and the DNs of its membership attribute. */
    record User(String dn, String username, String realname, String email, List<String> groupDns) {
        User {
            groupDns = List.copyOf(groupDns);
        }
    }

    /** A group entry: its DN and the value of the group name attribute. */
    record Group(String dn, String name) {}
}
