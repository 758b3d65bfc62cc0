package dev.berth.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.PortalScript;
import dev.berth.support.RegistryClient;
import dev.berth.support.Slapd;
import dev.berth.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LDAP in the portal, in real headless Chromium ({@code portal/e2e/ldap.mjs}): a Berth in {@code
 * ldap_auth} against the tests' slapd; the administrator tests the server, imports a user and
 * registers a group; a directory user signs in through the login page.
 */
class PortalLdapEndToEndTest {
    private static TestDatabase db;
    private static BerthServer server;

    @BeforeAll
    static void start() {
        assumeTrue(Slapd.available(), "slapd is not installed");
        Slapd slapd = Slapd.shared();
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(db, Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
        String config = """
                {"auth_mode":"ldap_auth","ldap_url":"%s","ldap_search_dn":"%s","ldap_search_password":"%s",
                 "ldap_base_dn":"%s","ldap_uid":"uid","ldap_group_base_dn":"%s",
                 "ldap_group_search_filter":"objectClass=groupOfNames","ldap_group_membership_attribute":"memberOf"}
                """.formatted(slapd.url(), Slapd.ROOT_DN, Slapd.ROOT_PASSWORD, Slapd.PEOPLE, Slapd.GROUPS);
        RegistryClient.Response r = server.adminClient()
                .send(
                        "PUT",
                        "/api/v2.0/configurations",
                        config.getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            db.close();
        }
    }

    @Test
    void anAdministratorSetsUpLdapAndADirectoryUserSignsIn() {
        PortalScript.named("ldap.mjs")
                .with("LDAP_GROUP_DN", "cn=developers," + Slapd.GROUPS)
                .passes(server, 3);
        // The portal's import and group registration reached the server.
        assertThat(server.adminClient()
                        .get("/api/v2.0/users?q=username%3Dbob")
                        .json()
                        .size())
                .isEqualTo(1);
        assertThat(server.adminClient().get("/api/v2.0/usergroups").text()).contains("cn=developers," + Slapd.GROUPS);
    }
}
