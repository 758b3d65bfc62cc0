package dev.berth.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.berth.support.BerthServer;
import dev.berth.support.JobLogs;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.Slapd;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code ldap_auth} against a real OpenLDAP ({@link Slapd}): the configuration items, login by
 * bind on every path, onboarding, groups (nested, administrators), LDAP injection, a directory that
 * is down, and the bind password kept out of answers, logs, the audit log and job logs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LdapLoginTest {
    static final String SEARCH_PASSWORD = Slapd.ROOT_PASSWORD;
    private static final String FORM = "application/x-www-form-urlencoded";

    private static Slapd slapd;
    private static TestDatabase db;
    private static BerthServer server;
    private static MutableClock clock;
    private static RegistryClient admin;
    private static ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void start() {
        assumeTrue(Slapd.available(), "slapd is not installed");
        slapd = Slapd.shared();
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        "berth.ldap.trusted-ca", slapd.caFile().toString(),
                        "berth.ldap.group-cache", "PT10M"),
                MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
        admin = server.adminClient();
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        configure(admin, slapd.url());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
            server.close();
            db.close();
        }
    }

    /** Berth's LDAP items for the test directory. */
    static void configure(RegistryClient admin, String url) {
        RegistryClient.Response r = put(admin, "/api/v2.0/configurations", """
                {"auth_mode":"ldap_auth","ldap_url":"%s","ldap_search_dn":"%s","ldap_search_password":"%s",
                 "ldap_base_dn":"%s","ldap_filter":"objectClass=inetOrgPerson","ldap_uid":"uid","ldap_scope":2,
                 "ldap_timeout":5,"ldap_verify_cert":true,"ldap_group_base_dn":"%s",
                 "ldap_group_search_filter":"(objectClass=groupOfNames)","ldap_group_attribute_name":"cn",
                 "ldap_group_search_scope":2,"ldap_group_admin_dn":"cn=harbor-admins,%s",
                 "ldap_group_membership_attribute":"memberOf"}
                """.formatted(
                        url, Slapd.ROOT_DN, SEARCH_PASSWORD, Slapd.PEOPLE, Slapd.GROUPS, Slapd.GROUPS));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    static RegistryClient.Response put(RegistryClient client, String path, String json) {
        return client.send("PUT", path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    static RegistryClient.Response post(RegistryClient client, String path, String json) {
        return client.send("POST", path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    private static RegistryClient.Response portalLogin(String user, String password) {
        String form = "principal=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return server.anonymousClient()
                .send("POST", "/c/login", form.getBytes(StandardCharsets.UTF_8), "Content-Type", FORM);
    }

    private static int apiStatus(String user, String password) {
        return server.client(user, password).get("/api/v2.0/users/current").status();
    }

    @Test
    @Order(1)
    void configurationShowsTheItemsButNeverTheBindPassword_whichIsSealedAtRest() {
        RegistryClient.Response r = admin.get("/api/v2.0/configurations");
        assertThat(r.status()).isEqualTo(200);
        JsonNode c = r.json();
        assertThat(c.path("auth_mode").path("value").asString()).isEqualTo("ldap_auth");
        assertThat(c.path("ldap_url").path("value").asString()).isEqualTo(slapd.url());
        assertThat(c.path("ldap_uid").path("value").asString()).isEqualTo("uid");
        assertThat(c.path("ldap_scope").path("value").asInt()).isEqualTo(2);
        assertThat(c.path("ldap_verify_cert").path("value").asBoolean()).isTrue();
        assertThat(c.path("ldap_url").path("editable").asBoolean()).isTrue();
        assertThat(c.has("ldap_search_password")).isFalse();
        assertThat(r.text()).doesNotContain(SEARCH_PASSWORD);

        String stored = server.bean(JdbcClient.class)
                .sql("SELECT value::text FROM system_config WHERE name = 'ldap_search_password'")
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain(SEARCH_PASSWORD).contains(":");

        assertThat(server.adminClient()
                        .get("/api/v2.0/systeminfo")
                        .json()
                        .path("auth_mode")
                        .asString())
                .isEqualTo("ldap_auth");
        // Invalid values are refused, nothing changes.
        assertThat(put(admin, "/api/v2.0/configurations", "{\"ldap_scope\":7}").status())
                .isEqualTo(400);
        assertThat(put(admin, "/api/v2.0/configurations", "{\"ldap_filter\":\"(uid=\"}")
                        .status())
                .isEqualTo(400);
        assertThat(put(admin, "/api/v2.0/configurations", "{\"auth_mode\":\"uaa_auth\"}")
                        .status())
                .isEqualTo(400);
        // Not for a non-admin.
        assertThat(put(server.anonymousClient(), "/api/v2.0/configurations", "{\"ldap_scope\":1}")
                        .status())
                .isEqualTo(401);
    }

    @Test
    @Order(2)
    void portalLoginBindsOnboardsWithHarborsFieldsAndApiBasicWorks() {
        RegistryClient.Response r = portalLogin("alice", "alice-Pass-1");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String sid = TestUsers.cookie(r, "sid");
        RegistryClient session = new RegistryClient(server.baseUri(), Map.of("Cookie", "sid=" + sid));
        JsonNode me = session.get("/api/v2.0/users/current").json();
        assertThat(me.path("username").asString()).isEqualTo("alice");
        assertThat(me.path("email").asString()).isEqualTo("alice@berth.test");
        assertThat(me.path("realname").asString()).isEqualTo("Alice Liddell");
        assertThat(me.path("sysadmin_flag").asBoolean()).isFalse();

        assertThat(apiStatus("alice", "alice-Pass-1")).isEqualTo(200);
        assertThat(apiStatus("alice", "wrong-Pass-1")).isEqualTo(401);
        assertThat(portalLogin("alice", "wrong-Pass-1").status()).isEqualTo(401);
        assertThat(apiStatus("nobody", "alice-Pass-1")).isEqualTo(401);
        // An empty password would be an anonymous bind, which LDAP servers accept: never a login.
        assertThat(apiStatus("alice", "")).isEqualTo(401);
        // Only one user row for alice, however often she signs in.
        assertThat(admin.get("/api/v2.0/users?q=username%3Dalice").json().size())
                .isEqualTo(1);
    }

    @Test
    @Order(3)
    void tokenServiceAndRegistryTakeBasicCredentialsFromTheDirectory() {
        RegistryClient bob = server.client("bob", "bob-Pass-1");
        RegistryClient.Response token = bob.get("/service/token?service=berth");
        assertThat(token.status()).as(token.text()).isEqualTo(200);
        assertThat(token.json().path("token").asString()).isNotEmpty();
        assertThat(bob.get("/v2/").status()).isEqualTo(200);
        assertThat(server.client("bob", "nope-Pass-1")
                        .get("/service/token?service=berth")
                        .status())
                .isEqualTo(401);
        assertThat(server.client("bob", "nope-Pass-1").get("/v2/").status()).isEqualTo(401);
    }

    @Test
    @Order(4)
    void injectionInTheUserNameFindsNobody() {
        for (String name :
                new String[] {"*", "al*", "alice)(uid=*", "*)(|(uid=*", "alice)(|(objectClass=*)", "\\2a", "alice\u0000"
                }) {
            assertThat(apiStatus(name, "alice-Pass-1")).as(name).isEqualTo(401);
            assertThat(portalLogin(name, "alice-Pass-1").status()).as(name).isEqualTo(401);
        }
        // Search by the operations endpoint: the name is a value, never filter text.
        RegistryClient.Response r = admin.get(
                "/api/v2.0/ldap/users/search?username=" + URLEncoder.encode("*)(uid=*", StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().size()).isZero();
    }

    @Test
    @Order(5)
    void theAdministratorsGroupMakesASystemAdmin() {
        assertThat(server.client("carol", "carol-Pass-1")
                        .get("/api/v2.0/configurations")
                        .status())
                .isEqualTo(200);
        assertThat(server.client("bob", "bob-Pass-1")
                        .get("/api/v2.0/configurations")
                        .status())
                .isEqualTo(403);
        JsonNode me = server.client("carol", "carol-Pass-1")
                .get("/api/v2.0/users/current")
                .json();
        assertThat(me.path("admin_role_in_auth").asBoolean()).isTrue();
        assertThat(me.path("sysadmin_flag").asBoolean()).isFalse();
        assertThat(server.client("bob", "bob-Pass-1")
                        .get("/api/v2.0/users/current")
                        .json()
                        .path("admin_role_in_auth")
                        .asBoolean())
                .isFalse();
        // The flag comes from the directory, not stored as the user's own.
        JsonNode carol = admin.get("/api/v2.0/users?q=username%3Dcarol").json().get(0);
        assertThat(carol.path("sysadmin_flag").asBoolean()).isFalse();
    }

    @Test
    @Order(6)
    void ldapGroupMembershipGrantsItsRole_nestedToo_andARemovalLapsesAfterTheCachePeriod() {
        server.ensureProject("ldapgroups", false);
        RegistryClient.Response created = post(admin, "/api/v2.0/usergroups", """
                {"group_name":"developers","group_type":1,"ldap_group_dn":"cn=developers,%s"}
                """.formatted(Slapd.GROUPS));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        long groupId = Long.parseLong(created.header("Location").orElseThrow().replaceAll(".*/", ""));
        RegistryClient.Response member = post(
                admin,
                "/api/v2.0/projects/ldapgroups/members",
                "{\"role_id\":2,\"member_group\":{\"id\":" + groupId + "}}");
        assertThat(member.status()).as(member.text()).isEqualTo(201);

        // A login resolves the groups (the memberships of a login before the group existed are old).
        clock.advance(Duration.ofMinutes(11));
        for (String user : new String[] {"alice", "dave"}) {
            RegistryClient c = server.client(user, user + "-Pass-1");
            assertThat(c.get("/api/v2.0/projects/ldapgroups").status()).as(user).isEqualTo(200);
            assertThat(pushAccess(c, "ldapgroups/app")).as(user).contains("push");
            c.pushImage("ldapgroups/" + user, "v1", ("layer of " + user).getBytes(StandardCharsets.UTF_8));
            // The group's project is among "my" projects, with the group's role, and so are its repositories.
            JsonNode listed = c.get("/api/v2.0/projects?name=ldapgroups").json();
            assertThat(listed.size()).as(user).isEqualTo(1);
            assertThat(listed.get(0).path("current_user_role_id").asInt())
                    .as(user)
                    .isEqualTo(2);
            assertThat(c.get("/api/v2.0/repositories").text()).as(user).contains("ldapgroups/" + user);
            assertThat(c.get("/api/v2.0/statistics")
                            .json()
                            .path("private_project_count")
                            .asInt())
                    .as(user)
                    .isEqualTo(1);
        }
        RegistryClient bob = server.client("bob", "bob-Pass-1");
        assertThat(bob.get("/api/v2.0/projects/ldapgroups").status()).isEqualTo(404); // private: not shown
        assertThat(pushAccess(bob, "ldapgroups/app")).isEmpty();

        // alice leaves the group in the directory: her membership stands until the cache period ends.
        slapd.modify(
                "cn=developers," + Slapd.GROUPS,
                new Modification(ModificationType.DELETE, "member", "uid=alice," + Slapd.PEOPLE));
        try {
            RegistryClient alice = server.client("alice", "alice-Pass-1");
            assertThat(pushAccess(alice, "ldapgroups/app")).contains("push");
            clock.advance(Duration.ofMinutes(11));
            assertThat(pushAccess(alice, "ldapgroups/app")).isEmpty();
            assertThat(alice.get("/api/v2.0/projects/ldapgroups").status()).isEqualTo(404);
            assertThat(alice.get("/api/v2.0/projects?name=ldapgroups").json().size())
                    .isZero();
            assertThat(pushAccess(server.client("dave", "dave-Pass-1"), "ldapgroups/app"))
                    .contains("push");
        } finally {
            slapd.modify(
                    "cn=developers," + Slapd.GROUPS,
                    new Modification(ModificationType.ADD, "member", "uid=alice," + Slapd.PEOPLE));
        }
    }

    /** The actions a registry token grants on the repository. */
    static String pushAccess(RegistryClient client, String repository) {
        return RegistryClient.grantedActions(
                client.get("/service/token?service=berth&scope=repository:" + repository + ":pull,push"));
    }

    @Test
    @Order(7)
    void ldapsWithTheTestCa() {
        RegistryClient.Response ping = post(admin, "/api/v2.0/ldap/ping", "{\"ldap_url\":\"" + slapd.tlsUrl() + "\"}");
        assertThat(ping.status()).isEqualTo(200);
        // Another URL: the stored password is not sent there, so the ping carries it.
        ping = post(
                admin,
                "/api/v2.0/ldap/ping",
                "{\"ldap_url\":\"" + slapd.tlsUrl() + "\",\"ldap_search_password\":\"" + SEARCH_PASSWORD + "\"}");
        assertThat(ping.json().path("success").asBoolean()).as(ping.text()).isTrue();
        configure(admin, slapd.tlsUrl());
        try {
            assertThat(apiStatus("bob", "bob-Pass-1")).isEqualTo(200);
        } finally {
            configure(admin, slapd.url());
        }
    }

    @Test
    @Order(8)
    void aDirectoryThatIsDownRefusesClearly_andLocalAdminStillWorks() {
        // Nothing listens on slapd's port + nothing: a closed port on loopback.
        String dead = "ldap://127.0.0.1:" + dev.berth.support.FreePort.pick();
        configure(admin, dead);
        try {
            RegistryClient.Response r = server.client("bob", "bob-Pass-2").get("/api/v2.0/users/current");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.text()).contains("LDAP").contains("cannot connect");
            RegistryClient.Response login = portalLogin("dave", "dave-Pass-2");
            assertThat(login.status()).isEqualTo(503);
            assertThat(server.client("bob", "bob-Pass-2").get("/v2/").status()).isEqualTo(503);
            assertThat(admin.get("/api/v2.0/users/current").status()).isEqualTo(200);
            assertThat(portalLogin("admin", BerthServer.ADMIN_PASSWORD).status())
                    .isEqualTo(200);
            RegistryClient.Response ping = post(admin, "/api/v2.0/ldap/ping", "");
            assertThat(ping.json().path("success").asBoolean()).isFalse();
            assertThat(ping.json().path("message").asString()).contains("cannot connect");
        } finally {
            configure(admin, slapd.url());
        }
    }

    @Test
    @Order(9)
    void harborsOperations_searchImportGroups_forAdministratorsOnly() {
        RegistryClient.Response users = admin.get("/api/v2.0/ldap/users/search?username=bob");
        assertThat(users.status()).isEqualTo(200);
        assertThat(users.json().get(0).path("username").asString()).isEqualTo("bob");
        assertThat(users.json().get(0).path("email").asString()).isEqualTo("bob@berth.test");
        assertThat(admin.get("/api/v2.0/ldap/users/search").json().size()).isEqualTo(4);

        slapd.add("""
                dn: uid=erin,%s
                objectClass: inetOrgPerson
                uid: erin
                cn: Erin Imported
                sn: Imported
                mail: erin@berth.test
                userPassword: erin-Pass-1
                """.formatted(Slapd.PEOPLE));
        RegistryClient.Response imported = post(admin, "/api/v2.0/ldap/users/import", "{\"ldap_uid_list\":[\"erin\"]}");
        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        assertThat(admin.get("/api/v2.0/users?q=username%3Derin")
                        .json()
                        .get(0)
                        .path("realname")
                        .asString())
                .isEqualTo("Erin Imported");
        RegistryClient.Response failed = post(admin, "/api/v2.0/ldap/users/import", "{\"ldap_uid_list\":[\"ghost\"]}");
        assertThat(failed.status()).isEqualTo(404);
        assertThat(failed.json().get(0).path("uid").asString()).isEqualTo("ghost");

        RegistryClient.Response groups = admin.get("/api/v2.0/ldap/groups/search?groupname=backend");
        assertThat(groups.status()).isEqualTo(200);
        assertThat(groups.json().get(0).path("ldap_group_dn").asString()).isEqualTo("cn=backend," + Slapd.GROUPS);
        RegistryClient.Response byDn = admin.get("/api/v2.0/ldap/groups/search?groupdn="
                + URLEncoder.encode("cn=developers," + Slapd.GROUPS, StandardCharsets.UTF_8));
        assertThat(byDn.json().get(0).path("group_name").asString()).isEqualTo("developers");
        assertThat(admin.get("/api/v2.0/ldap/groups/search?groupname=nonesuch").status())
                .isEqualTo(404);
        assertThat(admin.get("/api/v2.0/ldap/groups/search?groupname=" + URLEncoder.encode("*", StandardCharsets.UTF_8))
                        .status())
                .isEqualTo(404);

        RegistryClient bob = server.client("bob", "bob-Pass-1");
        assertThat(bob.get("/api/v2.0/ldap/users/search?username=bob").status()).isEqualTo(403);
        assertThat(post(bob, "/api/v2.0/ldap/users/import", "{\"ldap_uid_list\":[\"erin\"]}")
                        .status())
                .isEqualTo(403);
        assertThat(bob.get("/api/v2.0/ldap/groups/search?groupname=backend").status())
                .isEqualTo(403);
        assertThat(post(bob, "/api/v2.0/ldap/ping", "").status()).isEqualTo(403);
        assertThat(server.anonymousClient().get("/api/v2.0/ldap/users/search").status())
                .isEqualTo(401);
    }

    @Test
    @Order(10)
    void authModeCannotChangeOnceDirectoryUsersExist() {
        RegistryClient.Response r = put(admin, "/api/v2.0/configurations", "{\"auth_mode\":\"db_auth\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).contains("auth_mode");
        // Accounts come from the directory: no local user creation, no local password for its users.
        RegistryClient.Response create = post(admin, "/api/v2.0/users", """
                {"username":"localguy","email":"l@berth.test","realname":"L","password":"Local-Pass-2026"}""");
        assertThat(create.status()).as(create.text()).isEqualTo(403);
        long bobId = admin.get("/api/v2.0/users?q=username%3Dbob")
                .json()
                .get(0)
                .path("user_id")
                .asLong();
        assertThat(put(admin, "/api/v2.0/users/" + bobId + "/password", "{\"new_password\":\"Other-Pass-2026\"}")
                        .status())
                .isEqualTo(403);
        // Writing back the current value is fine.
        assertThat(put(admin, "/api/v2.0/configurations", "{\"auth_mode\":\"ldap_auth\"}")
                        .status())
                .isEqualTo(200);
    }

    @Test
    @Order(11)
    void theBindPasswordIsInNoAnswerLogAuditRecordOrJobLog() {
        String audit = admin.get("/api/v2.0/audit-logs?page_size=100").text();
        assertThat(audit).doesNotContain(SEARCH_PASSWORD);
        for (ILoggingEvent e : logs.list) {
            assertThat(e.getFormattedMessage()).doesNotContain(SEARCH_PASSWORD);
            assertThat(e.getFormattedMessage()).doesNotContain("alice-Pass-1").doesNotContain("bob-Pass-1");
        }
        assertThat(logs.list).isNotEmpty();
        String everything = server.bean(JdbcClient.class)
                .sql("SELECT string_agg(value::text, ' ') FROM system_config")
                .query(String.class)
                .single();
        assertThat(everything).doesNotContain(SEARCH_PASSWORD);
        assertThat(JobLogs.afterAGarbageCollection(server))
                .doesNotContain(SEARCH_PASSWORD)
                .doesNotContain("alice-Pass-1");
    }
}
