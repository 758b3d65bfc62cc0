package dev.berth.preheat;

import dev.berth.api.ApiException;
import dev.berth.api.ListQuery;
import dev.berth.api.SqlPage;
import dev.berth.job.Execution;
import dev.berth.job.Executions;
import dev.berth.job.Schedules;
import dev.berth.job.TaskStatus;
import dev.berth.job.Trigger;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A project's preheat policies: Harbor's checks when saved (name, an existing provider, filters,
 * trigger, extra attributes), the schedule a scheduled trigger sets, and enforcing a policy by hand
 * or on its schedule. A policy name of another project is not found.
 */
@Service
class Policies {
    private final PolicyRecords records;
    private final InstanceRecords instances;
    private final Providers providers;
    private final PreheatEnforcer enforcer;
    private final ObjectProvider<Executions> executions;
    private final ObjectProvider<Schedules> schedules;
    private final ProjectService projects;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    Policies(
            PolicyRecords records,
            InstanceRecords instances,
            Providers providers,
            PreheatEnforcer enforcer,
            ObjectProvider<Executions> executions,
            ObjectProvider<Schedules> schedules,
            ProjectService projects,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock) {
        this.records = records;
        this.instances = instances;
        this.providers = providers;
        this.enforcer = enforcer;
        this.executions = executions;
        this.schedules = schedules;
        this.projects = projects;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    SqlPage<PreheatPolicy> list(long projectId, ListQuery query) {
        return records.list(projectId, query);
    }

    PreheatPolicy byName(long projectId, String name) {
        return records.findByName(projectId, name)
                .orElseThrow(() -> ApiException.notFound("preheat policy " + name + " not found"));
    }

    String providerName(long providerId) {
        return instances.find(providerId).map(ProviderInstance::name).orElse("");
    }

    PreheatPolicy create(long projectId, PolicyView request) {
        Instant now = clock.instant();
        PreheatPolicy draft = checked(projectId, 0, request, now, now);
        PolicyTrigger trigger = PolicyTrigger.parse(draft.trigger(), json);
        return tx.execute(status -> {
            long id = records.insert(draft)
                    .orElseThrow(() -> ApiException.conflict("preheat policy " + draft.name() + " already exists"));
            schedule(id, trigger);
            return records.find(id).orElseThrow();
        });
    }

    void update(long projectId, String name, PolicyView request) {
        PreheatPolicy current = byName(projectId, name);
        PolicyView named = request.name() == null || request.name().isEmpty()
                ? new PolicyView(
                        request.id(),
                        current.name(),
                        request.description(),
                        request.projectId(),
                        request.providerId(),
                        request.providerName(),
                        request.filters(),
                        request.trigger(),
                        request.enabled(),
                        request.extraAttrs(),
                        null,
                        null)
                : request;
        PreheatPolicy updated = checked(projectId, current.id(), named, current.creationTime(), clock.instant());
        PolicyTrigger trigger = PolicyTrigger.parse(updated.trigger(), json);
        tx.executeWithoutResult(status -> {
            if (!records.update(updated)) {
                throw ApiException.conflict("preheat policy " + updated.name() + " already exists");
            }
            schedule(current.id(), trigger);
        });
    }

    void delete(long projectId, String name) {
        PreheatPolicy policy = byName(projectId, name);
        Executions jobs = executions.getObject();
        ListQuery running = ListQuery.firstPage(1).withTerm("status", List.of(TaskStatus.RUNNING.wire()));
        for (Execution e : jobs.list(List.of(PreheatEnforcer.VENDOR_TYPE), policy.id(), running)
                .items()) {
            {
                throw ApiException.preconditionFailed("execution " + e.id() + " under the policy " + policy.name()
                        + " is running, stop it and retry");
            }
        }
        tx.executeWithoutResult(status -> {
            schedules.getObject().delete(PreheatScheduleLauncher.NAME, policy.id());
            records.delete(projectId, policy.id());
        });
    }

    /** Harbor's manual preheat: the policy must be enabled and its provider healthy. */
    long manual(long projectId, String name) {
        PreheatPolicy policy = byName(projectId, name);
        if (!policy.enabled()) {
            throw ApiException.badRequest("policy " + policy.id() + ":" + policy.name() + " is not enabled");
        }
        try {
            checkProvider(policy);
        } catch (ProviderException e) {
            throw ApiException.badRequest("the policy's provider is not healthy: " + e.getMessage());
        }
        return tx.execute(status -> enforce(policy, Trigger.MANUAL));
    }

    /** Throws {@link ProviderException} unless the policy's provider exists and answers its health check. */
    void checkProvider(PreheatPolicy policy) {
        ProviderInstance instance = instances
                .find(policy.providerId())
                .orElseThrow(() -> new ProviderException("the policy's provider instance no longer exists"));
        providers
                .driver(instance.vendor())
                .orElseThrow(() -> new ProviderException("no driver registered for provider " + instance.vendor()))
                .checkHealth(providers.endpoint(instance));
    }

    /** Selects the candidates and starts the execution; in the caller's transaction. */
    long enforce(PreheatPolicy policy, Trigger cause) {
        Project project = projects.findById(policy.projectId())
                .orElseThrow(() -> ApiException.notFound("project " + policy.projectId() + " not found"));
        PolicyFilters filters = PolicyFilters.effective(policy.filters(), project.metadata(), json);
        PolicyTrigger trigger = PolicyTrigger.parse(policy.trigger(), json);
        List<Candidate> candidates = enforcer.candidates(project, filters);
        return enforcer.launch(policy, trigger, cause, candidates);
    }

    private void schedule(long policyId, PolicyTrigger trigger) {
        Schedules s = schedules.getObject();
        if (trigger.schedule().isPresent()) {
            s.set(PreheatScheduleLauncher.NAME, policyId, trigger.schedule().get(), Map.of("policy_id", policyId));
        } else {
            s.delete(PreheatScheduleLauncher.NAME, policyId);
        }
    }

    private PreheatPolicy checked(long projectId, long id, PolicyView r, Instant created, Instant updated) {
        String name = r.name() == null ? "" : r.name();
        if (name.length() > 255 || !Instances.NAME.matcher(name).matches()) {
            throw ApiException.badRequest("name " + name + " is invalid");
        }
        if (r.providerId() == null || instances.find(r.providerId()).isEmpty()) {
            throw ApiException.badRequest("provider instance " + r.providerId() + " not found");
        }
        try {
            PolicyFilters.parse(r.filters(), json);
            PolicyTrigger.parse(r.trigger(), json);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        String extra = r.extraAttrs() == null ? "" : r.extraAttrs().trim();
        checkExtraAttrs(extra);
        String description = r.description() == null ? "" : r.description();
        if (description.length() > 1024) {
            throw ApiException.badRequest("description is at most 1024 characters");
        }
        return new PreheatPolicy(
                id,
                name,
                description,
                projectId,
                r.providerId(),
                r.filters(),
                r.trigger(),
                Boolean.TRUE.equals(r.enabled()),
                extra,
                created,
                updated);
    }

    /** Dragonfly's extra attributes: {@code scope} (one of its three) and {@code cluster_ids} (ids). */
    private void checkExtraAttrs(String extra) {
        if (extra.isEmpty()) {
            return;
        }
        JsonNode node;
        try {
            node = json.readTree(extra);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("extra_attrs is not JSON");
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("extra_attrs must be a JSON object");
        }
        JsonNode scope = node.path("scope");
        if (!scope.isMissingNode()
                && !scope.isNull()
                && !(scope.isString()
                        && (scope.asString().isEmpty() || DragonflyDriver.SCOPES.contains(scope.asString())))) {
            throw ApiException.badRequest("invalid scope: " + scope);
        }
        JsonNode ids = node.path("cluster_ids");
        if (!ids.isMissingNode() && !ids.isNull()) {
            if (!ids.isArray()) {
                throw ApiException.badRequest("cluster_ids must be an array of ids");
            }
            for (JsonNode i : ids) {
                if (!i.isIntegralNumber() || i.asLong() < 0) {
                    throw ApiException.badRequest("cluster_ids must be an array of ids");
                }
            }
        }
    }
}
