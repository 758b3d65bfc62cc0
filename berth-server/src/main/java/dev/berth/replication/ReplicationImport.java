package dev.berth.replication;

import dev.berth.api.ApiException;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Replication policies brought from elsewhere (Harbor's {@code replication_policy}): the body of a
 * {@code POST /replication/policies}, read by the same mapper and checked and created by the same
 * code as that request, schedule included. Known by name, as Berth's policy names are unique.
 */
@Service
public class ReplicationImport {
    private final ReplicationPolicies policies;
    private final ReplicationPolicyRecords records;
    private final JsonMapper json;

    ReplicationImport(ReplicationPolicies policies, ReplicationPolicyRecords records, JsonMapper json) {
        this.policies = policies;
        this.records = records;
        this.json = json;
    }

    public sealed interface Result {
        /** Created, with its schedule's cron (empty: none). */
        record Created(long id, String cron) implements Result {}

        record Existing(long id) implements Result {}

        record Refused(String reason) implements Result {}
    }

    /** The policy of this name, if there is one. */
    public Optional<Long> existing(String name) {
        return records.idOf(name == null ? "" : name.trim());
    }

    /**
     * Creates the policy unless one of its name exists.
     *
     * @param body Harbor's {@code ReplicationPolicy} as its API takes it, naming Berth's endpoint ids
     */
    public Result create(String creator, JsonNode body) {
        PolicyRequest request;
        try {
            request = json.treeToValue(body, PolicyRequest.class);
        } catch (JacksonException e) {
            return new Result.Refused("not a policy the API would read: " + e.getOriginalMessage());
        }
        Optional<Long> existing = existing(request.name());
        if (existing.isPresent()) {
            return new Result.Existing(existing.get());
        }
        try {
            long id = policies.create(creator == null || creator.isBlank() ? "admin" : creator, request);
            ReplicationPolicy created = policies.get(id);
            boolean scheduled = created.enabled() && created.trigger().type().equals(PolicyTrigger.SCHEDULED);
            return new Result.Created(id, scheduled ? created.trigger().cron() : "");
        } catch (ApiException e) {
            return new Result.Refused(e.getMessage());
        }
    }
}
