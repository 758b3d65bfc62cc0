package dev.berth.replication;

import dev.berth.event.ArtifactEvent;
import dev.berth.event.EventConsumer;
import dev.berth.event.EventType;
import dev.berth.event.EventTypes;
import dev.berth.event.StoredEvent;
import dev.berth.event.TagEvent;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Event-based replication: each tag pushed here (a push with tags, or a tag added) that an enabled
 * {@code event_based} push policy's filters select becomes an execution (trigger {@code EVENT})
 * with one copy task, written in the transaction that moves the consumer's checkpoint, so each
 * event is queued exactly once per policy. The copy task does the rest as for any execution.
 */
@Component
class ReplicationConsumer implements EventConsumer {
    private final ReplicationPolicyRecords policies;
    private final ReplicationTaskRecords taskRecords;
    private final Executions executions;

    ReplicationConsumer(ReplicationPolicyRecords policies, ReplicationTaskRecords taskRecords, Executions executions) {
        this.policies = policies;
        this.taskRecords = taskRecords;
        this.executions = executions;
    }

    @Override
    public String name() {
        return "replication";
    }

    @Override
    public Set<EventType> types() {
        return Set.of(EventTypes.PUSH_ARTIFACT, EventTypes.CREATE_TAG);
    }

    @Override
    public void consume(List<StoredEvent> events) {
        List<ReplicationPolicy> listening = policies.eventBasedPush();
        if (listening.isEmpty()) {
            return;
        }
        for (StoredEvent event : events) {
            String repository;
            List<String> tags;
            if (event.type().equals(EventTypes.PUSH_ARTIFACT)) {
                ArtifactEvent a = event.data(ArtifactEvent.class);
                repository = a.repository();
                tags = a.tags();
            } else {
                TagEvent t = event.data(TagEvent.class);
                repository = t.repository();
                tags = List.of(t.tag());
            }
            for (ReplicationPolicy policy : listening) {
                if (!ReplicationPlanJob.namesMatch(policy, repository)
                        || policy.filters().stream().anyMatch(f -> f.type().equals(PolicyFilter.LABEL))) {
                    continue;
                }
                String destination;
                try {
                    destination =
                            DestinationName.of(repository, policy.destNamespace(), policy.destNamespaceReplaceCount());
                } catch (IllegalArgumentException e) {
                    continue; // the repository cannot be flattened this far: nothing to replicate
                }
                List<String> selected = tags.stream()
                        .filter(tag -> ReplicationPlanJob.tagsMatch(policy, tag))
                        .toList();
                if (selected.isEmpty()) {
                    continue;
                }
                long execution = executions.create(
                        ReplicationPolicies.VENDOR,
                        policy.id(),
                        Trigger.EVENT,
                        Map.of(
                                "event_id",
                                event.id(),
                                "event_type",
                                event.type().name()));
                for (String tag : selected) {
                    long task = executions.addTask(
                            execution,
                            ReplicationCopyJob.NAME,
                            Map.of(
                                    "policy_id",
                                    policy.id(),
                                    "src_repo",
                                    repository,
                                    "tag",
                                    tag,
                                    "dst_repo",
                                    destination));
                    taskRecords.insert(
                            task,
                            execution,
                            "copy",
                            "image",
                            repository + ":[" + tag + "]",
                            destination + ":[" + tag + "]");
                }
            }
        }
    }
}
