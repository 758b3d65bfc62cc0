package dev.berth.replication;

import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The replication API as the tests call it, as one administrator: endpoints, manual policies,
 * executions run to their end and their tasks' logs. Each test class keeps its own server, started
 * with the settings it is about.
 */
final class ReplicationCalls {
    private final RegistryClient admin;

    ReplicationCalls(RegistryClient admin) {
        this.admin = admin;
    }

    /** The id at the end of a 201's {@code Location}. */
    static long id(RegistryClient.Response created) {
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String location = created.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    /** Creates a registry endpoint with Basic credentials under a unique name; the answer as it came. */
    RegistryClient.Response createRegistry(String type, String url, String user, String secret) {
        return postJson(
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
                        Map.of("type", "basic", "access_key", user, "access_secret", secret)));
    }

    long registry(String type, String url, String user, String secret) {
        return id(createRegistry(type, url, user, secret));
    }

    /**
     * A manual, enabled, overriding policy body for {@code registryKey} ({@code src_registry} or
     * {@code dest_registry}) with one name filter; mutable, for a test to add to.
     */
    static Map<String, Object> manualPolicy(String registryKey, long registryId, String namePattern) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", TestAccounts.unique("p-"));
        body.put(registryKey, Map.of("id", registryId));
        body.put("filters", new ArrayList<>(List.of(Map.of("type", "name", "value", namePattern))));
        body.put("trigger", Map.of("type", "manual"));
        body.put("enabled", true);
        body.put("override", true);
        return body;
    }

    long policy(Map<String, Object> body) {
        return id(postJson(admin, "/api/v2.0/replication/policies", body));
    }

    long start(long policyId) {
        return id(postJson(admin, "/api/v2.0/replication/executions", Map.of("policy_id", policyId)));
    }

    JsonNode execution(long executionId) {
        return admin.get("/api/v2.0/replication/executions/" + executionId).json();
    }

    /** Waits (up to two minutes) for the execution to leave InProgress; returns it. */
    JsonNode awaitEnd(long executionId) {
        return Eventually.await(
                Duration.ofSeconds(120),
                () -> execution(executionId),
                e -> !e.path("status").asString().equals("InProgress"));
    }

    /** Starts an execution of the policy and waits for it to end; returns it. */
    JsonNode run(long policyId) {
        return awaitEnd(start(policyId));
    }

    JsonNode tasks(long executionId) {
        return admin.get("/api/v2.0/replication/executions/" + executionId + "/tasks")
                .json();
    }

    /** Every task's log of the execution, one after the other. */
    String logs(long executionId) {
        StringBuilder all = new StringBuilder();
        for (JsonNode t : tasks(executionId)) {
            all.append(admin.get("/api/v2.0/replication/executions/" + executionId + "/tasks/"
                                    + t.path("id").asLong() + "/log")
                            .text())
                    .append('\n');
        }
        return all.toString();
    }

    String logs(JsonNode execution) {
        return logs(execution.path("id").asLong());
    }
}
