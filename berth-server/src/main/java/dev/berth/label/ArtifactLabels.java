package dev.berth.label;

import dev.berth.api.ApiException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Labels on artifacts, for the artifact API. The caller's permission on the artifact's project is
 * checked by the artifact API; this checks that the label may go on an artifact of that project.
 */
@Service
public class ArtifactLabels {
    /**
     * A condition over an artifact row {@code m}: it carries the label bound to its one {@code ?}.
     * Lets the artifact list filter on labels without knowing this package's tables.
     */
    public static final String HAS_LABEL =
            "EXISTS (SELECT 1 FROM artifact_label al WHERE al.manifest_id = m.id AND al.label_id = ?)";

    private final LabelRecords records;

    ArtifactLabels(LabelRecords records) {
        this.records = records;
    }

    /**
     * Puts the label on the artifact. A label that is neither global nor the project's is a 404 like a
     * missing one, so that label ids of other projects cannot be probed; 409 when already attached.
     */
    public Label attach(long projectId, long artifactId, long labelId) {
        Label label = usable(projectId, labelId);
        if (!records.attach(label.id(), artifactId)) {
            throw ApiException.conflict("label " + labelId + " is already on the artifact");
        }
        return label;
    }

    /** Takes the label off the artifact; 404 when it is not on it. */
    public Label detach(long projectId, long artifactId, long labelId) {
        Label label = usable(projectId, labelId);
        if (!records.detach(label.id(), artifactId)) {
            throw ApiException.notFound("label " + labelId + " is not on the artifact");
        }
        return label;
    }

    /** The labels on each artifact, by name. */
    public Map<Long, List<Label>> of(Collection<Long> artifactIds) {
        return records.ofArtifacts(artifactIds);
    }

    private Label usable(long projectId, long labelId) {
        return records.find(labelId)
                .filter(l -> l.isGlobal() || l.projectId() == projectId)
                .orElseThrow(() -> ApiException.notFound("label " + labelId + " not found"));
    }
}
