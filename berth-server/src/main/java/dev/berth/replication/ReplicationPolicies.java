package dev.berth.replication;

import dev.berth.api.ApiException;
import dev.berth.api.ListQuery;
import dev.berth.api.SqlPage;
import dev.berth.job.Executions;
import dev.berth.job.ScheduleSpec;
import dev.berth.job.Schedules;
import dev.berth.remote.RegistryUsage;
import dev.berth.remote.RemoteRegistries;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replication policies: Harbor's validation, a name unique across Berth, one end this Berth and
 * the other a registry endpoint that exists, the schedule of a scheduled policy kept in the job
 * service, and the endpoints a policy names held against deletion.
 */
@Service
class ReplicationPolicies implements RegistryUsage {
    static final String VENDOR = "REPLICATION";
    private static final int MAX_NAME = 256;
    /** Harbor's {@code RepositoryNameRe} for the destination namespace. */
    private static final Pattern NAMESPACE =
            Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*");

    private final ReplicationPolicyRecords records;
    private final RemoteRegistries registries;
    private final Schedules schedules;
    private final Executions executions;
    private final TransactionTemplate tx;
    private final Clock clock;

    ReplicationPolicies(
            ReplicationPolicyRecords records,
            RemoteRegistries registries,
            Schedules schedules,
            Executions executions,
            TransactionTemplate tx,
            Clock clock) {
        this.records = records;
        this.registries = registries;
        this.schedules = schedules;
        this.executions = executions;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Optional<String> blocksDeletion(long registryId) {
        return records.countUsing(registryId) > 0
                ? Optional.of("referenced by replication policies")
                : Optional.empty();
    }

    ReplicationPolicy get(long id) {
        return records.find(id).orElseThrow(() -> ApiException.notFound("replication policy " + id + " not found"));
    }

    SqlPage<ReplicationPolicy> list(ListQuery query) {
        return records.list(query);
    }

    long create(String creator, PolicyRequest request) {
        Instant now = clock.instant();
        ReplicationPolicy policy = validated(0, creator, request, now, now);
        return tx.execute(status -> {
            long id = records.insert(policy)
                    .orElseThrow(() -> ApiException.conflict("policy " + policy.name() + " already exists"));
            schedule(id, policy);
            return id;
        });
    }

    /** Replaces the policy; returns the one before. */
    ReplicationPolicy update(long id, PolicyRequest request) {
        ReplicationPolicy current = get(id);
        ReplicationPolicy updated = validated(id, current.creator(), request, current.creationTime(), clock.instant());
        tx.executeWithoutResult(status -> {
            if (!records.update(updated)) {
                throw ApiException.conflict("policy " + updated.name() + " already exists");
            }
            schedule(id, updated);
        });
        return current;
    }

    /** Deletes a policy that has no execution in progress (a 412 otherwise, as in Harbor). */
    ReplicationPolicy delete(long id) {
        ReplicationPolicy policy = get(id);
        boolean running =
                executions.list(Set.of(VENDOR), id, ListQuery.firstPage(ListQuery.MAX_PAGE_SIZE)).items().stream()
                        .anyMatch(e -> !e.status().isFinal());
        if (running) {
            throw ApiException.preconditionFailed(
                    "the policy " + id + " has executions in progress; stop them before deleting it");
        }
        tx.executeWithoutResult(status -> {
            schedules.delete(VENDOR, id);
            records.delete(id);
        });
        return policy;
    }

    /** A scheduled, enabled policy fires from the job service's schedules; any other has none. */
    private void schedule(long id, ReplicationPolicy policy) {
        if (policy.enabled() && policy.trigger().type().equals(PolicyTrigger.SCHEDULED)) {
            schedules.set(
                    VENDOR, id, new ScheduleSpec("Custom", policy.trigger().cron()), Map.of("policy_id", id));
        } else {
            schedules.delete(VENDOR, id);
        }
    }

    private ReplicationPolicy validated(
            long id, String creator, PolicyRequest r, Instant creationTime, Instant updateTime) {
        String name = r.name() == null ? "" : r.name().trim();
        if (name.isEmpty()) {
            throw ApiException.badRequest("empty name");
        }
        if (name.length() > MAX_NAME) {
            throw ApiException.badRequest("the policy name must be at most " + MAX_NAME + " characters");
        }
        long src = registryId(r.srcRegistry());
        long dest = registryId(r.destRegistry());
        if ((src != 0) == (dest != 0)) {
            throw ApiException.badRequest(
                    "either src_registry or dest_registry should be empty and the other one shouldn't be empty");
        }
        registries.get(src != 0 ? src : dest); // a 404 for an endpoint that does not exist, as in Harbor
        String namespace = r.destNamespace() == null ? "" : r.destNamespace().trim();
        if (!namespace.isEmpty() && !NAMESPACE.matcher(namespace).matches()) {
            throw ApiException.badRequest("invalid destination namespace: " + namespace);
        }
        int replaceCount = r.destNamespaceReplaceCount() == null ? -1 : r.destNamespaceReplaceCount();
        if (replaceCount < -1 || replaceCount > Byte.MAX_VALUE) {
            throw ApiException.badRequest("dest_namespace_replace_count must be between -1 and " + Byte.MAX_VALUE);
        }
        PolicyTrigger trigger = trigger(r.trigger());
        if (trigger.type().equals(PolicyTrigger.EVENT_BASED) && src != 0) {
            throw ApiException.badRequest("the event_based trigger replicates this registry's events; a pull"
                    + " replication (from another registry) can be manual or scheduled");
        }
        boolean singleActive = Boolean.TRUE.equals(r.singleActiveReplication());
        if (singleActive && trigger.type().equals(PolicyTrigger.EVENT_BASED)) {
            throw ApiException.badRequest("single active replication is not allowed for event_based triggers");
        }
        return new ReplicationPolicy(
                id,
                name,
                r.description() == null ? "" : r.description(),
                creator,
                src,
                dest,
                namespace,
                replaceCount,
                filters(r.filters()),
                trigger,
                Boolean.TRUE.equals(r.replicateDeletion()) || Boolean.TRUE.equals(r.deletion()),
                Boolean.TRUE.equals(r.override()),
                Boolean.TRUE.equals(r.enabled()),
                r.speed() == null ? 0 : Math.max(0, r.speed()),
                Boolean.TRUE.equals(r.copyByChunk()),
                singleActive,
                creationTime,
                updateTime);
    }

    private static long registryId(PolicyRequest.RegistryRef ref) {
        return ref == null || ref.id() == null ? 0 : ref.id();
    }

    /** Harbor's checks of a trigger; none given is manual. */
    private static PolicyTrigger trigger(PolicyTrigger t) {
        if (t == null || t.type() == null || t.type().isEmpty()) {
            return PolicyTrigger.manual();
        }
        switch (t.type()) {
            case PolicyTrigger.MANUAL, PolicyTrigger.EVENT_BASED -> {
                return new PolicyTrigger(t.type(), null);
            }
            case PolicyTrigger.SCHEDULED -> {
                String cron = t.cron().trim();
                if (cron.isEmpty()) {
                    throw ApiException.badRequest("the cron string cannot be empty when the trigger type is scheduled");
                }
                try {
                    new ScheduleSpec("Custom", cron);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("invalid cron string for scheduled trigger: " + cron);
                }
                String[] fields = cron.split("\\s+");
                if (!fields[0].equals("0")) {
                    throw ApiException.badRequest(
                            "the 1st field (indicating Seconds of time) of the cron setting must be 0");
                }
                if (fields[1].equals("*")) {
                    throw ApiException.badRequest(
                            "* is not allowed for the Minutes field of the cron setting of replication policy");
                }
                return new PolicyTrigger(PolicyTrigger.SCHEDULED, new PolicyTrigger.Settings(cron));
            }
            default -> throw ApiException.badRequest("invalid trigger type");
        }
    }

    /** Harbor's checks of each filter. */
    private static List<PolicyFilter> filters(List<PolicyRequest.FilterRequest> given) {
        List<PolicyFilter> filters = new ArrayList<>();
        if (given == null) {
            return filters;
        }
        for (PolicyRequest.FilterRequest f : given) {
            if (f == null || f.type() == null) {
                throw ApiException.badRequest("invalid filter type");
            }
            String decoration = f.decoration() == null ? "" : f.decoration();
            switch (f.type()) {
                case PolicyFilter.NAME, PolicyFilter.TAG, PolicyFilter.RESOURCE -> {
                    if (f.value() == null || !f.value().isString()) {
                        throw ApiException.badRequest("the type of filter value isn't string");
                    }
                    String value = f.value().asString();
                    if (f.type().equals(PolicyFilter.RESOURCE) && !value.equals("image") && !value.equals("artifact")) {
                        throw ApiException.badRequest("invalid resource filter: " + value);
                    }
                    if (!f.type().equals(PolicyFilter.TAG) && !decoration.isEmpty()) {
                        throw ApiException.badRequest("only tag and label filter support decoration");
                    }
                }
                case PolicyFilter.LABEL -> {
                    if (f.value() == null || !f.value().isArray()) {
                        throw ApiException.badRequest("the type of label filter value isn't string slice");
                    }
                    f.value().forEach(v -> {
                        if (!v.isString()) {
                            throw ApiException.badRequest("the type of label filter value isn't string slice");
                        }
                    });
                }
                default -> throw ApiException.badRequest("invalid filter type");
            }
            if (!decoration.isEmpty()
                    && !decoration.equals(PolicyFilter.MATCHES)
                    && !decoration.equals(PolicyFilter.EXCLUDES)) {
                throw ApiException.badRequest("invalid filter decoration, :" + decoration);
            }
            filters.add(new PolicyFilter(f.type(), f.value(), decoration.isEmpty() ? null : decoration));
        }
        return filters;
    }
}
