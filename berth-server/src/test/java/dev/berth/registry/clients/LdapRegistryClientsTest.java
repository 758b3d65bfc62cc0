package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.Slapd;
import dev.berth.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real registry clients signing in with directory accounts ({@code ldap_auth}, the shared {@link
 * Slapd}): {@code podman login} and push by a user whose group (through a nested group) is a
 * project developer; a directory user outside the group is refused; skopeo with {@code --creds}.
 */
class LdapRegistryClientsTest {
    private static final Random RANDOM = new Random(19);

    @TempDir
    Path work;

    private static TestDatabase db;
    private static BerthServer server;

    @BeforeAll
    static void start() {
        assumeTrue(Slapd.available(), "slapd is not installed");
        assumeTrue(ContainerTools.installed("podman")
                && ContainerTools.installed("buildah")
                && ContainerTools.installed("skopeo"));
        Slapd slapd = Slapd.shared();
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(db, Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
        RegistryClient admin = server.adminClient();
        send(
                admin,
                "PUT",
                "/api/v2.0/configurations",
                """
                {"auth_mode":"ldap_auth","ldap_url":"%s","ldap_search_dn":"%s","ldap_search_password":"%s",
                 "ldap_base_dn":"%s","ldap_uid":"uid","ldap_group_base_dn":"%s",
                 "ldap_group_membership_attribute":"memberOf"}
                """.formatted(slapd.url(), Slapd.ROOT_DN, Slapd.ROOT_PASSWORD, Slapd.PEOPLE, Slapd.GROUPS),
                200);
        server.ensureProject("ldapteam", false);
        RegistryClient.Response group = send(
                admin,
                "POST",
                "/api/v2.0/usergroups",
                "{\"group_name\":\"developers\",\"group_type\":1,\"ldap_group_dn\":\"cn=developers," + Slapd.GROUPS
                        + "\"}",
                201);
        String id = group.header("Location").orElseThrow().replaceAll(".*/", "");
        send(
                admin,
                "POST",
                "/api/v2.0/projects/ldapteam/members",
                "{\"role_id\":2,\"member_group\":{\"id\":" + id + "}}",
                201);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            db.close();
        }
    }

    private static RegistryClient.Response send(
            RegistryClient c, String method, String path, String json, int expected) {
        RegistryClient.Response r =
                c.send(method, path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
        assertThat(r.status()).as(method + " " + path + ": " + r.text()).isEqualTo(expected);
        return r;
    }

    @Test
    void nestedGroupDeveloperPushesWithPodman_outsiderIsRefused_skopeoWithCreds() {
        ContainerTools tools = new ContainerTools(work);
        OciLayout source = tools.buildLayout("src", "amd64", randomFiles(), "gzip");
        String imageId = tools.podman("a", "pull", "-q", "oci:" + source.dir() + ":latest")
                .ok()
                .lastLine();
        String target = server.hostPort() + "/ldapteam/app:v1";

        assertThat(tools.podman("a", "login", "--tls-verify=false", "-u", "dave", "-p", "wrong-Pass", server.hostPort())
                        .exit())
                .isNotZero();
        // dave is in backend, a member of developers, which is the project's developer.
        tools.podman("a", "login", "--tls-verify=false", "-u", "dave", "-p", "dave-Pass-1", server.hostPort())
                .ok();
        tools.podman("a", "push", "--tls-verify=false", imageId, target).ok();
        assertThat(tools.podman("b", "pull", "-q", "--tls-verify=false", "--creds", "dave:dave-Pass-1", target)
                        .ok()
                        .lastLine())
                .isEqualTo(imageId);

        // bob is in the directory but in no group of the project.
        tools.podman("a", "logout", server.hostPort()).ok();
        tools.podman("a", "login", "--tls-verify=false", "-u", "bob", "-p", "bob-Pass-1", server.hostPort())
                .ok();
        ContainerTools.Result refused =
                tools.podman("a", "push", "--tls-verify=false", imageId, server.hostPort() + "/ldapteam/bob:v1");
        assertThat(refused.exit()).isNotZero();
        assertThat(server.adminClient().get("/v2/ldapteam/bob/tags/list").status())
                .isEqualTo(404);

        // alice, a direct member, copies with skopeo.
        tools.skopeo(
                        "copy",
                        "--dest-tls-verify=false",
                        "--dest-creds",
                        "alice:alice-Pass-1",
                        "oci:" + source.dir() + ":latest",
                        "docker://" + server.hostPort() + "/ldapteam/skopeo:v1")
                .ok();
        assertThat(server.adminClient().get("/v2/ldapteam/skopeo/tags/list").status())
                .isEqualTo(200);
    }

    private static Map<String, byte[]> randomFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] b = new byte[32 * 1024];
        RANDOM.nextBytes(b);
        files.put("file.bin", b);
        return files;
    }
}
