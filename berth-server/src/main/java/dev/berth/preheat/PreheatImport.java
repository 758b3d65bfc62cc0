package dev.berth.preheat;

import dev.berth.api.ApiException;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Preheat provider instances and policies brought from elsewhere (Harbor's {@code
 * p2p_preheat_instance} and {@code p2p_preheat_policy}): each the body of the API's create, read by
 * the same mapper and checked and created by the same code, a scheduled policy's schedule included.
 * Instances are known by name, policies by project and name.
 */
@Service
public class PreheatImport {
    private final Instances instances;
    private final InstanceRecords instanceRecords;
    private final Policies policies;
    private final PolicyRecords policyRecords;
    private final JsonMapper json;

    PreheatImport(
            Instances instances,
            InstanceRecords instanceRecords,
            Policies policies,
            PolicyRecords policyRecords,
            JsonMapper json) {
        this.instances = instances;
        this.instanceRecords = instanceRecords;
        this.policies = policies;
        this.policyRecords = policyRecords;
        this.json = json;
    }

    public sealed interface Result {
        /** Created, with its schedule's cron (empty: none; always empty for an instance). */
        record Created(long id, String cron) implements Result {}

        record Existing(long id) implements Result {}

        record Refused(String reason) implements Result {}
    }

    /** The instance of this name, if there is one. */
    public Optional<Long> instance(String name) {
        return instanceRecords.findByName(name == null ? "" : name).map(ProviderInstance::id);
    }

    /** The project's policy of this name, if there is one. */
    public Optional<Long> policy(long projectId, String name) {
        return policyRecords.findByName(projectId, name == null ? "" : name).map(PreheatPolicy::id);
    }

    /**
     * Creates the instance unless one of its name exists.
     *
     * @param body Harbor's {@code Instance} as {@code POST /p2p/preheat/instances} takes it, its
     *     {@code auth_info} in the clear (sealed before it is stored)
     */
    public Result createInstance(JsonNode body) {
        InstanceRequest request;
        try {
            request = json.treeToValue(body, InstanceRequest.class);
        } catch (JacksonException e) {
            return new Result.Refused("not an instance the API would read: " + e.getOriginalMessage());
        }
        Optional<Long> existing = instance(request.name());
        if (existing.isPresent()) {
            return new Result.Existing(existing.get());
        }
        try {
            return new Result.Created(instances.create(request).id(), "");
        } catch (ApiException e) {
            return new Result.Refused(e.getMessage());
        }
    }

    /**
     * Creates the project's policy unless it has one of this name.
     *
     * @param body Harbor's {@code PreheatPolicy} as its API takes it, naming Berth's instance id
     */
    public Result createPolicy(long projectId, JsonNode body) {
        PolicyView request;
        try {
            request = json.treeToValue(body, PolicyView.class);
        } catch (JacksonException e) {
            return new Result.Refused("not a policy the API would read: " + e.getOriginalMessage());
        }
        Optional<Long> existing = policy(projectId, request.name());
        if (existing.isPresent()) {
            return new Result.Existing(existing.get());
        }
        try {
            PreheatPolicy created = policies.create(projectId, request);
            String cron = PolicyTrigger.parse(created.trigger(), json)
                    .schedule()
                    .map(s -> s.cron())
                    .orElse("");
            return new Result.Created(created.id(), cron);
        } catch (ApiException e) {
            return new Result.Refused(e.getMessage());
        }
    }
}
