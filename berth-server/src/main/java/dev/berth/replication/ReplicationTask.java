package dev.berth.replication;

import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.UnrecoverableJobException;
import java.time.Duration;

/**
 * What the tasks of an execution share (a copy, a deletion): their policy, read again at each
 * attempt, and the job service's attempts and backoff from {@link ReplicationSettings}.
 */
abstract class ReplicationTask implements JobKind {
    final ReplicationPolicyRecords policies;
    final ReplicationEndpoints endpoints;
    final ReplicationSettings settings;

    ReplicationTask(ReplicationPolicyRecords policies, ReplicationEndpoints endpoints, ReplicationSettings settings) {
        this.policies = policies;
        this.endpoints = endpoints;
        this.settings = settings;
    }

    @Override
    public int maxAttempts() {
        return settings.taskAttempts;
    }

    @Override
    public Duration retryBackoff() {
        return settings.taskBackoff;
    }

    /** The task's policy; a task whose policy was deleted fails without retrying. */
    ReplicationPolicy policy(JobContext context) {
        long policyId = context.parameters().path("policy_id").asLong();
        return policies.find(policyId)
                .orElseThrow(() -> new UnrecoverableJobException("the policy " + policyId + " is gone"));
    }
}
