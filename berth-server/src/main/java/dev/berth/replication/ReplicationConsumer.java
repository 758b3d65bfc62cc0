package dev.berth.replication;

import dev.berth.event.ArtifactEvent;
import dev.berth.event.EventConsumer;
import dev.berth.event.EventType;
import dev.berth.event.EventTypes;
import dev.berth.event.StoredEvent;
import dev.berth.event.TagEvent;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Event-based replication: each tag pushed here (a push with tags, or a tag added) that an enabled
 * {@code event_based} push policy's filters select becomes an execution (trigger {@code EVENT})
 * with one copy task; with the policy's {@code deletion} on, each artifact deleted here (Harbor's
 * {@code deletion}) and each tag deleted alone ({@code tag deletion}) that the filters select
 * becomes an execution with one {@link ReplicationDeleteJob} task. All are written in the
 * transaction that moves the consumer's checkpoint, so each event is queued exactly once per
 * policy.
 *
 * <p>A deleted artifact's labels are gone with it, so a policy with a label filter does not
 * replicate deletions (rather than delete what its filter might not select); its resource filter is
 * checked by the task against the destination's copy.
 */
@Component
class ReplicationConsumer implements EventConsumer {
    private final ReplicationPolicyRecords policies;
    private final ReplicationTaskRecords taskRecords;
    private final Executions executions;
    private final ReplicationEndpoints endpoints;
    private final JsonMapper json;

    ReplicationConsumer(
            ReplicationPolicyRecords policies,
            ReplicationTaskRecords taskRecords,
            Executions executions,
            ReplicationEndpoints endpoints,
            JsonMapper json) {
        this.policies = policies;
        this.taskRecords = taskRecords;
        this.executions = executions;
        this.endpoints = endpoints;
        this.json = json;
    }

    @Override
    public String name() {
        return "replication";
    }

    @Override
    public Set<EventType> types() {
        return Set.of(
                EventTypes.PUSH_ARTIFACT, EventTypes.CREATE_TAG, EventTypes.DELETE_ARTIFACT, EventTypes.DELETE_TAG);
    }

    /** What one event is about. */
    private record Subject(String repository, String digest, List<String> tags, boolean deleted, boolean tagOnly) {}

    @Override
    public void consume(List<StoredEvent> events) {
        List<ReplicationPolicy> listening = policies.eventBasedPush();
        if (listening.isEmpty()) {
            return;
        }
        for (StoredEvent event : events) {
            Subject subject;
            EventType type = event.type();
            if (type.equals(EventTypes.PUSH_ARTIFACT) || type.equals(EventTypes.DELETE_ARTIFACT)) {
                ArtifactEvent a = event.data(ArtifactEvent.class);
                subject = new Subject(
                        a.repository(), a.digest(), a.tags(), type.equals(EventTypes.DELETE_ARTIFACT), false);
            } else {
                TagEvent t = event.data(TagEvent.class);
                subject = new Subject(
                        t.repository(), t.digest(), List.of(t.tag()), type.equals(EventTypes.DELETE_TAG), true);
            }
            for (ReplicationPolicy policy : listening) {
                if (subject.deleted()) {
                    deleted(event, policy, subject);
                } else {
                    pushed(event, policy, subject);
                }
            }
        }
    }

    private void pushed(StoredEvent event, ReplicationPolicy policy, Subject subject) {
        Optional<String> destination = destination(policy, subject.repository());
        if (destination.isEmpty()) {
            return;
        }
        List<String> selected = subject.tags().stream()
                .filter(tag -> Selection.tag(policy, tag))
                .toList();
        if (selected.isEmpty() || !artifactSelected(policy, subject)) {
            return;
        }
        long execution = execution(event, policy);
        for (String tag : selected) {
            long task = executions.addTask(
                    execution,
                    ReplicationCopyJob.NAME,
                    Map.of(
                            "policy_id",
                            policy.id(),
                            "src_repo",
                            subject.repository(),
                            "tag",
                            tag,
                            "dst_repo",
                            destination.get()));
            taskRecords.insert(
                    task,
                    execution,
                    "copy",
                    "image",
                    subject.repository() + ":[" + tag + "]",
                    destination.get() + ":[" + tag + "]");
        }
    }

    private void deleted(StoredEvent event, ReplicationPolicy policy, Subject subject) {
        if (!policy.replicateDeletion() || Selection.needsLabels(policy)) {
            return;
        }
        Optional<String> destination = destination(policy, subject.repository());
        if (destination.isEmpty()) {
            return;
        }
        List<String> selected;
        if (subject.tags().isEmpty()) {
            // an untagged artifact: Harbor matches its tag filters against the empty tag
            boolean kept = policy.filters().stream()
                    .filter(f -> f.type().equals(PolicyFilter.TAG))
                    .allMatch(f -> Doublestar.matches(f.value().asString(), "") != f.excludes());
            if (!kept) {
                return;
            }
            selected = List.of();
        } else {
            selected = subject.tags().stream()
                    .filter(tag -> Selection.tag(policy, tag))
                    .toList();
            if (selected.isEmpty()) {
                return;
            }
        }
        String operation = subject.tagOnly() ? ReplicationDeleteJob.TAG : ReplicationDeleteJob.ARTIFACT;
        long execution = execution(event, policy);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("policy_id", policy.id());
        parameters.put("operation", operation);
        parameters.put("src_repo", subject.repository());
        parameters.put("dst_repo", destination.get());
        parameters.put("digest", subject.digest());
        parameters.put("tags", selected);
        long task = executions.addTask(execution, ReplicationDeleteJob.NAME, parameters);
        String what = selected.isEmpty() ? subject.digest() : String.join(",", selected);
        taskRecords.insert(
                task,
                execution,
                operation,
                "image",
                subject.repository() + ":[" + what + "]",
                destination.get() + ":[" + what + "]");
    }

    private Optional<String> destination(ReplicationPolicy policy, String repository) {
        if (!Selection.name(policy, repository)) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    DestinationName.of(repository, policy.destNamespace(), policy.destNamespaceReplaceCount()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the repository cannot be flattened this far: nothing to replicate
        }
    }

    /** The label and resource filters, read from this Berth's copy of the pushed artifact. */
    private boolean artifactSelected(ReplicationPolicy policy, Subject subject) {
        if (!Selection.needsArtifact(policy)) {
            return true;
        }
        ContentEndpoint local = endpoints.local();
        var manifest = local.manifest(subject.repository(), subject.digest());
        return manifest.isPresent()
                && Selection.resource(policy, manifest.get(), json)
                && Selection.labels(policy, local.labels(subject.repository(), subject.digest()));
    }

    private long execution(StoredEvent event, ReplicationPolicy policy) {
        return executions.create(
                ReplicationPolicies.VENDOR,
                policy.id(),
                Trigger.EVENT,
                Map.of("event_id", event.id(), "event_type", event.type().name()));
    }
}
