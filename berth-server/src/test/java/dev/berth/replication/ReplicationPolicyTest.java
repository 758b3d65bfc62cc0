package dev.berth.replication;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.job.Schedules;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's replication policy API: the fields as Harbor spells them, its validation, the schedule
 * of a scheduled policy, the endpoint held against deletion, system administrators only.
 */
class ReplicationPolicyTest {
    private static BerthServer server;
    private static DistributionRegistry distribution;
    private static RegistryClient admin;
    private static long registryId;

    @BeforeAll
    static void start() {
        distribution = DistributionRegistry.withBasicAuth("repl", "Repl-Password-1");
        server = BerthServer.withExternalDatabase(Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
        admin = server.adminClient();
        registryId = endpoint(admin, "dist", distribution, "repl", "Repl-Password-1");
    }

    /** Registers the distribution registry as endpoint {@code name} with Basic credentials; its id. */
    static long endpoint(
            RegistryClient admin, String name, DistributionRegistry registry, String user, String password) {
        RegistryClient.Response r = postJson(
                admin,
                "/api/v2.0/registries",
                Map.of(
                        "name",
                        name,
                        "type",
                        "docker-registry",
                        "url",
                        registry.baseUri().toString(),
                        "credential",
                        Map.of("type", "basic", "access_key", user, "access_secret", password)));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (distribution != null) {
            distribution.close();
        }
    }

    static Map<String, Object> pushPolicy(String name, long registryId) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("description", "to distribution");
        p.put("dest_registry", Map.of("id", registryId));
        p.put("dest_namespace", "mirror");
        p.put("dest_namespace_replace_count", 1);
        p.put(
                "filters",
                List.of(
                        Map.of("type", "name", "value", "library/**"),
                        Map.of("type", "tag", "value", "v*", "decoration", "excludes"),
                        Map.of("type", "label", "value", List.of("prod"), "decoration", "matches"),
                        Map.of("type", "resource", "value", "image")));
        p.put("trigger", Map.of("type", "manual"));
        p.put("deletion", true);
        p.put("override", true);
        p.put("enabled", true);
        p.put("speed", 1024);
        p.put("copy_by_chunk", true);
        p.put("single_active_replication", true);
        return p;
    }

