package dev.berth.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One connection to the directory, bound as the search account for searches and as a user to check
 * their password. Every value a caller supplies enters a filter as an assertion value (escaped by
 * the SDK), never as filter text, so a user name cannot change what is searched for.
 */
final class LdapSession implements AutoCloseable {
    /** Entries returned by one search at most (Harbor pages without limit; a bound keeps memory bounded). */
    static final int MAX_ENTRIES = 1000;
    /** Groups followed in one nested walk at most. */
    static final int MAX_GROUPS = 500;

    private final LDAPConnection connection;
    private final LdapConfig config;
    private final LdapSettings settings;

    LdapSession(LDAPConnection connection, LdapConfig config, LdapSettings settings) {
        this.connection = connection;
        this.config = config;
        this.settings = settings;
    }

    /** Binds as {@code ldap_search_dn} (anonymously when none is set, as Harbor does). */
    void bindSearchAccount() {
        try {
            if (config.searchDn().isEmpty()) {
                connection.bind("", "");
            } else {
                connection.bind(config.searchDn(), config.searchPassword());
            }
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) {
                throw new LdapUnavailableException(
                        "the LDAP search account's bind was refused (ldap_search_dn or ldap_search_password is wrong)");
            }
            throw unavailable("binding as the search account", e);
        }
    }

    /** Whether the password is the user's: a bind as them. An empty password never is (that would be an anonymous bind). */
    boolean bindAs(String dn, String password) {
        if (password == null || password.isEmpty()) {
            return false;
        }
        try {
            connection.bind(dn, password);
            return true;
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS
                    || e.getResultCode() == ResultCode.INAPPROPRIATE_AUTHENTICATION
                    || e.getResultCode() == ResultCode.UNWILLING_TO_PERFORM) {
                return false;
            }
            throw unavailable("checking the password", e);
        }
    }

    /**
     * Users whose {@code ldap_uid} equals {@code username} and who match {@code ldap_filter}; every
     * user matching the filter when {@code username} is empty. Needs the search account's bind.
     */
    List<LdapEntries.User> searchUsers(String username) {
        Filter byName = username.isEmpty()
                ? Filter.createPresenceFilter(config.uid())
                : Filter.createEqualityFilter(config.uid(), username);
        Filter filter = and(userFilter(), byName);
        Set<String> attributes = new LinkedHashSet<>(List.of("uid", "cn", "mail", "email", config.uid()));
        attributes.add(config.membershipAttributeName());
        SearchResult result = search(config.baseDn(), scope(config.scope()), filter, attributes.toArray(String[]::new));
        List<LdapEntries.User> users = new ArrayList<>();
        for (SearchResultEntry e : result.getSearchEntries()) {
            users.add(user(e));
        }
        return users;
    }

    private LdapEntries.User user(SearchResultEntry e) {
        String username = "";
        String realname = "";
        String email = "";
        List<String> groups = new ArrayList<>();
        String uid = config.uid().toLowerCase(Locale.ROOT);
        String member = config.membershipAttributeName().toLowerCase(Locale.ROOT);
        // Harbor's mapping: the uid attribute is the name; uid or cn the real name; mail or email the email.
        for (Attribute a : e.getAttributes()) {
            String name = a.getBaseName().toLowerCase(Locale.ROOT);
            String value = a.getValue() == null ? "" : a.getValue().trim();
            if (name.equals(uid)) {
                username = value;
            } else if (name.equals("uid") || name.equals("cn")) {
                realname = value;
            } else if (name.equals("mail") || name.equals("email")) {
                email = value;
            }
            if (name.equals(member)) {
                for (String v : a.getValues()) {
                    groups.add(v.trim());
                }
            }
        }
        if (realname.isEmpty()) {
            String cn = e.getAttributeValue("cn");
            realname = cn == null ? username : cn;
        }
        return new LdapEntries.User(e.getDN(), username, realname, email, groups);
    }

    /** The group at {@code dn}, if it is under the group base DN and matches the group filter. */
    Optional<LdapEntries.Group> groupByDn(String dn) {
        if (!isDn(dn) || !under(config.effectiveGroupBaseDn(), dn)) {
            return Optional.empty();
        }
        try {
            SearchResult r = search(
                    dn,
                    SearchScope.BASE,
                    and(groupFilter(), Filter.createPresenceFilter("objectClass")),
                    config.groupNameAttribute());
            return r.getSearchEntries().stream().findFirst().map(this::group);
        } catch (LdapNotFound e) {
            return Optional.empty();
        }
    }

    /** Groups whose name attribute equals {@code name} (all groups when empty). */
    List<LdapEntries.Group> groupsByName(String name) {
        Filter byName = name.isEmpty()
                ? Filter.createPresenceFilter(config.groupNameAttribute())
                : Filter.createEqualityFilter(config.groupNameAttribute(), name);
        SearchResult r;
        try {
            r = search(
                    config.effectiveGroupBaseDn(),
                    scope(config.groupScope()),
                    and(groupFilter(), byName),
                    config.groupNameAttribute());
        } catch (LdapNotFound e) {
            return List.of();
        }
        return r.getSearchEntries().stream().map(this::group).toList();
    }

    /**
     * Every group a user belongs to, directly or through nested groups; at most {@value #MAX_GROUPS}
     * groups, normalised DNs. With the in-chain rule ({@link LdapConfig#inChain()}) the directory
     * itself evaluates the nesting: one search under the group base DN for groups whose {@code
     * member} matches the user's DN by {@code 1.2.840.113556.1.4.1941} (Active Directory), and the
     * user's own membership attribute besides. Otherwise a bounded walk ({@link #groupsWithNesting}).
     */
    Set<String> groupsOf(LdapEntries.User user) {
        if (!config.inChain()) {
            return groupsWithNesting(user.groupDns());
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String dn : user.groupDns()) {
            normalize(dn).ifPresent(seen::add);
        }
        Filter inChain = Filter.createExtensibleMatchFilter("member", LdapConfig.IN_CHAIN, false, user.dn());
        try {
            SearchResult r = search(
                    config.effectiveGroupBaseDn(), scope(config.groupScope()), and(groupFilter(), inChain), "1.1");
            for (SearchResultEntry e : r.getSearchEntries()) {
                if (seen.size() >= MAX_GROUPS) {
                    break;
                }
                normalize(e.getDN()).ifPresent(seen::add);
            }
        } catch (LdapNotFound e) {
            // No group base: the user's own attribute is all there is.
        }
        return seen;
    }

    /**
     * Every group a user belongs to: the DNs in their membership attribute, then, up to {@code
     * nested-group-depth} levels, the groups those groups belong to by the same attribute; at most
     * {@value #MAX_GROUPS} groups. Normalised DNs.
     */
    Set<String> groupsWithNesting(List<String> direct) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> level = new ArrayList<>();
        for (String dn : direct) {
            normalize(dn).filter(seen::add).ifPresent(level::add);
        }
        for (int depth = 0; depth < settings.nestedDepth() && !level.isEmpty() && seen.size() < MAX_GROUPS; depth++) {
            List<String> next = new ArrayList<>();
            for (String dn : level) {
                for (String parent : parentsOf(dn)) {
                    if (seen.size() >= MAX_GROUPS) {
                        break;
                    }
                    normalize(parent).filter(seen::add).ifPresent(next::add);
                }
            }
            level = next;
        }
        return seen;
    }

    private List<String> parentsOf(String groupDn) {
        try {
            SearchResult r = search(
                    groupDn,
                    SearchScope.BASE,
                    Filter.createPresenceFilter("objectClass"),
                    config.membershipAttributeName());
            List<String> parents = new ArrayList<>();
            for (SearchResultEntry e : r.getSearchEntries()) {
                String[] values = e.getAttributeValues(config.membershipAttributeName());
                if (values != null) {
                    parents.addAll(List.of(values));
                }
            }
            return parents;
        } catch (LdapNotFound e) {
            return List.of();
        }
    }

    /** The DN in canonical form (case and spacing folded), if it is one. */
    static Optional<String> normalize(String dn) {
        try {
            return Optional.of(new DN(dn).toNormalizedString());
        } catch (LDAPException e) {
            return Optional.empty();
        }
    }

    static boolean isDn(String dn) {
        return normalize(dn).isPresent() && !dn.isBlank();
    }

    /** Whether {@code child} is {@code base} or below it; true when no base is set. */
    static boolean under(String base, String child) {
        if (base.isBlank()) {
            return true;
        }
        try {
            return new DN(child).isDescendantOf(new DN(base), true);
        } catch (LDAPException e) {
            return false;
        }
    }

    private LdapEntries.Group group(SearchResultEntry e) {
        String name = e.getAttributeValue(config.groupNameAttribute());
        return new LdapEntries.Group(e.getDN(), name == null ? e.getDN() : name);
    }

    private Filter userFilter() {
        return parse(config.filter(), "ldap_filter");
    }

    private Filter groupFilter() {
        return parse(config.groupFilter(), "ldap_group_search_filter");
    }

    /** An administrator's filter, with the parentheses Harbor adds when they are missing; null when none. */
    static Filter parse(String text, String item) {
        String f = text == null ? "" : text.trim();
        if (f.isEmpty()) {
            return null;
        }
        if (!f.startsWith("(")) {
            f = "(" + f + ")";
        }
        try {
            return Filter.create(f);
        } catch (LDAPException e) {
            throw new LdapUnavailableException(item + " is not a valid LDAP filter");
        }
    }

    private static Filter and(Filter configured, Filter specific) {
        return configured == null ? specific : Filter.createANDFilter(configured, specific);
    }

    private static SearchScope scope(int harbor) {
        // Harbor: 0 base, 1 one level, 2 subtree.
        return switch (harbor) {
            case 0 -> SearchScope.BASE;
            case 1 -> SearchScope.ONE;
            default -> SearchScope.SUB;
        };
    }

    /** The base of a search does not exist. */
    private static final class LdapNotFound extends RuntimeException {
        LdapNotFound() {
            super(null, null, false, false);
        }
    }

    private SearchResult search(String base, SearchScope scope, Filter filter, String... attributes) {
        SearchRequest request = new SearchRequest(
                base,
                scope,
                DereferencePolicy.NEVER,
                MAX_ENTRIES,
                Math.max(1, config.timeoutSeconds()),
                false,
                filter,
                attributes);
        try {
            return connection.search(request);
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                throw new LdapNotFound();
            }
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return e.getSearchResult();
            }
            throw unavailable("searching", e);
        }
    }

    private static LdapUnavailableException unavailable(String doing, LDAPException e) {
        return new LdapUnavailableException("the LDAP server failed while " + doing + ": " + LdapConnector.describe(e));
    }

    @Override
    public void close() {
        connection.close();
    }
}
