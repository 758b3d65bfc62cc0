package dev.berth.replication;

import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.ArtifactoryStandIn;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.DockerHubStandIn;
import dev.berth.support.EcrStandIn;
import dev.berth.support.Eventually;
import dev.berth.support.FaultyHttpRelay;
import dev.berth.support.GoogleTokenStandIn;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The cloud adapters' logins against local stand-ins that speak each provider's documented
 * protocol, with Debian's docker-registry (htpasswd Basic) as the registry behind them:
 *
 * <ul>
 *   <li>{@code aws-ecr}: the AWS SDK's GetAuthorizationToken (SigV4, checked by the stand-in) through
 *       {@code berth.replication.aws-ecr.endpoint}; the token's user and password log in to the
 *       registry ECR names; repositories created before a push and listed for a pull through ECR's
 *       API;
 *   <li>{@code google-gcr}: a service account's JSON key → an RS256 JWT → the OAuth token URI's
 *       JWT bearer grant → {@code oauth2accesstoken} and the access token on the registry;
 *   <li>{@code huawei-SWR}: the access key and secret as Basic on the registry and on SWR's
 *       {@code /dockyard/v2/} API, which makes namespaces before a push and lists repositories;
 *   <li>{@code quay}: Harbor's JSON credential file; {@code github-ghcr}: repositories named by the
 *       name filter, since GHCR lists none.
 * </ul>
 */
class CloudRegistryAdaptersTest {
    private static final String ACCESS_KEY = "AKIA"
            + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(java.util.Locale.ROOT);
    private static final String SECRET_KEY = "ecr-secret-" + UUID.randomUUID();
    private static final String ECR_PASSWORD = "ecr-token-" + UUID.randomUUID();
    private static final String GOOGLE_TOKEN = "ya29.test-" + UUID.randomUUID();
    private static final String JFROG_USER = "deployer";
    private static final String JFROG_TOKEN = "cmVmdGtu-" + UUID.randomUUID();
    private static final String HUB_USER = "berthbot";
    private static final String HUB_TOKEN = "dckr_pat_" + UUID.randomUUID();
    private static final String ECR_URL = "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com";

    private static DistributionRegistry ecrRegistry;
    private static DistributionRegistry gcrRegistry;
    private static EcrStandIn ecr;
    private static GoogleTokenStandIn google;
    private static DistributionRegistry jfrogRegistry;
    private static ArtifactoryStandIn jfrog;
    private static DistributionRegistry hubRegistry;
    private static DockerHubStandIn hub;
    private static BerthServer server;
    private static RegistryClient admin;
    private static final List<RegistryClient.Response> RESPONSES = new ArrayList<>();

    @BeforeAll
    static void start() {
        ecrRegistry = DistributionRegistry.withBasicAuth("AWS", ECR_PASSWORD);
        gcrRegistry = DistributionRegistry.withBasicAuth("oauth2accesstoken", GOOGLE_TOKEN);
        ecr = EcrStandIn.start(ACCESS_KEY, SECRET_KEY, "eu-west-1", ecrRegistry.baseUri(), "AWS", ECR_PASSWORD);
        google = GoogleTokenStandIn.start(GOOGLE_TOKEN);
        jfrogRegistry = DistributionRegistry.withBasicAuth(JFROG_USER, JFROG_TOKEN);
        hubRegistry = DistributionRegistry.withBasicAuth(HUB_USER, HUB_TOKEN);
        hub = DockerHubStandIn.start(HUB_USER, HUB_TOKEN, hubRegistry.baseUri());
        jfrog = ArtifactoryStandIn.start(JFROG_USER, JFROG_TOKEN, jfrogRegistry.baseUri(), "docker-local");
        server = BerthServer.withExternalDatabase(Map.of(
                "berth.outbound.allowed-networks",
                "127.0.0.1/32",
                "berth.jobs.poll-interval",
                "200ms",
                "berth.replication.task-attempts",
                "1",
                "berth.replication.aws-ecr.endpoint",
                ecr.baseUri().toString(),
                "berth.replication.jfrog-artifactory.endpoint",
                jfrog.baseUri().toString(),
                "berth.replication.docker-hub.endpoint",
                hub.baseUri().toString()));
        admin = server.adminClient();
    }

