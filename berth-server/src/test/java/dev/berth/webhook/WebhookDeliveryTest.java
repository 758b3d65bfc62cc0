package dev.berth.webhook;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import dev.berth.support.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks delivered to a receiver on 127.0.0.1 (opened with {@code berth.outbound.allowed-networks}):
 * each payload format field by field against Harbor's documented example and the CloudEvents spec,
 * the auth header and Berth's signature, retries with backoff, a receiver that hangs, one that is
 * down and comes back, redirects not followed, and the execution, task and log API showing it all.
 */
class WebhookDeliveryTest {
    /** Harbor's documented Default payload (goharbor.io, "Configure Webhook Notifications"). */
    static final String HARBOR_EXAMPLE = """
            {"type":"PUSH_ARTIFACT","occur_at":1586922308,"operator":"admin","event_data":{"resources":[{
            "digest":"sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8","tag":"latest",
            "resource_url":"hub.harbor.com/test-webhook/debian:latest"}],"repository":{"date_created":1586922308,
            "name":"debian","namespace":"test-webhook","repo_full_name":"test-webhook/debian","repo_type":"private"}}}""";

    private static TestDatabase db;
    private static BerthServer server;
    private static RegistryClient admin;
    private static TestAccounts accounts;

    private WebhookReceiver receiver;
    private String project;
    private String policies;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        "berth.external-url", "https://registry.example.com",
                        "berth.webhooks.retry-backoff", "300ms",
                        "berth.webhooks.max-attempts", "8",
                        "berth.webhooks.connect-timeout", "1s",
                        "berth.webhooks.timeout", "1s",
                        "berth.jobs.poll-interval", "200ms",
                        "berth.jobs.lease", "5s"));
        admin = server.adminClient();
        accounts = new TestAccounts(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    @BeforeEach
    void setUp() {
        receiver = WebhookReceiver.start();
        project = accounts.project("whd", false);
        policies = "/api/v2.0/projects/" + project + "/webhook/policies";
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private long policy(String format, String type, Map<String, Object> extra, String... events) {
        Map<String, Object> target = new HashMap<>(extra);
        target.put("type", type);
        target.put("address", receiver.url("/hook"));
        if (format != null) {
            target.put("payload_format", format);
        }
        Map<String, Object> body = Map.of(
                "name", TestAccounts.unique("p"),
                "targets", List.of(target),
                "event_types", List.of(events),
                "enabled", true);
        RegistryClient.Response r = postJson(admin, policies, body);
        RegistryClient.check(r, 201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** The keys of every object in the document, with the JSON type of each value, by path. */
    static Set<String> shape(JsonNode node, String path) {
        Set<String> out = new TreeSet<>();
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                out.add(path + "." + f.getKey() + ":" + f.getValue().getNodeType());
                out.addAll(shape(f.getValue(), path + "." + f.getKey()));
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                out.addAll(shape(item, path + "[]"));
            }
        }
        return out;
    }

    static String hmac(String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void defaultPayloadIsHarborsFieldForFieldWithTheAuthHeaderAndASignature() throws Exception {
        String secret = "a-signing-secret-of-some-length";
        policy(
                "Default",
                "http",
                Map.of("auth_header", "Bearer receiver-token", "signing_secret", secret),
                "PUSH_ARTIFACT",
                "PULL_ARTIFACT",
                "DELETE_ARTIFACT");
        String repo = project + "/debian";
        Instant before = Instant.now().minusSeconds(1);
        RegistryClient.Image image = admin.pushImage(repo, "latest", random(64));

        WebhookReceiver.Received push = receiver.await(r -> !r.isEmpty()).getFirst();
        assertThat(push.method()).isEqualTo("POST");
        assertThat(push.path()).isEqualTo("/hook");
        assertThat(push.header("Content-Type")).startsWith("application/json");
        assertThat(push.header("Authorization")).isEqualTo("Bearer receiver-token");
        assertThat(push.header("X-Berth-Event")).isEqualTo("PUSH_ARTIFACT");
        assertThat(UUID.fromString(push.header("X-Berth-Delivery"))).isNotNull();
        assertThat(push.header("X-Berth-Signature-256")).isEqualTo(hmac(secret, push.body()));
        assertThat(push.header("X-Berth-Signature-256")).isNotEqualTo(hmac("another-secret-entirely", push.body()));

        JsonNode payload = push.json();
        assertThat(shape(payload, "$")).isEqualTo(shape(RegistryClient.JSON.readTree(HARBOR_EXAMPLE), "$"));
        assertThat(payload.path("type").asString()).isEqualTo("PUSH_ARTIFACT");
        assertThat(payload.path("operator").asString()).isEqualTo("admin");
        assertThat(Instant.ofEpochSecond(payload.path("occur_at").asLong())).isBetween(before, Instant.now());
        JsonNode resource = payload.path("event_data").path("resources").path(0);
        assertThat(resource.path("digest").asString())
                .isEqualTo(image.manifest().toString());
        assertThat(resource.path("tag").asString()).isEqualTo("latest");
        assertThat(resource.path("resource_url").asString()).isEqualTo("registry.example.com/" + repo + ":latest");
        JsonNode repository = payload.path("event_data").path("repository");
        assertThat(repository.path("name").asString()).isEqualTo("debian");
        assertThat(repository.path("namespace").asString()).isEqualTo(project);
        assertThat(repository.path("repo_full_name").asString()).isEqualTo(repo);
        assertThat(repository.path("repo_type").asString()).isEqualTo("private");
        assertThat(Instant.ofEpochSecond(repository.path("date_created").asLong()))
                .isBetween(before, Instant.now());

        // By digest, a pull names the digest as its tag and in its URL, as Harbor's does.
        admin.get("/v2/" + repo + "/manifests/" + image.manifest(), "Accept", RegistryClient.OCI_MANIFEST);
        WebhookReceiver.Received pull = receiver.await(r -> r.size() >= 2).stream()
                .filter(r -> "PULL_ARTIFACT".equals(r.header("X-Berth-Event")))
                .findFirst()
                .orElseThrow();
        JsonNode pulled = pull.json().path("event_data").path("resources").path(0);
        assertThat(pulled.path("tag").asString()).isEqualTo(image.manifest().toString());
        assertThat(pulled.path("resource_url").asString())
                .isEqualTo("registry.example.com/" + repo + "@" + image.manifest());

        RegistryClient.check(
                admin.delete("/api/v2.0/projects/" + project + "/repositories/debian/artifacts/" + image.manifest()),
                200);
        WebhookReceiver.Received deleted = receiver.await(r -> r.size() >= 3).stream()
                .filter(r -> "DELETE_ARTIFACT".equals(r.header("X-Berth-Event")))
                .findFirst()
                .orElseThrow();
        assertThat(deleted.json()
                        .path("event_data")
                        .path("resources")
                        .path(0)
                        .path("tag")
                        .asString())
                .isEqualTo("latest");
    }

    @Test
    void cloudEventsCarryEveryRequiredAttributeOfTheSpecAndHarborsExtensions() {
        policy("CloudEvents", "http", Map.of(), "PUSH_ARTIFACT");
        String repo = project + "/ce";
        RegistryClient.Image image =
                admin.withHeader("X-Request-Id", "ce-request-1").pushImage(repo, "v1", random(32));
        WebhookReceiver.Received got = receiver.await(r -> !r.isEmpty()).getFirst();
        assertThat(got.header("Content-Type")).startsWith("application/cloudevents+json");
        JsonNode ce = got.json();
        // CloudEvents 1.0: specversion, id, source (a URI-reference) and type are required.
        assertThat(ce.path("specversion").asString()).isEqualTo("1.0");
        assertThat(ce.path("id").asString()).isEqualTo(got.header("X-Berth-Delivery"));
        long policyId = admin.get(policies).json().path(0).path("id").asLong();
        assertThat(ce.path("source").asString())
                .isEqualTo("/projects/" + accounts.projectId(project) + "/webhook/policies/" + policyId);
        assertThat(ce.path("type").asString()).isEqualTo("harbor.artifact.pushed");
        assertThat(ce.path("datacontenttype").asString()).isEqualTo("application/json");
        assertThat(OffsetDateTime.parse(ce.path("time").asString()).toInstant()).isBefore(Instant.now());
        // Extension names are lower-case letters and digits, as the spec requires.
        assertThat(ce.path("operator").asString()).isEqualTo("admin");
        assertThat(ce.path("requestid").asString()).isEqualTo("ce-request-1");
        assertThat(ce.path("data").path("resources").path(0).path("digest").asString())
                .isEqualTo(image.manifest().toString());
        assertThat(ce.path("data").path("repository").path("repo_full_name").asString())
                .isEqualTo(repo);
        assertThat(ce.has("type") && ce.has("event_data")).isFalse();
    }

    @Test
    void slackGetsHarborsMessageAndNoAuthHeader() {
        policy(null, "slack", Map.of("auth_header", "Bearer not-for-slack"), "PUSH_ARTIFACT");
        String repo = project + "/sl";
        admin.pushImage(repo, "v1", random(32));
        WebhookReceiver.Received got = receiver.await(r -> !r.isEmpty()).getFirst();
        assertThat(got.header("Authorization")).isNull();
        JsonNode blocks = got.json().path("blocks");
        assertThat(blocks.size()).isEqualTo(6);
        assertThat(blocks.path(0).path("type").asString()).isEqualTo("section");
        assertThat(blocks.path(0).path("text").path("type").asString()).isEqualTo("mrkdwn");
        assertThat(blocks.path(1).path("text").path("text").asString()).isEqualTo("*event_type:* PUSH_ARTIFACT");
        assertThat(blocks.path(3).path("text").path("text").asString()).isEqualTo("*operator:* admin");
        String data = blocks.path(5).path("text").path("text").asString();
        assertThat(data).startsWith("```").endsWith("```").contains("\"repo_full_name\" : \"" + repo + "\"");
    }

    @Test
    void aFailedDeliveryIsRetriedAndTheApiShowsEveryAttempt() {
        receiver.answer(500, 503);
        long policyId = policy("CloudEvents", "http", Map.of(), "PUSH_ARTIFACT");
        admin.pushImage(project + "/retry", "v1", random(32));

        List<WebhookReceiver.Received> got = receiver.await(r -> r.size() >= 3);
        assertThat(got).extracting(WebhookReceiver.Received::answered).startsWith(500, 503, 200);
        // Every attempt of one delivery carries the same delivery id, CloudEvents id and body.
        assertThat(got.stream().map(r -> r.header("X-Berth-Delivery")).distinct())
                .hasSize(1);
        assertThat(got.stream().map(WebhookReceiver.Received::text).distinct()).hasSize(1);

        String base = policies + "/" + policyId + "/executions";
        JsonNode execution = Eventually.await(
                        () -> admin.get(base).json(),
                        e -> e.path(0).path("status").asString().equals("Success"))
                .path(0);
        assertThat(execution.path("vendor_type").asString()).isEqualTo("WEBHOOK");
        assertThat(execution.path("vendor_id").asLong()).isEqualTo(policyId);
        assertThat(execution.path("trigger").asString()).isEqualTo("EVENT");
        assertThat(execution.path("extra_attrs").path("event_type").asString()).isEqualTo("PUSH_ARTIFACT");
        assertThat(execution.path("extra_attrs").path("payload").asString())
                .isEqualTo(got.getFirst().text());
        assertThat(execution.path("metrics").path("success_task_count").asInt()).isEqualTo(1);
        long executionId = execution.path("id").asLong();
        RegistryClient.Response tasks = admin.get(base + "/" + executionId + "/tasks");
        assertThat(tasks.header("X-Total-Count")).contains("1");
        JsonNode task = tasks.json().path(0);
        assertThat(task.path("status").asString()).isEqualTo("Success");
        assertThat(task.path("run_count").asInt()).isEqualTo(3);
        String log = admin.get(
                        base + "/" + executionId + "/tasks/" + task.path("id").asLong() + "/log")
                .text();
        assertThat(log)
                .contains("not accepted: HTTP 500: failing on purpose b 500 /b")
                .contains("not accepted: HTTP 503")
                .contains("delivered: HTTP 200")
                .doesNotContain("<b>");
        assertThat(log).contains("to http://127.0.0.1:" + receiver.port()).doesNotContain("/hook");

        JsonNode trigger = admin.get("/api/v2.0/projects/" + project + "/webhook/lasttrigger")
                .json()
                .path(0);
        assertThat(trigger.path("last_trigger_time").asString()).isNotEmpty();
        JsonNode job = admin.get(
                        "/api/v2.0/projects/" + project + "/webhook/jobs?policy_id=" + policyId + "&status=Success")
                .json()
                .path(0);
        assertThat(job.path("notify_type").asString()).isEqualTo("http");
        assertThat(job.path("event_type").asString()).isEqualTo("PUSH_ARTIFACT");
        assertThat(job.path("job_detail").asString()).isEqualTo(got.getFirst().text());
        assertThat(admin.get("/api/v2.0/projects/" + project + "/webhook/jobs?policy_id=" + policyId + "&status=Error")
                        .json()
                        .size())
                .isZero();
    }

    @Test
    void aReceiverThatHangsTimesOutAndIsTriedAgain() {
        receiver.hang(Duration.ofSeconds(3));
        long policyId = policy("Default", "http", Map.of(), "PUSH_ARTIFACT");
        admin.pushImage(project + "/hang", "v1", random(32));
        receiver.await(r -> !r.isEmpty());
        receiver.hang(Duration.ZERO);
        List<WebhookReceiver.Received> got = receiver.await(r -> r.stream().anyMatch(x -> x.answered() == 200));
        String log = taskLog(policyId);
        assertThat(log).contains("not delivered: ").contains("delivered: HTTP 200");
        // Delivered once: no attempt after the one that succeeded.
        Eventually.await(() -> taskLog(policyId), l -> l.contains("succeeded"));
        assertThat(receiver.received().stream().filter(r -> r.answered() == 200))
                .hasSize(1);
        assertThat(receiver.received()).hasSize(got.size());
    }

    @Test
    void aReceiverDownForAWhileGetsEveryEventOnceItIsBack() {
        long policyId = policy("Default", "http", Map.of(), "PUSH_ARTIFACT");
        receiver.down();
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            digests.add(admin.pushImage(project + "/down" + i, "v1", random(32 + i))
                    .manifest()
                    .toString());
        }
        // Every delivery failed at least once while it was down.
        Eventually.await(
                () -> admin.get(policies + "/" + policyId + "/executions").json(), executions -> {
                    if (executions.size() < 3) {
                        return false;
                    }
                    for (JsonNode e : executions) {
                        if (!taskLogOf(policyId, e.path("id").asLong()).contains("not delivered")) {
                            return false;
                        }
                    }
                    return true;
                });
        receiver.up();
        receiver.await(r -> r.stream().filter(x -> x.answered() == 200).count() >= 3);
        for (String digest : digests) {
            assertThat(receiver.mentioning(digest)).as(digest).hasSize(1);
        }
    }

    @Test
    void redirectsAreNotFollowed() {
        receiver.answer(302, 302, 302, 302, 302, 302, 302, 302).location(receiver.url("/redirected"));
        long policyId = policy("Default", "http", Map.of(), "PUSH_ARTIFACT");
        admin.pushImage(project + "/redir", "v1", random(32));
        Eventually.await(() -> taskLog(policyId), l -> l.contains("not accepted: HTTP 302"));
        assertThat(receiver.received()).noneMatch(r -> r.path().equals("/redirected"));
    }

    @Test
    void disabledPoliciesAndTheGlobalSwitchSendNothing() {
        long policyId = policy("Default", "http", Map.of(), "PUSH_ARTIFACT");
        RegistryClient.check(
                putJson(
                        admin,
                        policies + "/" + policyId,
                        Map.of(
                                "name",
                                "off",
                                "targets",
                                List.of(Map.of("type", "http", "address", receiver.url("/hook"))),
                                "event_types",
                                List.of("PUSH_ARTIFACT"),
                                "enabled",
                                false)),
                200);
        admin.pushImage(project + "/off", "v1", random(32));
        // The switches are read when the webhook consumer reaches an event: let it pass this one first.
        awaitConsumed(project + "/off");
        RegistryClient.check(putJson(admin, "/api/v2.0/configurations", Map.of("notification_enable", false)), 200);
        try {
            RegistryClient.check(
                    putJson(
                            admin,
                            policies + "/" + policyId,
                            Map.of(
                                    "name",
                                    "on",
                                    "targets",
                                    List.of(Map.of("type", "http", "address", receiver.url("/hook"))),
                                    "event_types",
                                    List.of("PUSH_ARTIFACT"),
                                    "enabled",
                                    true)),
                    200);
            admin.pushImage(project + "/globallyoff", "v1", random(33));
            awaitConsumed(project + "/globallyoff");
            // A later push, with the switch back on, is delivered: the ones before it were not.
            RegistryClient.check(putJson(admin, "/api/v2.0/configurations", Map.of("notification_enable", true)), 200);
            String marker = admin.pushImage(project + "/on", "v1", random(34))
                    .manifest()
                    .toString();
            receiver.await(r -> !receiverMentioning(r, marker).isEmpty());
            assertThat(receiver.received()).hasSize(1);
        } finally {
            putJson(admin, "/api/v2.0/configurations", Map.of("notification_enable", true));
        }
    }

    /** Waits until the webhook consumer has read past the repository's push event. */
    private static void awaitConsumed(String repository) {
        Eventually.await(
                () -> accounts.jdbc()
                        .sql("""
                                SELECT count(*) FROM event e WHERE e.data->>'repository' = ? AND NOT EXISTS (
                                       SELECT 1 FROM event_consumer c
                                        WHERE c.name = 'webhook' AND (e.txid, e.id) <= (c.last_txid, c.last_id))""")
                        .param(repository)
                        .query(Long.class)
                        .single(),
                n -> n == 0);
    }

    private static List<WebhookReceiver.Received> receiverMentioning(List<WebhookReceiver.Received> all, String text) {
        return all.stream().filter(r -> r.text().contains(text)).toList();
    }

    private String taskLog(long policyId) {
        JsonNode executions =
                admin.get(policies + "/" + policyId + "/executions").json();
        return executions.isEmpty()
                ? ""
                : taskLogOf(policyId, executions.path(0).path("id").asLong());
    }

    private String taskLogOf(long policyId, long executionId) {
        String base = policies + "/" + policyId + "/executions/" + executionId + "/tasks";
        JsonNode tasks = admin.get(base).json();
        return tasks.isEmpty()
                ? ""
                : admin.get(base + "/" + tasks.path(0).path("id").asLong() + "/log")
                        .text();
    }
}
