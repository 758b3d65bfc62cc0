package dev.berth.scan;

import dev.berth.artifact.ArtifactLookup;
import dev.berth.event.ArtifactEvent;
import dev.berth.event.EventConsumer;
import dev.berth.event.EventType;
import dev.berth.event.EventTypes;
import dev.berth.event.StoredEvent;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import dev.berth.registry.RegistryContent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's {@code auto_scan} and {@code auto_sbom_generation}: every image pushed to a project with
 * one on is scanned, or has its SBOM generated, or both. Reads the
 * event stream and queues one {@link ScanJob} task per pushed image (trigger {@code EVENT}) in the
 * checkpoint's transaction, so each push is queued exactly once; the task chooses the scanner and
 * report type when it runs, since this consumer must not call out.
 */
@Component
class ScanOnPush implements EventConsumer {
    private static final Set<String> IMAGES = Set.of(
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json");

    private final ProjectService projects;
    private final ArtifactLookup artifacts;
    private final Executions executions;
    private final RegistryContent content;
    private final JsonMapper json;

    ScanOnPush(
            ProjectService projects,
            ArtifactLookup artifacts,
            Executions executions,
            RegistryContent content,
            JsonMapper json) {
        this.content = content;
        this.json = json;
        this.projects = projects;
        this.artifacts = artifacts;
        this.executions = executions;
    }

    @Override
    public String name() {
        return "scan-on-push";
    }

    @Override
    public Set<EventType> types() {
        return Set.of(EventTypes.PUSH_ARTIFACT);
    }

    @Override
    public void consume(List<StoredEvent> events) {
        Map<Long, Optional<Project>> byId = new HashMap<>();
        for (StoredEvent event : events) {
            Optional<Project> project = byId.computeIfAbsent(event.projectId(), projects::findById);
            boolean scan = project.filter(p -> "true".equals(p.metadata().get("auto_scan")))
                    .isPresent();
            boolean sbom = project.filter(p -> "true".equals(p.metadata().get("auto_sbom_generation")))
                    .isPresent();
            if (!scan && !sbom) {
                continue;
            }
            ArtifactEvent pushed = event.data(ArtifactEvent.class);
            if (!IMAGES.contains(pushed.mediaType()) || isAccessory(pushed)) {
                continue;
            }
            Optional<String> tag = pushed.tags().stream().findFirst();
            Optional<ArtifactLookup.Located> located =
                    artifacts.byDigest(project.get(), pushed.repository(), pushed.digest(), tag);
            if (located.isEmpty()) {
                continue;
            }
            if (scan) {
                queue(located.get(), ScanTypes.VULNERABILITY);
            }
            if (sbom) {
                queue(located.get(), ScanTypes.SBOM);
            }
        }
    }

    /**
     * Accessories (signatures, SBOMs: manifests with a {@code subject}) are not scanned on push, as
     * in Harbor; a generated SBOM would otherwise have an SBOM generated of itself, and so on.
     */
    private boolean isAccessory(ArtifactEvent pushed) {
        return content.manifest(pushed.repository(), pushed.digest())
                .map(m -> json.readTree(m.content()).has("subject"))
                .orElse(true);
    }

    private void queue(ArtifactLookup.Located artifact, String scanType) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("artifact_id", artifact.artifactId());
        attrs.put("artifact_digest", artifact.digest());
        attrs.put("repository_name", artifact.repository());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("project_id", artifact.project().id());
        params.put("project_name", artifact.project().name());
        params.put("repository", artifact.repository());
        params.put("artifact_id", artifact.artifactId());
        params.put("digest", artifact.digest());
        params.put("tag", artifact.tag().orElse(""));
        params.put("mime_type", artifact.manifestMediaType());
        params.put("scan_type", scanType);
        executions.run(ScanJob.NAME, artifact.artifactId(), Trigger.EVENT, attrs, params);
    }
}
