package dev.berth.replication;

import static dev.berth.replication.ReplicationCalls.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.DockerTokenService;
import dev.berth.support.GitlabApiStandIn;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Debian's docker-registry (CNCF distribution 2.8) with token authentication ({@code auth.token}:
 * realm, service, issuer, root certificate) and a Docker token service as its realm, as a
 * replication destination and source; the same registries stand in for GitLab's ({@code
 * /jwt/auth}, service {@code container_registry}) and GHCR's ({@code /token}, service {@code
 * ghcr.io}) token services, which are this protocol with a personal access token as the password.
 */
class TokenAuthPeerTest {
    private static final String USER = "robot";
    private static final String TOKEN = "glpat-" + UUID.randomUUID();

    private static DockerTokenService tokens;
    private static GitlabApiStandIn gitlabApi;
    private static DistributionRegistry gitlab;
    private static DistributionRegistry ghcr;
    private static DistributionRegistry acr;
    private static BerthServer server;
    private static RegistryClient admin;
    private static ReplicationCalls calls;

    @BeforeAll
    static void start() {
        tokens = DockerTokenService.start(USER, TOKEN, "/jwt/auth", "/token", "/oauth2/token");
        gitlabApi = GitlabApiStandIn.on(tokens, TOKEN);
        gitlab = DistributionRegistry.withTokenAuth(tokens, "/jwt/auth", "container_registry");
        ghcr = DistributionRegistry.withTokenAuth(tokens, "/token", "ghcr.io");
        acr = DistributionRegistry.withTokenAuth(tokens, "/oauth2/token", "berthtest.azurecr.io");
        server = BerthServer.withExternalDatabase(Map.of(
                "berth.outbound.allowed-networks", "127.0.0.1/32",
                "berth.jobs.poll-interval", "200ms",
                "berth.replication.task-attempts", "1"));
        admin = server.adminClient();
        calls = new ReplicationCalls(admin);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {server, gitlab, ghcr, acr, tokens}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    private static RegistryClient.Response endpoint(String type, DistributionRegistry registry, String secret) {
        return calls.createRegistry(type, registry.baseUri().toString(), USER, secret);
    }

    private static JsonNode run(String registryKey, long registryId, String namePattern, String destNamespace) {
        Map<String, Object> body = ReplicationCalls.manualPolicy(registryKey, registryId, namePattern);
        if (destNamespace != null) {
            body.put("dest_namespace", destNamespace);
        }
        return calls.run(calls.policy(body));
    }

    @Test
    void aTokenAuthRegistryIsADestinationAndASource() {
        RegistryClient.Response wrong = endpoint("docker-registry", gitlab, "not-the-token");
        assertThat(wrong.status()).as(wrong.text()).isEqualTo(400);
        assertThat(wrong.text()).contains("token service refused");
        long registry = id(endpoint("docker-registry", gitlab, TOKEN));

        String project = new TestAccounts(server).project("tok", false);
        RegistryClient.Image image = admin.pushImage(project + "/app", "v1", ("tok " + UUID.randomUUID()).getBytes());
        JsonNode pushed = run("dest_registry", registry, project + "/**", null);
        assertThat(pushed.path("status").asString()).as(calls.logs(pushed)).isEqualTo("Succeed");
        // the registry let Berth in only with tokens for the scopes it asked for
        assertThat(tokens.requests()).anySatisfy(r -> {
            assertThat(r.path()).isEqualTo("/jwt/auth");
            assertThat(r.service()).isEqualTo("container_registry");
            assertThat(r.scopes()).contains("repository:" + project + "/app:pull,push");
            assertThat(r.authenticated()).isTrue();
        });
        // without a token the registry refuses; with one from the service, the manifest is there
        RegistryClient anonymous = new RegistryClient(gitlab.baseUri(), Map.of());
        assertThat(anonymous.get("/v2/" + project + "/app/manifests/v1").status())
                .isEqualTo(401);

        String into = new TestAccounts(server).project("tok-back", false);
        JsonNode pulled = run("src_registry", registry, project + "/**", into);
        assertThat(pulled.path("status").asString()).as(calls.logs(pulled)).isEqualTo("Succeed");
        RegistryClient.Response back =
                admin.get("/v2/" + into + "/app/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.raw().body()).isEqualTo(image.manifestBytes());
        assertThat(tokens.requests()).anySatisfy(r -> assertThat(r.scopes()).contains("registry:catalog:*"));
    }

    @Test
    void gitlabAndGhcrLogInThroughTheirTokenServices() {
        long gl = id(endpoint("gitlab", gitlab, TOKEN));
        RegistryClient.Response wrong = endpoint("github-ghcr", ghcr, "ghp_wrong");
        assertThat(wrong.status()).as(wrong.text()).isEqualTo(400);
        long gh = id(endpoint("github-ghcr", ghcr, TOKEN));
        assertThat(tokens.requests()).anySatisfy(r -> {
            assertThat(r.path()).isEqualTo("/token");
            assertThat(r.service()).isEqualTo("ghcr.io");
        });

        String project = new TestAccounts(server).project("gl", false);
        admin.pushImage(project + "/one", "v1", ("one " + UUID.randomUUID()).getBytes());
        admin.pushImage(project + "/two", "v1", ("two " + UUID.randomUUID()).getBytes());
        assertThat(run("dest_registry", gl, project + "/**", null)
                        .path("status")
                        .asString())
                .isEqualTo("Succeed");
        JsonNode toGhcr = run("dest_registry", gh, project + "/**", null);
        assertThat(toGhcr.path("status").asString()).as(calls.logs(toGhcr)).isEqualTo("Succeed");

        String into = new TestAccounts(server).project("gh-back", false);
        JsonNode pulled = run("src_registry", gh, project + "/two", into);
        assertThat(pulled.path("status").asString()).as(calls.logs(pulled)).isEqualTo("Succeed");
        assertThat(pulled.path("total").asInt()).isEqualTo(1);
        assertThat(admin.get("/v2/" + into + "/two/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void gitlabListsRepositoriesThroughItsProjectsApi() {
        long gl = id(endpoint("gitlab", gitlab, TOKEN));
        String project = new TestAccounts(server).project("glapi", false);
        for (String name : List.of("one", "two", "three")) {
            admin.pushImage(project + "/" + name, "v1", (name + " " + UUID.randomUUID()).getBytes());
        }
        JsonNode pushed = run("dest_registry", gl, project + "/**", null);
        assertThat(pushed.path("status").asString()).as(calls.logs(pushed)).isEqualTo("Succeed");
        // GitLab's API, not the catalog, says what there is: a project without its registry is skipped
        gitlabApi.add(new GitlabApiStandIn.Project(
                71,
                "group/app",
                true,
                List.of(project + "/one", project.toUpperCase(java.util.Locale.ROOT) + "/three")));
        gitlabApi.add(new GitlabApiStandIn.Project(72, "group/off", false, List.of(project + "/two")));

        String into = new TestAccounts(server).project("glapi-back", false);
        JsonNode pulled = run("src_registry", gl, project + "/**", into);
        String log = calls.logs(pulled);
        assertThat(pulled.path("status").asString()).as(log).isEqualTo("Succeed");
        assertThat(pulled.path("total").asInt()).as(pulled.toString()).isEqualTo(2);
        for (String name : List.of("one", "three")) {
            assertThat(admin.get("/v2/" + into + "/" + name + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                            .status())
                    .as(name)
                    .isEqualTo(200);
        }
        assertThat(admin.get("/v2/" + into + "/two/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(404);
        assertThat(gitlabApi.requests())
                .contains("/api/v4/projects?membership=true&per_page=50")
                .contains("/api/v4/projects?membership=true&per_page=50&page=2")
                .contains("/api/v4/projects/71/registry/repositories?per_page=50&page=2")
                .noneMatch(r -> r.startsWith("/api/v4/projects/72/"));
        assertThat(log).doesNotContain(TOKEN);
        assertThat(admin.get("/api/v2.0/registries/" + gl).text()).doesNotContain(TOKEN);

        // a token GitLab's API refuses (revoked for the API scope) fails the pull with the reason
        gitlabApi.refuseEveryToken(true);
        JsonNode denied;
        try {
            denied = run("src_registry", gl, project + "/**", into);
        } finally {
            gitlabApi.refuseEveryToken(false);
        }
        assertThat(denied.path("status").asString()).isEqualTo("Failed");
        assertThat(denied.path("status_text").asString() + calls.logs(denied))
                .contains("GitLab's API answered HTTP 401")
                .doesNotContain(TOKEN);
    }

    @Test
    void azureAsksForMetadataReadToListTags() {
        long registry = id(endpoint("azure-acr", acr, TOKEN));
        String project = new TestAccounts(server).project("acr", false);
        RegistryClient.Image image = admin.pushImage(project + "/app", "v1", ("acr " + UUID.randomUUID()).getBytes());
        JsonNode pushed = run("dest_registry", registry, project + "/**", null);
        assertThat(pushed.path("status").asString()).as(calls.logs(pushed)).isEqualTo("Succeed");

        String into = new TestAccounts(server).project("acr-back", false);
        JsonNode pulled = run("src_registry", registry, project + "/**", into);
        assertThat(pulled.path("status").asString()).as(calls.logs(pulled)).isEqualTo("Succeed");
        RegistryClient.Response back =
                admin.get("/v2/" + into + "/app/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(back.raw().body()).isEqualTo(image.manifestBytes());
        // the tag list was read with ACR's metadata_read scope from its /oauth2/token service
        assertThat(tokens.requests()).anySatisfy(r -> {
            assertThat(r.path()).isEqualTo("/oauth2/token");
            assertThat(r.service()).isEqualTo("berthtest.azurecr.io");
            assertThat(r.scopes()).contains("repository:" + project + "/app:metadata_read");
        });
    }
}
