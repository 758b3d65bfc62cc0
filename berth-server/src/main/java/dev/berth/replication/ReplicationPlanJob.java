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
    private final tools.jackson.databind.json.JsonMapper json;

    ReplicationPlanJob(
            ReplicationPolicyRecords policies,
            ReplicationEndpoints endpoints,
            ReplicationTaskRecords taskRecords,
            ObjectProvider<Executions> executions,
            TransactionTemplate tx,
            tools.jackson.databind.json.JsonMapper json) {
        this.json = json;
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
        ReplicationEndpoints.Ends ends = endpoints.of(policy);
        List<Item> items = new ArrayList<>();
        for (String repository : ends.source().repositories(Selection.namePatterns(policy))) {
            if (!Selection.name(policy, repository)) {
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
                if (Selection.tag(policy, tag) && artifactSelected(policy, ends.source(), repository, tag, context)) {
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

    /** The label and resource filters, which need the artifact the tag names. */
    private boolean artifactSelected(
            ReplicationPolicy policy, ContentEndpoint source, String repository, String tag, JobContext context) {
        if (!Selection.needsArtifact(policy)) {
            return true;
        }
        var manifest = source.manifest(repository, tag);
        if (manifest.isEmpty()) {
            return false; // deleted since the listing
        }
        if (!Selection.resource(policy, manifest.get(), json)) {
            context.log(repository + ":" + tag + " is not an image: left out by the resource filter");
            return false;
        }
        if (Selection.needsLabels(policy)) {
            String digest =
                    dev.berth.storage.Digest.sha256(manifest.get().content()).toString();
            if (!Selection.labels(policy, source.labels(repository, digest))) {
                context.log(repository + ":" + tag + " is left out by the label filter");
                return false;
            }
        }
        return true;
    }
}