    @AfterAll
    static void stop() {
        // no answer of any test held a secret, a key or an exchanged token
        for (RegistryClient.Response r : RESPONSES) {
            assertThat(r.text())
                    .doesNotContain(SECRET_KEY)
                    .doesNotContain(ECR_PASSWORD)
                    .doesNotContain(GOOGLE_TOKEN)
                    .doesNotContain(JFROG_TOKEN)
                    .doesNotContain(HUB_TOKEN)
                    .doesNotContain(hub.accessToken())
                    .doesNotContain("PRIVATE KEY");
        }
        for (AutoCloseable c : new AutoCloseable[] {
            server, ecr, google, ecrRegistry, gcrRegistry, jfrog, jfrogRegistry, hub, hubRegistry
        }) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    private static RegistryClient.Response seen(RegistryClient.Response r) {
        synchronized (RESPONSES) {
            RESPONSES.add(r);
        }
        return r;
    }

    private static RegistryClient.Response createEndpoint(String type, String url, String key, String secret) {
        return seen(new ReplicationCalls(admin).createRegistry(type, url, key, secret));
    }

    private static long id(RegistryClient.Response created) {
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String location = created.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private static JsonNode run(Map<String, Object> policy) {
        long policyId = id(seen(postJson(admin, "/api/v2.0/replication/policies", policy)));
        long execution = id(seen(postJson(admin, "/api/v2.0/replication/executions", Map.of("policy_id", policyId))));
        return Eventually.await(
                Duration.ofSeconds(120),
                () -> seen(admin.get("/api/v2.0/replication/executions/" + execution))
                        .json(),
                e -> !e.path("status").asString().equals("InProgress"));
    }

    private static String logs(JsonNode execution) {
        long id = execution.path("id").asLong();
        StringBuilder all = new StringBuilder();
        for (JsonNode t : seen(admin.get("/api/v2.0/replication/executions/" + id + "/tasks"))
                .json()) {
            all.append(seen(admin.get("/api/v2.0/replication/executions/" + id + "/tasks/"
                                    + t.path("id").asLong() + "/log"))
                            .text())
                    .append('\n');
        }
        return all.toString();
    }

    private static Map<String, Object> policy(String registryKey, long registryId, String namePattern) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", TestAccounts.unique("cloud-"));
        body.put(registryKey, Map.of("id", registryId));
        body.put("filters", List.of(Map.of("type", "name", "value", namePattern)));
        body.put("trigger", Map.of("type", "manual"));
        body.put("enabled", true);
        body.put("override", true);
        return body;
    }

    private static int manifestStatus(DistributionRegistry registry, String user, String password, String ref) {
        int colon = ref.lastIndexOf(':');
        return new RegistryClient(registry.baseUri(), Map.of("Authorization", BerthServer.basic(user, password)))
                .get(
                        "/v2/" + ref.substring(0, colon) + "/manifests/" + ref.substring(colon + 1),
                        "Accept",
                        RegistryClient.OCI_MANIFEST)
                .status();
    }

    @Test
    void ecrLogsInThroughGetAuthorizationTokenAndCreatesRepositoriesBeforeAPush() {
        // a wrong secret: ECR refuses the signature, nothing is stored
        RegistryClient.Response refused = createEndpoint("aws-ecr", ECR_URL, ACCESS_KEY, "not-the-secret");
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.text()).contains("signature");
        assertThat(ecr.operations()).doesNotContain("GetAuthorizationToken");

        long registry = id(createEndpoint("aws-ecr", ECR_URL, ACCESS_KEY, SECRET_KEY));
        assertThat(ecr.operations()).containsExactly("GetAuthorizationToken");
        JsonNode shown = seen(admin.get("/api/v2.0/registries/" + registry)).json();
        assertThat(shown.path("credential").path("access_secret").asString()).isEqualTo("*****");
        assertThat(shown.path("status").asString()).isEqualTo("healthy");

        String project = new TestAccounts(server).project("ecr", false);
        RegistryClient.Image image = admin.pushImage(project + "/app", "v1", ("ecr " + UUID.randomUUID()).getBytes());
        JsonNode pushed = run(policy("dest_registry", registry, project + "/**"));
        assertThat(pushed.path("status").asString()).as(logs(pushed)).isEqualTo("Succeed");
        assertThat(manifestStatus(ecrRegistry, "AWS", ECR_PASSWORD, project + "/app:v1"))
                .isEqualTo(200);
        // the repository was looked for, then created, before the push; the token was reused
        assertThat(ecr.operations())
                .containsSubsequence("DescribeRepositories", "CreateRepository")
                .containsOnlyOnce("GetAuthorizationToken");
        assertThat(ecr.requests()
                        .get(ecr.operations().indexOf("CreateRepository"))
                        .path("repositoryName")
                        .asString())
                .isEqualTo(project + "/app");

        // a pull lists ECR's repositories through its API
        String into = new TestAccounts(server).project("from-ecr", false);
        Map<String, Object> pull = policy("src_registry", registry, project + "/**");
        pull.put("dest_namespace", into);
        JsonNode pulled = run(pull);
        assertThat(pulled.path("status").asString()).as(logs(pulled)).isEqualTo("Succeed");
        assertThat(pulled.path("total").asInt()).isEqualTo(1);
        assertThat(admin.get("/v2/" + into + "/app/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);
        assertThat(ecr.operations().getLast()).isEqualTo("DescribeRepositories");

        // a deletion here reaches ECR through BatchDeleteImage (its registry API does not delete)
        Map<String, Object> deleting = policy("dest_registry", registry, project + "/**");
        deleting.put("trigger", Map.of("type", "event_based"));
        deleting.put("deletion", true);
        long deletingId = id(seen(postJson(admin, "/api/v2.0/replication/policies", deleting)));
        RegistryClient.check(
                admin.send(
                        "DELETE",
                        "/api/v2.0/projects/" + project + "/repositories/app/artifacts/" + image.manifest(),
                        null),
                200);
        JsonNode deleted = Eventually.await(
                Duration.ofSeconds(120),
                () -> seen(admin.get("/api/v2.0/replication/executions?policy_id=" + deletingId))
                        .json(),
                list -> list.size() == 1
                        && !list.get(0).path("status").asString().equals("InProgress"));
        assertThat(deleted.get(0).path("status").asString())
                .as(logs(deleted.get(0)))
                .isEqualTo("Succeed");
        int batch = ecr.operations().lastIndexOf("BatchDeleteImage");
        assertThat(batch).isNotNegative();
        JsonNode request = ecr.requests().get(batch);
        assertThat(request.path("repositoryName").asString()).isEqualTo(project + "/app");
        assertThat(request.path("imageIds").get(0).path("imageDigest").asString())
                .isEqualTo(image.manifest().toString());
        assertThat(new RegistryClient(
                                ecrRegistry.baseUri(), Map.of("Authorization", BerthServer.basic("AWS", ECR_PASSWORD)))
                        .get(
                                "/v2/" + project + "/app/manifests/" + image.manifest(),
                                "Accept",
                                RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void googleExchangesAServiceAccountKeyForAnAccessToken() {
        RegistryClient.Response refused =
                createEndpoint("google-gcr", gcrRegistry.baseUri().toString(), "_json_key", google.foreignKeyFile());
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.text()).contains("refused the service account key");
        assertThat(google.lastRefusal()).contains("Signature");
        assertThat(google.issued()).isZero();

        long registry =
                id(createEndpoint("google-gcr", gcrRegistry.baseUri().toString(), "_json_key", google.keyFile()));
        assertThat(google.issued()).isEqualTo(1);

        String project = new TestAccounts(server).project("gcr", false);
        admin.pushImage(project + "/app", "v1", ("gcr " + UUID.randomUUID()).getBytes());
        JsonNode pushed = run(policy("dest_registry", registry, project + "/**"));
        assertThat(pushed.path("status").asString()).as(logs(pushed)).isEqualTo("Succeed");
        assertThat(manifestStatus(gcrRegistry, "oauth2accesstoken", GOOGLE_TOKEN, project + "/app:v1"))
                .isEqualTo(200);
        assertThat(google.issued())
                .as("the access token is reused until it expires")
                .isEqualTo(1);
    }

    @Test
    void quayTakesHarborsJsonCredentialFile() {
        String file = "{\"account_name\":\"AWS\",\"docker_cli_password\":\"" + ECR_PASSWORD + "\"}";
        id(createEndpoint("quay", ecrRegistry.baseUri().toString(), "json_file", file));
        RegistryClient.Response wrong = createEndpoint(
                "quay",
                ecrRegistry.baseUri().toString(),
                "json_file",
                "{\"account_name\":\"AWS\",\"docker_cli_password\":\"wrong\"}");
        assertThat(wrong.status()).as(wrong.text()).isEqualTo(400);
        RegistryClient.Response notJson =
                createEndpoint("quay", ecrRegistry.baseUri().toString(), "json_file", "just-a-password");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.text()).contains("JSON file");
    }

    @Test
    void ghcrReadsTheRepositoriesTheNameFilterNames() {
        String source = new TestAccounts(server).project("gh", false);
        for (String app : List.of("a", "b", "c")) {
            admin.pushImage(source + "/" + app, "v1", (app + UUID.randomUUID()).getBytes());
        }
        long berth = id(createEndpoint("docker-registry", ecrRegistry.baseUri().toString(), "AWS", ECR_PASSWORD));
        JsonNode seeded = run(policy("dest_registry", berth, source + "/**"));
        assertThat(seeded.path("status").asString()).as(logs(seeded)).isEqualTo("Succeed");

        long ghcr = id(createEndpoint("github-ghcr", ecrRegistry.baseUri().toString(), "AWS", ECR_PASSWORD));
        String into = new TestAccounts(server).project("from-gh", false);
        Map<String, Object> named = policy("src_registry", ghcr, source + "/{a,b}");
        named.put("dest_namespace", into);
        JsonNode pulled = run(named);
        assertThat(pulled.path("status").asString()).as(logs(pulled)).isEqualTo("Succeed");
        assertThat(pulled.path("total").asInt()).isEqualTo(2);

        Map<String, Object> pattern = policy("src_registry", ghcr, source + "/**");
        pattern.put("dest_namespace", into);
        JsonNode refused = run(pattern);
        assertThat(refused.path("status").asString()).isEqualTo("Failed");
        assertThat(refused.path("status_text").asString()).contains("GHCR does not list repositories");
    }

    @Test
    void artifactoryGetsItsDockerRepositoryCreatedBeforeAPushAndListsImagesPerRepository() {
        long registry =
                id(createEndpoint("jfrog-artifactory", jfrogRegistry.baseUri().toString(), JFROG_USER, JFROG_TOKEN));
        String project = new TestAccounts(server).project("jf", false);
        admin.pushImage(project + "/app", "v1", ("jf " + UUID.randomUUID()).getBytes());
        admin.pushImage(project + "/tool", "v1", ("jf tool " + UUID.randomUUID()).getBytes());
        assertThat(jfrog.dockerRepositories()).doesNotContain(project);

        JsonNode pushed = run(policy("dest_registry", registry, project + "/**"));
        String log = logs(pushed);
        assertThat(pushed.path("status").asString()).as(log).isEqualTo("Succeed");
        assertThat(log).doesNotContain(JFROG_TOKEN);
        // the namespace became a local docker repository before the content arrived
        assertThat(jfrog.dockerRepositories()).contains(project);
        assertThat(jfrog.operations())
                .contains("PUT /artifactory/api/repositories/" + project)
                .contains("GET /artifactory/api/repositories");
        assertThat(manifestStatus(jfrogRegistry, JFROG_USER, JFROG_TOKEN, project + "/app:v1"))
                .isEqualTo(200);
        assertThat(manifestStatus(jfrogRegistry, JFROG_USER, JFROG_TOKEN, project + "/tool:v1"))
                .isEqualTo(200);

        // a pull lists each docker repository's images through Artifactory's per-repository catalog
        String into = new TestAccounts(server).project("from-jf", false);
        Map<String, Object> pull = policy("src_registry", registry, project + "/**");
        pull.put("dest_namespace", into);
        JsonNode pulled = run(pull);
        assertThat(pulled.path("status").asString()).as(logs(pulled)).isEqualTo("Succeed");
        assertThat(pulled.path("total").asInt()).isEqualTo(2);
        assertThat(jfrog.operations())
                .contains("GET /artifactory/api/docker/" + project + "/v2/_catalog")
                .contains("GET /artifactory/api/docker/docker-local/v2/_catalog");
        for (String name : List.of("app", "tool")) {
            assertThat(admin.get("/v2/" + into + "/" + name + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                            .status())
                    .as(name)
                    .isEqualTo(200);
        }
    }

    @Test
    void dockerHubCreatesTheNamespaceBeforeAPushAndListsRepositoriesThroughItsApi() {
        long registry = id(createEndpoint("docker-hub", hubRegistry.baseUri().toString(), HUB_USER, HUB_TOKEN));
        String project = new TestAccounts(server).project("hub", false);
        admin.pushImage(project + "/app", "v1", ("hub " + UUID.randomUUID()).getBytes());
        admin.pushImage(project + "/tool", "v1", ("hub tool " + UUID.randomUUID()).getBytes());

        JsonNode pushed = run(policy("dest_registry", registry, project + "/**"));
        String log = logs(pushed);
        assertThat(pushed.path("status").asString()).as(log).isEqualTo("Succeed");
        assertThat(log).doesNotContain(HUB_TOKEN).doesNotContain(hub.accessToken());
        // logged in with the account, looked for the namespace, made it an organization
        assertThat(hub.organizations()).contains(project);
        assertThat(hub.operations())
                .containsSubsequence("POST /v2/auth/token", "GET /v2/orgs/" + project + "/", "POST /v2/orgs/");
        assertThat(manifestStatus(hubRegistry, HUB_USER, HUB_TOKEN, project + "/app:v1"))
                .isEqualTo(200);
        assertThat(manifestStatus(hubRegistry, HUB_USER, HUB_TOKEN, project + "/tool:v1"))
                .isEqualTo(200);

        // a pull whose name filter names the namespace lists its repositories page by page
        String into = new TestAccounts(server).project("from-hub", false);
        Map<String, Object> pull = policy("src_registry", registry, project + "/**");
        pull.put("dest_namespace", into);
        JsonNode pulled = run(pull);
        assertThat(pulled.path("status").asString()).as(logs(pulled)).isEqualTo("Succeed");
        assertThat(pulled.path("total").asInt()).isEqualTo(2);
        assertThat(hub.operations())
                .contains("GET /v2/repositories/" + project + "/?page=2&page_size=100")
                .doesNotContain("GET /v2/repositories/namespaces");
        for (String name : List.of("app", "tool")) {
            assertThat(admin.get("/v2/" + into + "/" + name + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                            .status())
                    .as(name)
                    .isEqualTo(200);
        }

        // a pattern over namespaces lists them first
        String other = new TestAccounts(server).project("from-hub2", false);
        Map<String, Object> wide = policy("src_registry", registry, "*/tool");
        wide.put("dest_namespace", other);
        JsonNode widePull = run(wide);
        assertThat(widePull.path("status").asString()).as(logs(widePull)).isEqualTo("Succeed");
        assertThat(hub.operations()).contains("GET /v2/repositories/namespaces");
        assertThat(admin.get("/v2/" + other + "/tool/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void quayCreatesTheOrganizationBeforeAPushWithItsOauthToken() {
        String oauth = "quay-oauth-" + UUID.randomUUID();
        Set<String> organizations = ConcurrentHashMap.newKeySet();
        List<String> calls = new CopyOnWriteArrayList<>();
        try (FaultyHttpRelay quay = FaultyHttpRelay.to(ecrRegistry.baseUri())) {
            // Quay's organization API beside its registry, in the shapes Quay documents
            quay.serve("/api/v1/organization/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getRawPath();
                    calls.add(exchange.getRequestMethod() + " " + path);
                    byte[] in = exchange.getRequestBody().readAllBytes();
                    int status;
                    if (!("Bearer " + oauth).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                        status = 401;
                    } else if (exchange.getRequestMethod().equals("POST") && path.equals("/api/v1/organization/")) {
                        JsonNode body = RegistryClient.JSON.readTree(in);
                        boolean made = !body.path("email").asString().isEmpty()
                                && organizations.add(body.path("name").asString());
                        status = made ? 201 : 400;
                    } else if (exchange.getRequestMethod().equals("GET")) {
                        status = organizations.contains(path.substring("/api/v1/organization/".length())) ? 200 : 404;
                    } else {
                        status = 405;
                    }
                    byte[] out = ("{\"status\":" + status + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(status, out.length);
                    exchange.getResponseBody().write(out);
                }
            });
            String file = "{\"account_name\":\"AWS\",\"docker_cli_password\":\"" + ECR_PASSWORD
                    + "\",\"oauth2_token\":\"" + oauth + "\"}";
            long registry = id(createEndpoint("quay", quay.baseUri().toString(), "json_file", file));
            String project = new TestAccounts(server).project("quay", false);
            admin.pushImage(project + "/app", "v1", ("quay " + UUID.randomUUID()).getBytes());
            admin.pushImage(project + "/tool", "v1", ("quay tool " + UUID.randomUUID()).getBytes());

            JsonNode pushed = run(policy("dest_registry", registry, project + "/**"));
            String log = logs(pushed);
            assertThat(pushed.path("status").asString()).as(log).isEqualTo("Succeed");
            assertThat(log).doesNotContain(oauth).doesNotContain(ECR_PASSWORD);
            assertThat(organizations).containsExactly(project);
            assertThat(calls).containsSubsequence("GET /api/v1/organization/" + project, "POST /api/v1/organization/");
            // the organization was there before any content went to the registry
            List<String> relayed = quay.requests();
            assertThat(relayed).anyMatch(r -> r.startsWith("PUT /v2/" + project + "/app/manifests/"));
            assertThat(manifestStatus(ecrRegistry, "AWS", ECR_PASSWORD, project + "/app:v1"))
                    .isEqualTo(200);
            assertThat(manifestStatus(ecrRegistry, "AWS", ECR_PASSWORD, project + "/tool:v1"))
                    .isEqualTo(200);

            // the next push finds the organization and makes none
            long posts = calls.stream().filter(c -> c.startsWith("POST")).count();
            admin.pushImage(project + "/app", "v2", ("quay v2 " + UUID.randomUUID()).getBytes());
            JsonNode again = run(policy("dest_registry", registry, project + "/app"));
            assertThat(again.path("status").asString()).as(logs(again)).isEqualTo("Succeed");
            assertThat(calls.stream().filter(c -> c.startsWith("POST")).count()).isEqualTo(posts);
        }
    }

    @Test
    void huaweiSwrMakesTheNamespaceBeforeAPushAndListsRepositoriesThroughItsApi() {
        String basic = BerthServer.basic("AWS", ECR_PASSWORD);
        Set<String> namespaces = ConcurrentHashMap.newKeySet();
        List<String> calls = new CopyOnWriteArrayList<>();
        List<String> listed = new CopyOnWriteArrayList<>();
        try (FaultyHttpRelay swr = FaultyHttpRelay.to(ecrRegistry.baseUri())) {
            // SWR's dockyard API beside its registry, with the access key and secret as Basic
            swr.serve("/dockyard/v2/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getRawPath();
                    String query = exchange.getRequestURI().getRawQuery();
                    calls.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
                    byte[] in = exchange.getRequestBody().readAllBytes();
                    int status;
                    String out = "{}";
                    if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                        status = 401;
                    } else if (exchange.getRequestMethod().equals("POST") && path.equals("/dockyard/v2/namespaces")) {
                        String name = RegistryClient.JSON
                                .readTree(in)
                                .path("namespace")
                                .asString();
                        status = namespaces.add(name) ? 201 : 409;
                    } else if (exchange.getRequestMethod().equals("GET")
                            && path.startsWith("/dockyard/v2/namespaces/")) {
                        String name = path.substring("/dockyard/v2/namespaces/".length());
                        status = namespaces.contains(name) ? 200 : 404;
                        out = "{\"id\":1,\"name\":\"" + name + "\",\"auth\":7}";
                    } else if (exchange.getRequestMethod().equals("GET")
                            && path.equals("/dockyard/v2/repositories")
                            && "filter=center::self".equals(query)) {
                        status = 200;
                        StringBuilder list = new StringBuilder("[");
                        for (String repo : listed) {
                            String[] parts = repo.split("/", 2);
                            list.append(list.length() > 1 ? "," : "")
                                    .append("{\"namespace\":\"")
                                    .append(parts[0])
                                    .append("\",\"name\":\"")
                                    .append(parts[1])
                                    .append("\",\"tags\":[\"v1\"]}");
                        }
                        out = list.append(']').toString();
                    } else {
                        status = 405;
                    }
                    byte[] bytes = out.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(status, bytes.length);
                    exchange.getResponseBody().write(bytes);
                }
            });
            RegistryClient.Response wrong =
                    createEndpoint("huawei-SWR", swr.baseUri().toString(), "AWS", "wrong");
            assertThat(wrong.status()).as(wrong.text()).isEqualTo(400);

            long registry = id(createEndpoint("huawei-SWR", swr.baseUri().toString(), "AWS", ECR_PASSWORD));
            String project = new TestAccounts(server).project("swr", false);
            admin.pushImage(project + "/app", "v1", ("swr " + UUID.randomUUID()).getBytes());
            admin.pushImage(project + "/tool", "v1", ("swr tool " + UUID.randomUUID()).getBytes());

            JsonNode pushed = run(policy("dest_registry", registry, project + "/**"));
            String log = logs(pushed);
            assertThat(pushed.path("status").asString()).as(log).isEqualTo("Succeed");
            assertThat(log).doesNotContain(ECR_PASSWORD);
            assertThat(namespaces).containsExactly(project);
            assertThat(calls)
                    .containsSubsequence("GET /dockyard/v2/namespaces/" + project, "POST /dockyard/v2/namespaces");
            assertThat(calls.stream().filter(c -> c.startsWith("POST"))).hasSize(1);
            assertThat(manifestStatus(ecrRegistry, "AWS", ECR_PASSWORD, project + "/app:v1"))
                    .isEqualTo(200);
            assertThat(manifestStatus(ecrRegistry, "AWS", ECR_PASSWORD, project + "/tool:v1"))
                    .isEqualTo(200);

            // a pull reads the repositories SWR's API lists (not the registry's catalog)
            listed.add(project + "/app");
            String other = new TestAccounts(server).project("from-swr", false);
            Map<String, Object> pull = policy("src_registry", registry, project + "/**");
            pull.put("dest_namespace", other);
            swr.clearRequests();
            JsonNode pulled = run(pull);
            assertThat(pulled.path("status").asString()).as(logs(pulled)).isEqualTo("Succeed");
            assertThat(calls).contains("GET /dockyard/v2/repositories?filter=center::self");
            assertThat(swr.requests()).noneMatch(r -> r.contains("_catalog"));
            assertThat(admin.get("/v2/" + other + "/app/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                            .status())
                    .isEqualTo(200);
            assertThat(admin.get("/v2/" + other + "/tool/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST)
                            .status())
                    .as("not listed by SWR, not pulled")
                    .isEqualTo(404);
        }
    }
}
