package dev.berth.replication;

import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.EcrStandIn;
import dev.berth.support.Eventually;
import dev.berth.support.GoogleTokenStandIn;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    private static final String ECR_URL = "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com";

    private static DistributionRegistry ecrRegistry;
    private static DistributionRegistry gcrRegistry;
    private static EcrStandIn ecr;
    private static GoogleTokenStandIn google;
    private static BerthServer server;
    private static RegistryClient admin;
    private static final List<RegistryClient.Response> RESPONSES = new ArrayList<>();

    @BeforeAll
    static void start() {
        ecrRegistry = DistributionRegistry.withBasicAuth("AWS", ECR_PASSWORD);
        gcrRegistry = DistributionRegistry.withBasicAuth("oauth2accesstoken", GOOGLE_TOKEN);
        ecr = EcrStandIn.start(ACCESS_KEY, SECRET_KEY, "eu-west-1", ecrRegistry.baseUri(), "AWS", ECR_PASSWORD);
        google = GoogleTokenStandIn.start(GOOGLE_TOKEN);
        server = BerthServer.withExternalDatabase(Map.of(
                "berth.outbound.allowed-networks", "127.0.0.1/32",
                "berth.jobs.poll-interval", "200ms",
                "berth.replication.task-attempts", "1",
                "berth.replication.aws-ecr.endpoint", ecr.baseUri().toString()));
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
                    .doesNotContain("PRIVATE KEY");
        }
        for (AutoCloseable c : new AutoCloseable[] {server, ecr, google, ecrRegistry, gcrRegistry}) {
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
        return seen(postJson(
                admin,
                "/api/v2.0/registries",
                Map.of(
                        "name",
                        TestAccounts.unique(type + "-"),
                        "type",
                        type,
                        "url",
                        url,
                        "credential",
                        Map.of("type", "basic", "access_key", key, "access_secret", secret))));
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
        admin.pushImage(project + "/app", "v1", ("ecr " + UUID.randomUUID()).getBytes());
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
}
