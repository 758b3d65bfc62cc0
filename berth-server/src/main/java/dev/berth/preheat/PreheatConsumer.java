package dev.berth.preheat;

import dev.berth.event.ArtifactEvent;
import dev.berth.event.EventConsumer;
import dev.berth.event.EventType;
import dev.berth.event.EventTypes;
import dev.berth.event.StoredEvent;
import dev.berth.job.Trigger;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads pushes from the event stream for {@code event_based} preheat policies: each enabled one of
 * the pushed artifact's project whose filters select some of the tags the push set gets one
 * execution (trigger EVENT) with a task per tag, written in the transaction that moves this
 * consumer's checkpoint, so each push is preheated once however often the batch is handed over.
 * The provider is called only from the tasks, never here.
 */
@Component
class PreheatConsumer implements EventConsumer {
    private static final Logger log = LoggerFactory.getLogger(PreheatConsumer.class);

    private final PolicyRecords policies;
    private final PreheatEnforcer enforcer;
    private final ProjectService projects;
    private final JsonMapper json;

    PreheatConsumer(PolicyRecords policies, PreheatEnforcer enforcer, ProjectService projects, JsonMapper json) {
        this.policies = policies;
        this.enforcer = enforcer;
        this.projects = projects;
        this.json = json;
    }

    @Override
    public String name() {
        return "preheat";
    }

    @Override
    public Set<EventType> types() {
        return Set.of(EventTypes.PUSH_ARTIFACT);
    }

    @Override
    public void consume(List<StoredEvent> events) {
        List<PreheatPolicy> enabled =
                policies
                        .enabledOf(events.stream()
                                .map(StoredEvent::projectId)
                                .distinct()
                                .toList())
                        .stream()
                        .filter(p -> trigger(p)
                                .map(t -> t.type().equals(PolicyTrigger.EVENT_BASED))
                                .orElse(false))
                        .toList();
        if (enabled.isEmpty()) {
            return;
        }
        Map<Long, Optional<Project>> byId = new HashMap<>();
        for (StoredEvent event : events) {
            Optional<Project> project = byId.computeIfAbsent(event.projectId(), projects::findById);
            if (project.isEmpty()) {
                continue;
            }
            ArtifactEvent pushed = event.data(ArtifactEvent.class);
            for (PreheatPolicy policy : enabled) {
                if (policy.projectId() != event.projectId()) {
                    continue;
                }
                PolicyFilters filters;
                try {
                    filters = PolicyFilters.effective(
                            policy.filters(), project.get().metadata(), json);
                } catch (IllegalArgumentException e) {
                    log.warn("event=preheat_policy_unreadable policy={} reason=\"{}\"", policy.id(), e.getMessage());
                    continue;
                }
                List<Candidate> candidates =
                        enforcer.pushed(project.get(), pushed.repository(), pushed.digest(), pushed.tags(), filters);
                if (!candidates.isEmpty()) {
                    enforcer.launch(policy, trigger(policy).orElseThrow(), Trigger.EVENT, candidates);
                }
            }
        }
    }

    private Optional<PolicyTrigger> trigger(PreheatPolicy policy) {
        try {
            return Optional.of(PolicyTrigger.parse(policy.trigger(), json));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
