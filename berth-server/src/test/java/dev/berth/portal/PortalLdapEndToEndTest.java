package dev.berth.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.Slapd;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LDAP in the portal, in real headless Chromium ({@code portal/e2e/ldap.mjs}): a Berth in {@code
 * ldap_auth} against the tests' slapd; the administrator tests the server, imports a user and
 * registers a group; a directory user signs in through the login page.
 */
class PortalLdapEndToEndTest {
    private static final Path PORTAL = Path.of("..", "portal").toAbsolutePath().normalize();
    private static final Path SCREENSHOTS =
            Path.of("target", "portal-screenshots").toAbsolutePath();
    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

    private static TestDatabase db;
    private static BerthServer server;

    @BeforeAll
    static void start() {
        assumeTrue(Slapd.available(), "slapd is not installed");
        Slapd slapd = Slapd.shared();
        db = TestDatabase.create();
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
    void anAdministratorSetsUpLdapAndADirectoryUserSignsIn() throws IOException, InterruptedException {
        assertThat(Path.of(CHROMIUM)).as("Debian's chromium").isExecutable();
        assertThat(PORTAL.resolve("node_modules/playwright-core")).isDirectory();
        Files.createDirectories(SCREENSHOTS);
        Path log = Files.createTempFile("portal-ldap-e2e-", ".log");
        ProcessBuilder pb = new ProcessBuilder("node", "e2e/ldap.mjs")
                .directory(PORTAL.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("BERTH_URL", server.baseUri().toString());
        pb.environment().put("BERTH_ADMIN_PASSWORD", BerthServer.ADMIN_PASSWORD);
        pb.environment().put("SCREENSHOT_DIR", SCREENSHOTS.toString());
        pb.environment().put("CHROMIUM", CHROMIUM);
        pb.environment().put("LDAP_GROUP_DN", "cn=developers," + Slapd.GROUPS);
        Process process = pb.start();
        boolean finished = process.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        System.out.println(output);
        assertThat(finished).as("the LDAP end-to-end run finished\n%s", output).isTrue();
        assertThat(process.exitValue())
                .as("exit code of node e2e/ldap.mjs\n%s", output)
                .isZero();
        assertThat(output).contains("3 passed, 0 failed").doesNotContain("not ok");
        // The portal's import and group registration reached the server.
        assertThat(server.adminClient()
                        .get("/api/v2.0/users?q=username%3Dbob")
                        .json()
                        .size())
                .isEqualTo(1);
        assertThat(server.adminClient().get("/api/v2.0/usergroups").text()).contains("cn=developers," + Slapd.GROUPS);
    }
}
