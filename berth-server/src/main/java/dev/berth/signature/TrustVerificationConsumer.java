package dev.berth.signature;

import dev.berth.artifact.ArtifactInventory;
import dev.berth.event.ArtifactEvent;
import dev.berth.event.EventConsumer;
import dev.berth.event.EventType;
import dev.berth.event.EventTypes;
import dev.berth.event.StoredEvent;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trust consumer of the event stream: verifies an artifact when it is pushed or when a signature
 * of it is (a cosign {@code sha256-<hex>.sig} tag, or a manifest whose {@code subject} it is), and
 * every artifact of a project when its policy or keys change. Results are written in the
 * checkpoint's transaction, so each event's results commit exactly once with it; verifying reads
 * only this registry's rows and blobs, never the network. Projects without a trust policy cost one
 * indexed read per event.
 */
@Component
class TrustVerificationConsumer implements EventConsumer {
    private static final Pattern SIGNATURE_TAG = Pattern.compile("(sha256|sha512)-([0-9a-f]{64,128})\\.sig");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TrustStore store;
    private final TrustVerifications verifications;
    private final ProjectService projects;
    private final ArtifactInventory inventory;
    private final RegistryContent content;
    private final Clock clock;

    TrustVerificationConsumer(
            TrustStore store,
            TrustVerifications verifications,
            ProjectService projects,
            ArtifactInventory inventory,
            RegistryContent content,
            Clock clock) {
        this.store = store;
        this.verifications = verifications;
        this.projects = projects;
        this.inventory = inventory;
        this.content = content;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "trust";
    }

    @Override
    public Set<EventType> types() {
        return Set.of(EventTypes.PUSH_ARTIFACT, TrustPolicyChanged.TYPE);
    }

    @Override
    public void consume(List<StoredEvent> events) {
        for (StoredEvent event : events) {
            Optional<TrustPolicy> policy = store.policy(event.projectId());
            if (policy.isEmpty()) {
                continue;
            }
            Optional<Project> project = projects.findById(event.projectId());
            if (project.isEmpty()) {
                continue;
            }
            if (event.type().equals(TrustPolicyChanged.TYPE)) {
                if (event.data(TrustPolicyChanged.class).version()
                        == policy.get().version()) {
                    reverifyAll(project.get(), policy.get());
                } // else a later change is in the stream and will do it under its version
                continue;
            }
            ArtifactEvent pushed = event.data(ArtifactEvent.class);
            Optional<Digest> subject = subjectOf(pushed);
            if (subject.isPresent()) {
                verifications.verify(
                        project.get(),
                        policy.get(),
                        pushed.repository(),
                        subject.get(),
                        verifications.trust(project.get().id()));
            }
        }
    }

    /** The artifact a push concerns: the one signed, for a signature; else the pushed one. */
    private Optional<Digest> subjectOf(ArtifactEvent pushed) {
        for (String tag : pushed.tags()) {
            Matcher m = SIGNATURE_TAG.matcher(tag);
            if (m.matches()) {
                return Digest.parse(m.group(1) + ":" + m.group(2));
            }
        }
        Optional<RegistryContent.Manifest> manifest = content.manifest(pushed.repository(), pushed.digest());
        if (manifest.isPresent() && manifest.get().content().length <= CosignVerifier.MAX_MANIFEST) {
            try {
                String subject = JSON.readTree(manifest.get().content())
                        .path("subject")
                        .path("digest")
                        .asString("");
                if (!subject.isEmpty()) {
                    return Digest.parse(subject);
                }
            } catch (JacksonException e) {
                // stored manifests are valid JSON; nothing to verify if not
            }
        }
        return Digest.parse(pushed.digest());
    }

    private void reverifyAll(Project project, TrustPolicy policy) {
        TrustVerifications.Trust trust = verifications.trust(project.id());
        for (ArtifactInventory.Repository repository : inventory.repositories(project.id())) {
            for (ArtifactInventory.Artifact a :
                    inventory.artifacts(repository.id(), clock.instant(), OptionalLong.empty())) {
                Digest.parse(a.digest())
                        .ifPresent(d -> verifications.verify(project, policy, repository.name(), d, trust));
            }
        }
        store.dropStale(project.id(), policy.version());
    }
}
