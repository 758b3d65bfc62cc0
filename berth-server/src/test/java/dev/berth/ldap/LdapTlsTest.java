package dev.berth.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.Slapd;
import dev.berth.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ldaps://} to a server whose CA Berth does not trust (no {@code berth.ldap.trusted-ca}):
 * refused while {@code ldap_verify_cert} is on, accepted when the administrator turns it off; and
 * the outbound rules refuse a directory on a network that is not allowed.
 */
class LdapTlsTest {
    private static Slapd slapd;
    private static TestDatabase db;
    private static BerthServer server;

    @BeforeAll
    static void start() {
        assumeTrue(Slapd.available(), "slapd is not installed");
        slapd = Slapd.shared();
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(db, Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            db.close();
        }
    }

    private static RegistryClient.Response ping(String url, boolean verify) {
        String body =
                "{\"ldap_url\":\"%s\",\"ldap_search_dn\":\"%s\",\"ldap_search_password\":\"%s\",\"ldap_verify_cert\":%s}"
                        .formatted(url, Slapd.ROOT_DN, Slapd.ROOT_PASSWORD, verify);
        return LdapLoginTest.post(server.adminClient(), "/api/v2.0/ldap/ping", body);
    }

    @Test
    void anUntrustedCertificateIsRefusedUnlessVerificationIsOff() {
        RegistryClient.Response verified = ping(slapd.tlsUrl(), true);
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.json().path("success").asBoolean())
                .as(verified.text())
                .isFalse();
        assertThat(verified.text()).doesNotContain(Slapd.ROOT_PASSWORD);

        RegistryClient.Response unverified = ping(slapd.tlsUrl(), false);
        assertThat(unverified.json().path("success").asBoolean())
                .as(unverified.text())
                .isTrue();

        // Plain ldap:// to the same server works either way.
        assertThat(ping(slapd.url(), true).json().path("success").asBoolean()).isTrue();
    }

    @Test
    void aDirectoryOnANetworkThatIsNotAllowedIsNotContacted() {
        RegistryClient.Response r = ping("ldap://127.0.0.2:" + slapd.port(), false);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.json().path("message").asString()).contains("refused");
        RegistryClient.Response link = ping("ldap://169.254.169.254:389", false);
        assertThat(link.json().path("success").asBoolean()).isFalse();
        assertThat(link.json().path("message").asString()).contains("refused");
    }

    @Test
    void onlyAdministratorsMayPing() {
        assertThat(LdapLoginTest.post(server.anonymousClient(), "/api/v2.0/ldap/ping", "{}")
                        .status())
                .isEqualTo(401);
    }
}
