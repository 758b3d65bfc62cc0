package dev.berth.webhook;

import dev.berth.event.EventConsumer;
import dev.berth.event.EventType;
import dev.berth.event.StoredEvent;
import dev.berth.iam.ExternalUrl;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import dev.berth.system.SystemSettings;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Reads the event stream for webhooks: for each event, every enabled policy of its project that
 * listens to its type gets, per target, an execution (Harbor's {@code WEBHOOK} or {@code SLACK},
 * trigger {@code EVENT}, with the event type and the payload as sent) and one delivery task.
 * Both are written in the transaction that moves the consumer's checkpoint, so each event is queued
 * for each target exactly once; the task then delivers it at least once ({@link WebhookDelivery}).
 * With {@code notification_enable} off, events pass by and nothing is queued, as in Harbor.
 */
@Component
class WebhookConsumer implements EventConsumer {
    private final WebhookPolicyRecords policies;
    private final Executions executions;
    private final ProjectService projects;
    private final SystemSettings settings;
    private final ExternalUrl externalUrl;

    WebhookConsumer(
            WebhookPolicyRecords policies,
            Executions executions,
            ProjectService projects,
            SystemSettings settings,
            ExternalUrl externalUrl) {
        this.policies = policies;
        this.executions = executions;
        this.projects = projects;
        this.settings = settings;
        this.externalUrl = externalUrl;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public Set<EventType> types() {
        return WebhookEventTypes.SET;
    }

    @Override
    public void consume(List<StoredEvent> events) {
        if (!settings.notificationEnabled()) {
            return;
        }
        List<WebhookPolicy> listening = policies.listening(
                events.stream().map(StoredEvent::projectId).distinct().toList(),
                events.stream().map(e -> e.type().name()).distinct().toList());
        if (listening.isEmpty()) {
            return;
        }
        String host = externalUrl.ofServer().replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        Map<Long, Boolean> publicProjects = new HashMap<>();
        for (StoredEvent event : events) {
            List<WebhookPolicy> matching = listening.stream()
                    .filter(p -> p.projectId() == event.projectId()
                            && p.listensTo(event.type().name()))
                    .toList();
            if (matching.isEmpty()) {
                continue;
            }
            boolean isPublic = publicProjects.computeIfAbsent(
                    event.projectId(),
                    id -> projects.findById(id).map(Project::isPublic).orElse(false));
            Optional<HarborPayload> payload = PayloadBuilder.build(event, host, isPublic);
            if (payload.isEmpty()) {
                continue;
            }
            for (WebhookPolicy policy : matching) {
                for (int i = 0; i < policy.targets().size(); i++) {
                    queue(event, payload.get(), policy, i);
                }
            }
        }
    }

    private void queue(StoredEvent event, HarborPayload payload, WebhookPolicy policy, int index) {
        WebhookTarget target = policy.targets().get(index);
        PayloadFormat format = PayloadFormat.of(target);
        UUID delivery = UUID.nameUUIDFromBytes(
                ("berth-webhook:" + event.id() + ":" + policy.id() + ":" + index).getBytes(StandardCharsets.UTF_8));
        String source = "/projects/" + policy.projectId() + "/webhook/policies/" + policy.id();
        String body = new String(format.write(payload, delivery, source, event.requestId()), StandardCharsets.UTF_8);
        String type = event.type().name();
        long execution = executions.create(
                target.jobType(), policy.id(), Trigger.EVENT, Map.of("event_type", type, "payload", body));
        executions.addTask(
                execution,
                target.jobType(),
                Map.of(
                        "policy_id", policy.id(),
                        "target", index,
                        "address", target.address(),
                        "format", format.name(),
                        "event_id", event.id(),
                        "event_type", type,
                        "delivery_id", delivery.toString(),
                        "payload", body));
    }
}
