package dev.berth.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import dev.berth.support.BerthServer;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.Slapd;
import dev.berth.support.TestDatabase;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * {@code ldap_auth} against Active Directory's layout: {@code sAMAccountName} as the user name,
 * {@code userPrincipalName}, {@code CN=Users,DC=corp,DC=example} DNs, groups of class {@code group}
 * and {@code memberOf} on users, served by a real OpenLDAP ({@link Slapd}) with an AD-like schema
 * (AD's own OIDs for the attributes and classes; slapd's {@code memberof} overlay keeps {@code
 * memberOf} as AD does).
 *
 * <p>Active Directory's in-chain rule (LDAP_MATCHING_RULE_IN_CHAIN, {@code
 * 1.2.840.113556.1.4.1941}) is not evaluated by any server a test can start here: slapd does not
 * know it (the filter item is Undefined, so nothing matches, shown below), Debian 12's 389-ds
 * (2.3) predates its support (2.4), and UnboundID's in-memory server (the SDK Berth uses, 7.0.4)
 * does not implement it either. The in-chain path is therefore tested against UnboundID's in-memory
 * server with a <b>test interceptor that answers the rule</b> by walking {@code member} values of the
 * in-memory entries: this checks the request Berth sends (the filter, where, as whom) and what it
 * makes of the answer, not that a real Active Directory answers the same way.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LdapActiveDirectoryTest {
    private static final String DOMAIN = "DC=corp,DC=example";
    private static final String USERS = "CN=Users," + DOMAIN;
    private static final String IN_CHAIN = "1.2.840.113556.1.4.1941";

    /** Active Directory's attributes and classes under their AD OIDs (what slapd needs of them). */
    private static final String AD_SCHEMA = """
            attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
                EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
                SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
            attributetype ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName'
                EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
                SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
            objectclass ( 1.2.840.113556.1.3.23 NAME 'container' SUP top STRUCTURAL MUST cn )
            objectclass ( 1.2.840.113556.1.5.9 NAME 'user' SUP organizationalPerson STRUCTURAL
                MAY ( sAMAccountName $ userPrincipalName $ mail $ displayName ) )
            objectclass ( 1.2.840.113556.1.5.8 NAME 'group' SUP top STRUCTURAL
                MUST cn MAY ( member $ sAMAccountName $ description ) )
            """;

    /**
     * eve is in Backend Team, which is in Registry Devs; grace is in Ops, which is in Registry
     * Admins. Service account svc-berth searches.
     */
    private static final String AD_LDIF = """
            dn: %1$s
            objectClass: dcObject
            objectClass: organization
            dc: corp
            o: Corp

            dn: %2$s
            objectClass: container
            cn: Users

            dn: CN=svc-berth,%2$s
            objectClass: user
            cn: svc-berth
            sn: Service
            sAMAccountName: svc-berth
            userPassword: Svc-Berth-Pass-1

            dn: CN=Eve Example,%2$s
            objectClass: user
            cn: Eve Example
            sn: Example
            sAMAccountName: eve
            userPrincipalName: eve@corp.example
            mail: eve@corp.example
            userPassword: Eve-Pass-1

            dn: CN=Grace Ops,%2$s
            objectClass: user
            cn: Grace Ops
            sn: Ops
            sAMAccountName: grace
            userPrincipalName: grace@corp.example
            userPassword: Grace-Pass-1

            dn: CN=Backend Team,%2$s
            objectClass: group
            cn: Backend Team
            member: CN=Eve Example,%2$s

            dn: CN=Registry Devs,%2$s
            objectClass: group
            cn: Registry Devs
            member: CN=Backend Team,%2$s

            dn: CN=Ops,%2$s
            objectClass: group
            cn: Ops
            member: CN=Grace Ops,%2$s

            dn: CN=Registry Admins,%2$s
            objectClass: group
            cn: Registry Admins
            member: CN=Ops,%2$s
            """.formatted(DOMAIN, USERS);

    private static Slapd slapd;
    private static InMemoryDirectoryServer ad;
    private static final List<String> inChainFilters = new CopyOnWriteArrayList<>();
    private static TestDatabase db;
    private static BerthServer server;
    private static MutableClock clock;
    private static RegistryClient admin;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Slapd.available(), "slapd is not installed");
        slapd = Slapd.start(DOMAIN, AD_SCHEMA, "group", AD_LDIF);
        ad = inMemoryAd();
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db,
                Map.of("berth.outbound.allowed-networks", "127.0.0.1/32", "berth.ldap.group-cache", "PT10M"),
                MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
        admin = server.adminClient();
        configure(slapd.url(), "memberOf");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            db.close();
        }
        if (ad != null) {
            ad.shutDown(true);
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    /** Berth's LDAP items as an Active Directory administrator sets them (Harbor's keys). */
    private static void configure(String url, String membership) {
        RegistryClient.Response r = LdapLoginTest.put(
                admin, "/api/v2.0/configurations", """
                {"auth_mode":"ldap_auth","ldap_url":"%s","ldap_search_dn":"CN=svc-berth,%s",
                 "ldap_search_password":"Svc-Berth-Pass-1","ldap_base_dn":"%s","ldap_filter":"(objectClass=user)",
                 "ldap_uid":"sAMAccountName","ldap_scope":2,"ldap_timeout":5,"ldap_verify_cert":true,
                 "ldap_group_base_dn":"%s","ldap_group_search_filter":"(objectClass=group)",
                 "ldap_group_attribute_name":"cn","ldap_group_search_scope":2,
                 "ldap_group_admin_dn":"CN=Registry Admins,%s","ldap_group_membership_attribute":"%s"}
                """.formatted(url, USERS, DOMAIN, USERS, USERS, membership));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        // Memberships resolved under the old settings are not trusted past the cache period.
        clock.advance(Duration.ofMinutes(11));
    }

    @Test
    @Order(1)
    void anActiveDirectoryLayout_signsInBySamAccountName_nestedGroupsGrantTheirRole() {
        RegistryClient eve = server.client("eve", "Eve-Pass-1");
        JsonNode me = eve.get("/api/v2.0/users/current").json();
        assertThat(me.path("username").asString()).isEqualTo("eve");
        assertThat(me.path("realname").asString()).isEqualTo("Eve Example");
        assertThat(me.path("email").asString()).isEqualTo("eve@corp.example");
        assertThat(server.client("eve", "Wrong-Pass-1")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
        // The DN or the principal name is not a user name; injection finds nobody.
        for (String name : List.of("CN=Eve Example," + USERS, "eve@corp.example", "eve)(sAMAccountName=*", "*")) {
            assertThat(server.client(name, "Eve-Pass-1")
                            .get("/api/v2.0/users/current")
                            .status())
                    .as(name)
                    .isEqualTo(401);
        }

        // Registry Devs (which holds Backend Team, which holds eve) is a developer of the project.
        long group = ldapGroup("CN=Registry Devs," + USERS);
        server.ensureProject("adteam", false);
        RegistryClient.Response member = LdapLoginTest.post(
                admin, "/api/v2.0/projects/adteam/members", "{\"role_id\":2,\"member_group\":{\"id\":" + group + "}}");
        assertThat(member.status()).as(member.text()).isEqualTo(201);
        clock.advance(Duration.ofMinutes(11));
        assertThat(LdapLoginTest.pushAccess(eve, "adteam/app")).contains("push");

        // Registry Admins holds Ops, which holds grace: a system administrator; eve is not.
        assertThat(server.client("grace", "Grace-Pass-1").get("/api/v2.0/users").status())
                .isEqualTo(200);
        assertThat(eve.get("/api/v2.0/users").status()).isEqualTo(403);
    }

    @Test
    @Order(2)
    void slapdCannotEvaluateTheInChainRule_soOnlyTheDirectMemberOfCounts() {
        configure(slapd.url(), "memberOf:" + IN_CHAIN + ":");
        try {
            RegistryClient eve = server.client("eve", "Eve-Pass-1");
            assertThat(eve.get("/api/v2.0/users/current").status()).isEqualTo(200);
            // eve's own memberOf names Backend Team only; the nested Registry Devs needs the rule.
            assertThat(LdapLoginTest.pushAccess(eve, "adteam/app")).isEmpty();
        } finally {
            configure(slapd.url(), "memberOf");
        }
    }

    @Test
    @Order(3)
    void theInChainRule_isOneSearchOfTheGroupBase_andItsAnswerGrantsTheNestedGroupsRole() {
        String url = "ldap://127.0.0.1:" + ad.getListenPort();
        configure(url, "memberOf:" + IN_CHAIN + ":");
        try {
            long group = ldapGroup("CN=Outer,CN=Users," + DOMAIN);
            server.ensureProject("adchain", false);
            RegistryClient.Response member = LdapLoginTest.post(
                    admin,
                    "/api/v2.0/projects/adchain/members",
                    "{\"role_id\":2,\"member_group\":{\"id\":" + group + "}}");
            assertThat(member.status()).as(member.text()).isEqualTo(201);
            clock.advance(Duration.ofMinutes(11));
            inChainFilters.clear();

            // frank's entry carries no memberOf at all: only the in-chain search can find Outer ∋ Inner ∋ frank.
            RegistryClient frank = server.client("frank", "Frank-Pass-1");
            assertThat(LdapLoginTest.pushAccess(frank, "adchain/app")).contains("push");
            assertThat(inChainFilters)
                    .containsExactly(
                            "(&(objectClass=group)(member:" + IN_CHAIN + ":=CN=Frank Nested,CN=Users," + DOMAIN + "))");
            assertThat(LdapLoginTest.pushAccess(server.client("heidi", "Heidi-Pass-1"), "adchain/app"))
                    .isEmpty();

            // The bounded walk over memberOf finds nothing for frank: the role came from the rule.
            configure(url, "memberOf");
            assertThat(LdapLoginTest.pushAccess(server.client("frank", "Frank-Pass-1"), "adchain/app"))
                    .isEmpty();
        } finally {
            configure(slapd.url(), "memberOf");
        }
    }

    /** Imports an LDAP group by DN (Harbor's usergroups API); its id. */
    private static long ldapGroup(String dn) {
        RegistryClient.Response created =
                LdapLoginTest.post(admin, "/api/v2.0/usergroups", """
                {"group_name":"%s","group_type":1,"ldap_group_dn":"%s"}
                """.formatted(dn.substring(3, dn.indexOf(',')), dn));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return Long.parseLong(created.header("Location").orElseThrow().replaceAll(".*/", ""));
    }

    /**
     * UnboundID's in-memory server with the same layout for the in-chain tests (frank in Inner, Inner
     * in Outer; heidi in Unrelated), users without {@code memberOf}, and the interceptor that answers
     * the in-chain rule (see the class comment).
     */
    private static InMemoryDirectoryServer inMemoryAd() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(DOMAIN);
        config.setSchema(null);
        config.setListenerConfigs(
                InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getByName("127.0.0.1"), 0, null));
        InChainInterceptor interceptor = new InChainInterceptor();
        config.addInMemoryOperationInterceptor(interceptor);
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        interceptor.server = server;
        server.add("dn: " + DOMAIN, "objectClass: domain", "dc: corp");
        server.add("dn: " + USERS, "objectClass: container", "cn: Users");
        server.add(
                "dn: CN=svc-berth," + USERS,
                "objectClass: user",
                "cn: svc-berth",
                "sAMAccountName: svc-berth",
                "userPassword: Svc-Berth-Pass-1");
        server.add(
                "dn: CN=Frank Nested," + USERS,
                "objectClass: user",
                "cn: Frank Nested",
                "sAMAccountName: frank",
                "userPrincipalName: frank@corp.example",
                "userPassword: Frank-Pass-1");
        server.add(
                "dn: CN=Heidi Other," + USERS,
                "objectClass: user",
                "cn: Heidi Other",
                "sAMAccountName: heidi",
                "userPassword: Heidi-Pass-1");
        server.add("dn: CN=Inner," + USERS, "objectClass: group", "cn: Inner", "member: CN=Frank Nested," + USERS);
        server.add("dn: CN=Outer," + USERS, "objectClass: group", "cn: Outer", "member: CN=Inner," + USERS);
        server.add(
                "dn: CN=Unrelated," + USERS, "objectClass: group", "cn: Unrelated", "member: CN=Heidi Other," + USERS);
        server.startListening();
        return server;
    }

    /**
     * Answers {@code (member:1.2.840.113556.1.4.1941:=<dn>)} as Active Directory defines it: the
     * groups whose {@code member} chain leads to {@code dn}. It rewrites the item into {@code
     * (|(member=<dn>)(member=<group>)...)} over every group found by walking {@code member} upwards
     * from {@code dn} in the in-memory entries. Test code, standing in for the directory.
     */
    private static final class InChainInterceptor extends InMemoryOperationInterceptor {
        volatile InMemoryDirectoryServer server;

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
            Filter f = request.getRequest().getFilter();
            Filter rewritten = rewrite(f);
            if (rewritten != f) {
                inChainFilters.add(f.toString());
                SearchRequest copy = request.getRequest().duplicate();
                copy.setFilter(rewritten);
                request.setRequest(copy);
            }
        }

        private Filter rewrite(Filter f) throws LDAPException {
            switch (f.getFilterType()) {
                case Filter.FILTER_TYPE_AND, Filter.FILTER_TYPE_OR -> {
                    List<Filter> parts = new ArrayList<>();
                    boolean changed = false;
                    for (Filter c : f.getComponents()) {
                        Filter r = rewrite(c);
                        changed |= r != c;
                        parts.add(r);
                    }
                    if (!changed) {
                        return f;
                    }
                    return f.getFilterType() == Filter.FILTER_TYPE_AND
                            ? Filter.createANDFilter(parts)
                            : Filter.createORFilter(parts);
                }
                case Filter.FILTER_TYPE_EXTENSIBLE_MATCH -> {
                    if (!IN_CHAIN.equals(f.getMatchingRuleID()) || !"member".equalsIgnoreCase(f.getAttributeName())) {
                        return f;
                    }
                    Set<String> chain = new LinkedHashSet<>(List.of(f.getAssertionValue()));
                    List<String> level = List.of(f.getAssertionValue());
                    while (!level.isEmpty()) {
                        List<String> next = new ArrayList<>();
                        for (String dn : level) {
                            for (SearchResultEntry e : server.search(
                                            DOMAIN, SearchScope.SUB, Filter.createEqualityFilter("member", dn), "1.1")
                                    .getSearchEntries()) {
                                if (chain.add(e.getDN())) {
                                    next.add(e.getDN());
                                }
                            }
                        }
                        level = next;
                    }
                    return Filter.createORFilter(chain.stream()
                            .map(dn -> Filter.createEqualityFilter("member", dn))
                            .toList());
                }
                default -> {
                    return f;
                }
            }
        }
    }
}
