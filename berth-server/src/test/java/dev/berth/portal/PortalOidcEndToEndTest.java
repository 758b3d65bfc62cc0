package dev.berth.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.registry.clients.ContainerTools;
import dev.berth.registry.clients.OciLayout;
import dev.berth.support.BerthServer;
import dev.berth.support.PortalScript;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * OIDC in the portal, in real headless Chromium ({@code portal/e2e/oidc.mjs}) against a real
 * OpenID Connect provider on 127.0.0.1 (NAV's mock-oauth2-server with its interactive sign-in
 * page): "Login via Mock SSO", the provider's sign-in, the callback, the onboarding page, the groups
 * claim giving the project role, the CLI secret in the profile; then podman logs in and pushes with
 * the CLI secret the user copied from the page.
 */
class PortalOidcEndToEndTest {
    private static final String PROJECT = "oidce2e";
    private static final String GROUP = "dev-e2e";
    private static final String CLIENT_SECRET = "E2e-Client-Secret-31";

    @TempDir
    static Path work;

    private static MockOAuth2Server provider;
    private static TestDatabase db;
    private static BerthServer server;

    @BeforeAll
    static void start() throws IOException {
        provider = new MockOAuth2Server(new OAuth2Config(true));
        provider.start(InetAddress.getByName("127.0.0.1"), 0);
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(db, Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
        RegistryClient admin = server.adminClient();
        String issuer = provider.issuerUrl("default").toString().replaceAll("/$", "");
        send(admin, "PUT", "/api/v2.0/configurations", """
                {"auth_mode":"oidc_auth","oidc_name":"Mock SSO","oidc_endpoint":"%s","oidc_client_id":"berth-e2e",
                 "oidc_client_secret":"%s","oidc_scope":"openid,offline_access","oidc_verify_cert":true,
                 "oidc_auto_onboard":false,"oidc_logout":true,"oidc_user_claim":"preferred_username","oidc_groups_claim":"groups",
                 "self_registration":true}
                """.formatted(issuer, CLIENT_SECRET), 200);
        server.ensureProject(PROJECT, false);
        RegistryClient.Response group =
                send(admin, "POST", "/api/v2.0/usergroups", "{\"group_name\":\"" + GROUP + "\",\"group_type\":3}", 201);
        String id = group.header("Location").orElseThrow().replaceAll(".*/", "");
        send(
                admin,
                "POST",
                "/api/v2.0/projects/" + PROJECT + "/members",
                "{\"role_id\":2,\"member_group\":{\"id\":" + id + "}}",
                201);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            db.close();
        }
        if (provider != null) {
            provider.shutdown();
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
    void aUserSignsInThroughTheProvider_isOnboarded_getsTheGroupsRole_andPushesWithTheCliSecret() throws IOException {
        Path secretFile = work.resolve("cli-secret");
        PortalScript.named("oidc.mjs")
                // The browser uses Berth's external URL, which the provider sends it back to
                // (redirect_uri); without berth.external-url that is http://localhost:<port>.
                .with("BERTH_URL", "http://localhost:" + server.port())
                .with("OIDC_PROVIDER_NAME", "Mock SSO")
                .with("PROJECT", PROJECT)
                .with("GROUP", GROUP)
                .with("CLI_SECRET_FILE", secretFile.toString())
                .passes(server, 4);

        // One user, onboarded by the pages under the chosen name, with the provider's subject.
        RegistryClient admin = server.adminClient();
        JsonNode users = admin.get("/api/v2.0/users?q=username%3Derin").json();
        assertThat(users.size()).isEqualTo(1);
        assertThat(users.get(0).path("email").asString()).isEqualTo("erin@oidc.test");
        assertThat(admin.get("/api/v2.0/users").text()).doesNotContain(CLIENT_SECRET);

        // podman with the secret the user copied from the profile page; the group grants the push.
        String secret = Files.readString(secretFile).trim();
        ContainerTools tools = new ContainerTools(work.resolve("podman"));
        if (!ContainerTools.installed("podman") || !ContainerTools.installed("buildah")) {
            return; // the browser part above is the test; podman is checked where it is installed (CI)
        }
        byte[] content = new byte[16 * 1024];
        new java.security.SecureRandom().nextBytes(content); // random: the tools' shared blob cache never matches
        OciLayout layout = tools.buildLayout("oidc", "amd64", Map.of("file.bin", content), "gzip");
        String imageId = tools.podman("a", "pull", "-q", "oci:" + layout.dir() + ":latest")
                .ok()
                .lastLine();
        assertThat(tools.podman(
                                "a",
                                "login",
                                "--tls-verify=false",
                                "-u",
                                "erin",
                                "-p",
                                "Not-The-Secret-1",
                                server.hostPort())
                        .exit())
                .isNotZero();
        tools.podman("a", "login", "--tls-verify=false", "-u", "erin", "-p", secret, server.hostPort())
                .ok();
        tools.podman("a", "push", "--tls-verify=false", imageId, server.hostPort() + "/" + PROJECT + "/app:v1")
                .ok();
        assertThat(admin.get("/v2/" + PROJECT + "/app/manifests/v1").status()).isEqualTo(200);
    }
}