    static long create(Map<String, Object> body) {
        RegistryClient.Response r = postJson(admin, "/api/v2.0/replication/policies", body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    @Test
    void aPolicyKeepsHarborsFields() {
        String name = TestAccounts.unique("push-");
        long id = create(pushPolicy(name, registryId));
        JsonNode p = admin.get("/api/v2.0/replication/policies/" + id).json();
        assertThat(p.path("name").asString()).isEqualTo(name);
        assertThat(p.path("src_registry").path("id").asLong()).isZero();
        assertThat(p.path("src_registry").path("name").asString()).isEqualTo("Local");
        assertThat(p.path("dest_registry").path("id").asLong()).isEqualTo(registryId);
        assertThat(p.path("dest_registry")
                        .path("credential")
                        .path("access_secret")
                        .asString())
                .isEqualTo("*****");
        assertThat(p.toString()).doesNotContain("Repl-Password-1");
        assertThat(p.path("dest_namespace").asString()).isEqualTo("mirror");
        assertThat(p.path("dest_namespace_replace_count").asInt()).isEqualTo(1);
        assertThat(p.path("filters").size()).isEqualTo(4);
        assertThat(p.path("filters").path(1).path("decoration").asString()).isEqualTo("excludes");
        assertThat(p.path("filters").path(2).path("value").path(0).asString()).isEqualTo("prod");
        assertThat(p.path("trigger").path("type").asString()).isEqualTo("manual");
        assertThat(p.path("deletion").asBoolean()).isTrue();
        assertThat(p.path("replicate_deletion").asBoolean()).isTrue();
        assertThat(p.path("override").asBoolean()).isTrue();
        assertThat(p.path("enabled").asBoolean()).isTrue();
        assertThat(p.path("speed").asInt()).isEqualTo(1024);
        assertThat(p.path("copy_by_chunk").asBoolean()).isTrue();
        assertThat(p.path("single_active_replication").asBoolean()).isTrue();

        RegistryClient.Response list = admin.get("/api/v2.0/replication/policies?q=name%3D" + name);
        assertThat(list.header("X-Total-Count")).contains("1");
        assertThat(list.json().path(0).path("id").asLong()).isEqualTo(id);
        assertThat(admin.get("/api/v2.0/replication/policies?name=" + name.substring(0, 8))
                        .json()
                        .size())
                .isGreaterThanOrEqualTo(1);

        // scheduled: the job service holds the schedule; manual again: it is gone
        Map<String, Object> scheduled = pushPolicy(name, registryId);
        scheduled.put("trigger", Map.of("type", "scheduled", "trigger_settings", Map.of("cron", "0 30 2 * * *")));
        scheduled.put("single_active_replication", false);
        assertThat(putJson(admin, "/api/v2.0/replication/policies/" + id, scheduled)
                        .status())
                .isEqualTo(200);
        assertThat(server.bean(Schedules.class).get("REPLICATION", id)).isPresent();
        assertThat(admin.get("/api/v2.0/replication/policies/" + id)
                        .json()
                        .path("trigger")
                        .toString())
                .isEqualTo("{\"type\":\"scheduled\",\"trigger_settings\":{\"cron\":\"0 30 2 * * *\"}}");
        assertThat(putJson(admin, "/api/v2.0/replication/policies/" + id, pushPolicy(name, registryId))
                        .status())
                .isEqualTo(200);
        assertThat(server.bean(Schedules.class).get("REPLICATION", id)).isEmpty();

        // the endpoint is held while the policy names it
        RegistryClient.Response held = admin.delete("/api/v2.0/registries/" + registryId);
        assertThat(held.status()).isEqualTo(412);
        assertThat(held.text()).contains("referenced by replication policies");

        assertThat(postJson(admin, "/api/v2.0/replication/policies", pushPolicy(name, registryId))
                        .status())
                .isEqualTo(409);
        assertThat(admin.delete("/api/v2.0/replication/policies/" + id).status())
                .isEqualTo(200);
        assertThat(admin.get("/api/v2.0/replication/policies/" + id).status()).isEqualTo(404);
    }

    @Test
    void harborsValidationAnswers() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("name", "empty name");
        cases.put("both", "either src_registry or dest_registry");
        cases.put("neither", "either src_registry or dest_registry");
        cases.put("namespace", "invalid destination namespace");
        cases.put("filterType", "invalid filter type");
        cases.put("resource", "invalid resource filter");
        cases.put("nameDecoration", "only tag and label filter support decoration");
        cases.put("decoration", "invalid filter decoration");
        cases.put("label", "isn't string slice");
        cases.put("trigger", "invalid trigger type");
        cases.put("noCron", "the cron string cannot be empty");
        cases.put("seconds", "the 1st field");
        cases.put("minutes", "* is not allowed for the Minutes field");
        cases.put("badCron", "invalid cron string");
        cases.put("single", "single active replication is not allowed for event_based triggers");
        cases.put("pullEvent", "event_based");
        for (var c : cases.entrySet()) {
            Map<String, Object> p = pushPolicy(TestAccounts.unique("bad-"), registryId);
            switch (c.getKey()) {
                case "name" -> p.put("name", " ");
                case "both" -> p.put("src_registry", Map.of("id", registryId));
                case "neither" -> p.remove("dest_registry");
                case "namespace" -> p.put("dest_namespace", "Bad Namespace");
                case "filterType" -> p.put("filters", List.of(Map.of("type", "size", "value", "1")));
                case "resource" -> p.put("filters", List.of(Map.of("type", "resource", "value", "chart")));
                case "nameDecoration" ->
                    p.put("filters", List.of(Map.of("type", "name", "value", "a", "decoration", "excludes")));
                case "decoration" ->
                    p.put("filters", List.of(Map.of("type", "tag", "value", "a", "decoration", "maybe")));
                case "label" -> p.put("filters", List.of(Map.of("type", "label", "value", "prod")));
                case "trigger" -> p.put("trigger", Map.of("type", "hourly"));
                case "noCron" -> p.put("trigger", Map.of("type", "scheduled"));
                case "seconds" ->
                    p.put("trigger", Map.of("type", "scheduled", "trigger_settings", Map.of("cron", "5 0 * * * *")));
                case "minutes" ->
                    p.put("trigger", Map.of("type", "scheduled", "trigger_settings", Map.of("cron", "0 * * * * *")));
                case "badCron" ->
                    p.put("trigger", Map.of("type", "scheduled", "trigger_settings", Map.of("cron", "0 0 99 * * *")));
                case "single" -> p.put("trigger", Map.of("type", "event_based"));
                case "pullEvent" -> {
                    p.remove("dest_registry");
                    p.put("src_registry", Map.of("id", registryId));
                    p.put("single_active_replication", false);
                    p.put("trigger", Map.of("type", "event_based"));
                }
                default -> throw new IllegalStateException();
            }
            RegistryClient.Response r = postJson(admin, "/api/v2.0/replication/policies", p);
            assertThat(r.status()).as(c.getKey() + ": " + r.text()).isEqualTo(400);
            assertThat(r.json().path("errors").path(0).path("message").asString())
                    .as(c.getKey())
                    .contains(c.getValue());
        }
        Map<String, Object> missing = pushPolicy(TestAccounts.unique("gone-"), 999_999);
        assertThat(postJson(admin, "/api/v2.0/replication/policies", missing).status())
                .isEqualTo(404);
        assertThat(putJson(admin, "/api/v2.0/replication/policies/999999", pushPolicy("x", registryId))
                        .status())
                .isEqualTo(404);
        assertThat(admin.delete("/api/v2.0/replication/policies/999999").status())
                .isEqualTo(404);
    }

    @Test
    void onlySystemAdministratorsManagePolicies() {
        long id = create(pushPolicy(TestAccounts.unique("perm-"), registryId));
        RegistryClient user = new TestAccounts(server).user("plain").client();
        for (var entry : Map.of(user, 403, server.anonymousClient(), 401).entrySet()) {
            RegistryClient c = entry.getKey();
            for (RegistryClient.Response r : List.of(
                    c.get("/api/v2.0/replication/policies"),
                    postJson(c, "/api/v2.0/replication/policies", pushPolicy(TestAccounts.unique("x-"), registryId)),
                    c.get("/api/v2.0/replication/policies/" + id),
                    putJson(c, "/api/v2.0/replication/policies/" + id, pushPolicy("mine", registryId)),
                    c.delete("/api/v2.0/replication/policies/" + id))) {
                assertThat(r.status()).as(r.raw().uri().toString()).isEqualTo(entry.getValue());
            }
        }
        assertThat(admin.get("/api/v2.0/replication/policies/" + id)
                        .json()
                        .path("name")
                        .asString())
                .startsWith("perm-");
        assertThat(admin.delete("/api/v2.0/replication/policies/" + id).status())
                .isEqualTo(200);
    }
}
