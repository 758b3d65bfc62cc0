package dev.berth.webhook;

import static dev.berth.support.TestAccounts.createRobot;
import static dev.berth.support.TestAccounts.permission;
import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's webhook policy API over HTTP: shapes, validation, write-only secrets, the permission
 * matrix (project admins manage, maintainers read, nobody else sees) and IDOR across projects.
 * Addresses are public IP literals: saving checks them without DNS, and nothing here is delivered.
 */
class WebhookApiTest {
    static final String PUBLIC_ADDRESS = "http://93.184.216.34/hooks/berth";

    private BerthServer server;
    private RegistryClient admin;
    private TestAccounts accounts;
    private String project;
    private String policies;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        accounts = new TestAccounts(server);
        project = accounts.project("wh", false);
        policies = "/api/v2.0/projects/" + project + "/webhook/policies";
    }

    /** A policy body as Harbor's portal sends it. */
    static Map<String, Object> policy(String name, String address, String... events) {
        Map<String, Object> target = new HashMap<>();
        target.put("type", "http");
        target.put("address", address);
        target.put("skip_cert_verify", false);
        target.put("payload_format", "CloudEvents");
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("description", "notifies " + name);
        body.put("targets", List.of(target));
        body.put("event_types", List.of(events));
        body.put("enabled", true);
        return body;
    }

    static Map<String, Object> withTarget(Map<String, Object> body, String key, Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> target = new HashMap<>(((List<Map<String, Object>>) body.get("targets")).getFirst());
        if (value == null) {
            target.remove(key);
        } else {
            target.put(key, value);
        }
        Map<String, Object> copy = new HashMap<>(body);
        copy.put("targets", List.of(target));
        return copy;
    }

    static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    static long created(Response r) {
        RegistryClient.check(r, 201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    @Test
    void policiesAreCreatedListedUpdatedAndDeletedInHarborsShape() {
        Map<String, Object> body = withTarget(
                policy("ci", PUBLIC_ADDRESS, "PUSH_ARTIFACT", "DELETE_ARTIFACT"), "auth_header", "Bearer s3cr3t-token");
        Response create = postJson(admin, policies, body);
        long id = created(create);
        assertThat(create.header("Location")).contains(policies + "/" + id);

        JsonNode got = admin.get(policies + "/" + id).json();
        assertThat(got.path("id").asLong()).isEqualTo(id);
        assertThat(got.path("name").asString()).isEqualTo("ci");
        assertThat(got.path("description").asString()).isEqualTo("notifies ci");
        assertThat(got.path("project_id").asLong()).isEqualTo(accounts.projectId(project));
        assertThat(got.path("creator").asString()).isEqualTo("admin");
        assertThat(got.path("enabled").asBoolean()).isTrue();
        assertThat(got.path("event_types").toString()).isEqualTo("[\"PUSH_ARTIFACT\",\"DELETE_ARTIFACT\"]");
        assertThat(got.path("creation_time").asString()).isNotEmpty();
        JsonNode target = got.path("targets").path(0);
        assertThat(target.path("type").asString()).isEqualTo("http");
        assertThat(target.path("address").asString()).isEqualTo(PUBLIC_ADDRESS);
        assertThat(target.path("payload_format").asString()).isEqualTo("CloudEvents");
        assertThat(target.path("skip_cert_verify").asBoolean()).isFalse();
        // The auth header is write-only: said to be there, never shown, and sealed at rest.
        assertThat(target.has("auth_header")).isFalse();
        assertThat(target.path("has_auth_header").asBoolean()).isTrue();
        assertThat(admin.get(policies).text()).doesNotContain("s3cr3t-token");
        String stored = accounts.jdbc()
                .sql("SELECT targets::text FROM webhook_policy WHERE id = ?")
                .param(id)
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain("s3cr3t-token").contains("sealed:v1:");

        Response list = admin.get(policies + "?page=1&page_size=10");
        assertThat(list.header("X-Total-Count")).contains("1");
        assertThat(list.json().path(0).path("id").asLong()).isEqualTo(id);
        assertThat(admin.get(policies + "?q=name%3D~c").json().size()).isEqualTo(1);
        assertThat(admin.get(policies + "?q=name%3Dother").json().size()).isZero();

        // Harbor's clients send a GET back with changes: the header stays, the rest is replaced.
        Map<String, Object> update = with(policy("ci-renamed", PUBLIC_ADDRESS, "PULL_ARTIFACT"), "enabled", false);
        RegistryClient.check(putJson(admin, policies + "/" + id, withTarget(update, "payload_format", null)), 200);
        JsonNode updated = admin.get(policies + "/" + id).json();
        assertThat(updated.path("name").asString()).isEqualTo("ci-renamed");
        assertThat(updated.path("enabled").asBoolean()).isFalse();
        assertThat(updated.path("event_types").toString()).isEqualTo("[\"PULL_ARTIFACT\"]");
        assertThat(updated.path("targets").path(0).path("payload_format").asString())
                .isEqualTo("Default");
        assertThat(updated.path("targets").path(0).path("has_auth_header").asBoolean())
                .isTrue();
        // "" removes it; a new address does not take the old one along.
        RegistryClient.check(putJson(admin, policies + "/" + id, withTarget(update, "auth_header", "")), 200);
        assertThat(admin.get(policies + "/" + id)
                        .json()
                        .path("targets")
                        .path(0)
                        .path("has_auth_header")
                        .asBoolean())
                .isFalse();
        RegistryClient.check(putJson(admin, policies + "/" + id, withTarget(update, "auth_header", "Basic eA==")), 200);
        RegistryClient.check(
                putJson(admin, policies + "/" + id, withTarget(update, "address", "http://93.184.216.35/other")), 200);
        assertThat(admin.get(policies + "/" + id)
                        .json()
                        .path("targets")
                        .path(0)
                        .path("has_auth_header")
                        .asBoolean())
                .isFalse();

        RegistryClient.check(admin.delete(policies + "/" + id), 200);
        assertThat(admin.get(policies + "/" + id).status()).isEqualTo(404);
        assertThat(admin.get(policies).header("X-Total-Count")).contains("0");
    }

    @Test
    void badPoliciesAreRefusedWithHarborsErrorAndChangeNothing() {
        Map<String, Object> good = policy("ok", PUBLIC_ADDRESS, "PUSH_ARTIFACT");
        List<Map<String, Object>> bad = new ArrayList<>(List.of(
                with(good, "event_types", List.of()),
                with(good, "event_types", List.of("PUSH_IMAGE")),
                with(good, "targets", List.of()),
                with(good, "name", ""),
                withTarget(good, "type", "email"),
                withTarget(good, "payload_format", "Xml"),
                withTarget(withTarget(good, "type", "slack"), "payload_format", "Default"),
                withTarget(good, "address", ""),
                withTarget(good, "address", "ftp://93.184.216.34/x"),
                withTarget(good, "address", "http://user:pw@93.184.216.34/x"),
                withTarget(good, "auth_header", "Bearer a\r\nX-Injected: 1"),
                withTarget(good, "signing_secret", "short")));
        for (Map<String, Object> body : bad) {
            Response r = postJson(admin, policies, body);
            assertThat(r.status()).as(body.toString()).isEqualTo(400);
            assertThat(r.json().path("errors").path(0).path("code").asString()).isEqualTo("BAD_REQUEST");
        }
        assertThat(admin.send("POST", policies, "{".getBytes(), "Content-Type", "application/json")
                        .status())
                .isEqualTo(400);
        assertThat(admin.get(policies + "?q=address%3Dx").status()).isEqualTo(400);
        assertThat(admin.get(policies).header("X-Total-Count")).contains("0");

        created(postJson(admin, policies, good));
        Response duplicate = postJson(admin, policies, good);
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().path("errors").path(0).path("code").asString())
                .isEqualTo("CONFLICT");
        assertThat(duplicate.text()).contains("notification policy named ok already exists");
        // Harbor's defaults: a missing scheme is http, an http target without format is Default.
        long plain = created(
                postJson(admin, policies, withTarget(with(good, "name", "plain"), "address", "93.184.216.34:8080/x/")));
        JsonNode target =
                admin.get(policies + "/" + plain).json().path("targets").path(0);
        assertThat(target.path("address").asString()).isEqualTo("http://93.184.216.34:8080/x");
    }

    @Test
    void addressesInsideTheNetworkAreRefusedWhenSaved() {
        for (String address : List.of(
                "http://127.0.0.1:8080/hook",
                "http://localhost/hook",
                "http://[::1]/hook",
                "http://[::ffff:127.0.0.1]/hook",
                "http://2130706433/hook",
                "http://0x7f.1/hook",
                "http://0.0.0.0/hook",
                "http://169.254.169.254/latest/meta-data/",
                "http://10.1.2.3/hook",
                "http://172.16.0.1/hook",
                "http://192.168.1.1/hook",
                "http://100.64.0.1/hook",
                "http://[fd00::1]/hook",
                "http://[fe80::1]/hook",
                "http://224.0.0.1/hook")) {
            Response r = postJson(admin, policies, policy("ssrf", address, "PUSH_ARTIFACT"));
            assertThat(r.status()).as(address).isEqualTo(400);
            assertThat(r.text()).as(address).contains("webhook address refused");
        }
        assertThat(admin.get(policies).header("X-Total-Count")).contains("0");
    }

    @Test
    void supportedEventTypesAndLastTriggerAreHarbors() {
        JsonNode events =
                admin.get("/api/v2.0/projects/" + project + "/webhook/events").json();
        assertThat(events.path("event_type").toString())
                .isEqualTo("[\"PUSH_ARTIFACT\",\"PULL_ARTIFACT\",\"DELETE_ARTIFACT\",\"QUOTA_EXCEED\","
                        + "\"QUOTA_WARNING\",\"SCANNING_FAILED\",\"SCANNING_STOPPED\",\"SCANNING_COMPLETED\","
                        + "\"REPLICATION\",\"TAG_RETENTION\"]");
        assertThat(events.path("notify_type").toString()).isEqualTo("[\"http\",\"slack\"]");
        assertThat(events.path("payload_formats").toString())
                .isEqualTo("[{\"notify_type\":\"http\",\"formats\":[\"Default\",\"CloudEvents\"]}]");

        created(postJson(admin, policies, policy("a", PUBLIC_ADDRESS, "PUSH_ARTIFACT", "PULL_ARTIFACT")));
        JsonNode triggers = admin.get("/api/v2.0/projects/" + project + "/webhook/lasttrigger")
                .json();
        assertThat(triggers.size()).isEqualTo(2);
        assertThat(triggers.path(0).path("policy_name").asString()).isEqualTo("a");
        assertThat(triggers.path(0).path("event_type").asString()).isEqualTo("PUSH_ARTIFACT");
        assertThat(triggers.path(0).path("enabled").asBoolean()).isTrue();
        assertThat(triggers.path(0).has("last_trigger_time")).as("never fired").isFalse();
    }

    @Test
    void aPolicyOfAnotherProjectCannotBeReachedThroughThisOne() {
        String other = accounts.project("who", false);
        String otherPolicies = "/api/v2.0/projects/" + other + "/webhook/policies";
        long foreign = created(postJson(admin, otherPolicies, policy("theirs", PUBLIC_ADDRESS, "PUSH_ARTIFACT")));
        TestAccounts.Account owner = accounts.user("whown");
        accounts.member(project, owner, ProjectRole.PROJECT_ADMIN);
        RegistryClient c = owner.client();
        Map<String, Object> hijack = policy("mine", "http://93.184.216.34/steal", "PUSH_ARTIFACT");
        String base = "/api/v2.0/projects/" + project + "/webhook";
        for (RegistryClient caller : List.of(c, admin)) {
            assertThat(caller.get(policies + "/" + foreign).status()).isEqualTo(404);
            assertThat(putJson(caller, policies + "/" + foreign, hijack).status())
                    .isEqualTo(404);
            assertThat(caller.delete(policies + "/" + foreign).status()).isEqualTo(404);
            assertThat(caller.get(policies + "/" + foreign + "/executions").status())
                    .isEqualTo(404);
            assertThat(caller.get(base + "/jobs?policy_id=" + foreign).status()).isEqualTo(404);
        }
        assertThat(c.get(otherPolicies + "/" + foreign).status())
                .as("not a member there")
                .isEqualTo(404);
        JsonNode still = admin.get(otherPolicies + "/" + foreign).json();
        assertThat(still.path("name").asString()).isEqualTo("theirs");
        assertThat(still.path("targets").path(0).path("address").asString()).isEqualTo(PUBLIC_ADDRESS);
    }

    @Test
    void projectAdminsManagePoliciesMaintainersReadThemAndNobodyElseSeesThem() {
        long existing = created(postJson(admin, policies, policy("existing", PUBLIC_ADDRESS, "PUSH_ARTIFACT")));
        String base = "/api/v2.0/projects/" + project + "/webhook";

        TestAccounts.Account projectAdmin = accounts.user("whadm");
        accounts.member(project, projectAdmin, ProjectRole.PROJECT_ADMIN);
        long own = created(postJson(projectAdmin.client(), policies, policy("own", PUBLIC_ADDRESS, "PULL_ARTIFACT")));
        RegistryClient.check(
                putJson(projectAdmin.client(), policies + "/" + own, policy("own2", PUBLIC_ADDRESS, "PULL_ARTIFACT")),
                200);
        RegistryClient.check(projectAdmin.client().get(base + "/lasttrigger"), 200);
        RegistryClient.check(projectAdmin.client().delete(policies + "/" + own), 200);

        TestAccounts.Account maintainer = accounts.user("whmnt");
        accounts.member(project, maintainer, ProjectRole.MAINTAINER);
        RegistryClient m = maintainer.client();
        RegistryClient.check(m.get(policies), 200);
        RegistryClient.check(m.get(policies + "/" + existing), 200);
        RegistryClient.check(m.get(policies + "/" + existing + "/executions"), 200);
        RegistryClient.check(m.get(base + "/lasttrigger"), 200);
        RegistryClient.check(m.get(base + "/events"), 200);
        assertWritesDenied(m, existing, 403, "maintainer");

        for (ProjectRole role : List.of(ProjectRole.DEVELOPER, ProjectRole.GUEST, ProjectRole.LIMITED_GUEST)) {
            TestAccounts.Account user = accounts.user("whno");
            accounts.member(project, user, role);
            assertReadsDenied(user.client(), existing, 403, role.name());
            assertWritesDenied(user.client(), existing, 403, role.name());
        }
        TestAccounts.Account stranger = accounts.user("whout");
        assertReadsDenied(stranger.client(), existing, 404, "non-member");
        assertWritesDenied(stranger.client(), existing, 404, "non-member");
        assertReadsDenied(server.anonymousClient(), existing, 401, "anonymous");

        // Robots: exactly what they were granted.
        JsonNode reader = robot("notification-policy:read", "notification-policy:list", "project:read");
        RegistryClient r = server.client(
                reader.path("name").asString(), reader.path("secret").asString());
        RegistryClient.check(r.get(policies + "/" + existing), 200);
        RegistryClient.check(r.get(policies), 200);
        assertWritesDenied(r, existing, 403, "read-only robot");
        JsonNode writer = robot(
                "notification-policy:create",
                "notification-policy:update",
                "notification-policy:delete",
                "notification-policy:read",
                "project:read");
        RegistryClient w = server.client(
                writer.path("name").asString(), writer.path("secret").asString());
        long robotMade = created(postJson(w, policies, policy("robot", PUBLIC_ADDRESS, "PUSH_ARTIFACT")));
        assertThat(admin.get(policies + "/" + robotMade).json().path("creator").asString())
                .isEqualTo(writer.path("name").asString());
        RegistryClient.check(w.delete(policies + "/" + robotMade), 200);
        JsonNode unrelated = robot("repository:pull", "project:read");
        RegistryClient u = server.client(
                unrelated.path("name").asString(), unrelated.path("secret").asString());
        assertReadsDenied(u, existing, 403, "robot without notification-policy");

        assertThat(admin.get(policies + "/" + existing).json().path("name").asString())
                .isEqualTo("existing");
        assertThat(admin.get(policies).header("X-Total-Count")).contains("1");
    }

    private JsonNode robot(String... access) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", TestAccounts.unique("whbot"));
        body.put("level", "project");
        body.put("duration", -1);
        body.put("permissions", List.of(permission("project", project, access)));
        return createRobot(admin, body);
    }

    private void assertReadsDenied(RegistryClient c, long existing, int status, String who) {
        String base = "/api/v2.0/projects/" + project + "/webhook";
        assertThat(c.get(policies).status()).as(who + " list").isEqualTo(status);
        assertThat(c.get(policies + "/" + existing).status()).as(who + " get").isEqualTo(status);
        assertThat(c.get(policies + "/" + existing + "/executions").status())
                .as(who + " executions")
                .isEqualTo(status);
        assertThat(c.get(base + "/lasttrigger").status())
                .as(who + " lasttrigger")
                .isEqualTo(status);
        assertThat(c.get(base + "/events").status()).as(who + " events").isEqualTo(status);
        assertThat(c.get(base + "/jobs?policy_id=" + existing).status())
                .as(who + " jobs")
                .isEqualTo(status);
    }

    private void assertWritesDenied(RegistryClient c, long existing, int status, String who) {
        assertThat(postJson(c, policies, policy(TestAccounts.unique("x"), PUBLIC_ADDRESS, "PUSH_ARTIFACT"))
                        .status())
                .as(who + " create")
                .isEqualTo(status);
        assertThat(putJson(c, policies + "/" + existing, policy("changed", PUBLIC_ADDRESS, "PULL_ARTIFACT"))
                        .status())
                .as(who + " update")
                .isEqualTo(status);
        assertThat(c.delete(policies + "/" + existing).status())
                .as(who + " delete")
                .isEqualTo(status);
    }
}
