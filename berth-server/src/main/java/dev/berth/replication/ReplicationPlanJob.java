package dev.berth.replication;

import dev.berth.api.ListQuery;
import dev.berth.job.Execution;
import dev.berth.job.Executions;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.UnrecoverableJobException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first task of every replication execution (manual, scheduled): lists what the policy's
 * filters select at the source and queues one copy task per tagged artifact, all in one
 * transaction, so a retried plan never queues twice. A policy with {@code single_active_replication}
 * whose previous execution is still running ends here with Harbor's "Execution skipped" error.
 */
@Component
class ReplicationPlanJob implements JobKind {
    static final String NAME = ReplicationPolicies.VENDOR;

    private final ReplicationPolicyRecords policies;
    private final ReplicationEndpoints endpoints;
    private final ReplicationTaskRecords taskRecords;
    /** Looked up when needed: the job service's Executions is built from the job kinds, this one among them. */
    private final ObjectProvider<Executions> executions;

    private final TransactionTemplate tx;

    ReplicationPlanJob(
            ReplicationPolicyRecords policies,
            ReplicationEndpoints endpoints,
            ReplicationTaskRecords taskRecords,
            ObjectProvider<Executions> executions,
            TransactionTemplate tx) {
        this.policies = policies;
        this.endpoints = endpoints;
        this.taskRecords = taskRecords;
        this.executions = executions;
        this.tx = tx;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** One artifact to copy. */
    record Item(String srcRepo, String tag, String dstRepo) {}

    @Override
    public void run(JobContext context) throws Exception {
        long policyId = context.parameters().path("policy_id").asLong();
        ReplicationPolicy policy = policies.find(policyId)
                .orElseThrow(() -> new UnrecoverableJobException("the policy " + policyId + " is gone"));
        if (!taskRecords.ofExecution(context.executionId()).isEmpty()) {
            context.log("already planned");
            return;
        }
        if (policy.singleActiveReplication() && anotherRunning(policy.id(), context.executionId())) {
            throw new UnrecoverableJobException("Execution skipped: active replication still in progress.");
        }
        if (policy.filters().stream().anyMatch(f -> f.type().equals(PolicyFilter.LABEL))) {
            throw new UnrecoverableJobException("label filters are not applied by Berth yet; nothing was copied");
        }
        ReplicationEndpoints.Ends ends = endpoints.of(policy);
        List<Item> items = new ArrayList<>();
        for (String repository : ends.source().repositories()) {
            if (!namesMatch(policy, repository)) {
                continue;
            }
            String destination;
            try {
                destination =
                        DestinationName.of(repository, policy.destNamespace(), policy.destNamespaceReplaceCount());
            } catch (IllegalArgumentException e) {
                throw new UnrecoverableJobException(e.getMessage());
            }
            for (String tag : ends.source().tags(repository)) {
                if (tagsMatch(policy, tag)) {
                    items.add(new Item(repository, tag, destination));
                }
            }
            context.checkStop();
        }
        tx.executeWithoutResult(status -> {
            for (Item item : items) {
                long task = executions
                        .getObject()
                        .addTask(
                                context.executionId(),
                                ReplicationCopyJob.NAME,
                                Map.of(
                                        "policy_id", policy.id(),
                                        "src_repo", item.srcRepo(),
                                        "tag", item.tag(),
                                        "dst_repo", item.dstRepo()));
                taskRecords.insert(
                        task,
                        context.executionId(),
                        "copy",
                        "image",
                        item.srcRepo() + ":[" + item.tag() + "]",
                        item.dstRepo() + ":[" + item.tag() + "]");
            }
        });
        context.log(
                "planned " + items.size() + " artifact(s) " + (policy.isPush() ? "to " : "from ") + ends.remoteName());
    }

    private boolean anotherRunning(long policyId, long executionId) {
        return executions
                .getObject()
                .list(Set.of(NAME), policyId, ListQuery.firstPage(ListQuery.MAX_PAGE_SIZE))
                .items()
                .stream()
                .filter(e -> e.id() != executionId)
                .map(Execution::status)
                .anyMatch(s -> !s.isFinal());
    }

    static boolean namesMatch(ReplicationPolicy policy, String repository) {
        return policy.filters().stream()
                .filter(f -> f.type().equals(PolicyFilter.NAME))
                .allMatch(f -> Doublestar.matches(f.value().asString(), repository));
    }

    static boolean tagsMatch(ReplicationPolicy policy, String tag) {
        return policy.filters().stream()
                .filter(f -> f.type().equals(PolicyFilter.TAG))
                .allMatch(f -> Doublestar.matches(f.value().asString(), tag) != f.excludes());
    }
}
