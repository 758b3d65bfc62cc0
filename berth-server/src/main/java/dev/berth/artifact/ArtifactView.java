package dev.berth.artifact;

import dev.berth.label.Label;
import java.time.Instant;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.util.RawValue;

/**
 * Harbor's JSON for artifacts, tags, references and accessories, written straight to a generator
 * in Harbor's field order. Stored JSON (annotations, platforms, {@code extra_attrs}) is written as
 * it is, not parsed again.
 */
final class ArtifactView {
    /** Harbor reports "never" as Go's zero time. */
    static final String NEVER = "0001-01-01T00:00:00.000Z";

    /** {@code {}}, for artifacts without {@code extra_attrs}. */
    static final RawValue EMPTY_OBJECT = new RawValue("{}");

    private ArtifactView() {}

    /** A tag; {@code immutable} is only known when the caller asked for it ({@code with_immutable_status}). */
    static void tag(JsonGenerator g, ArtifactQueries.Tag t, boolean immutable) {
        g.writeStartObject();
        g.writeNumberProperty("id", t.id());
        g.writeNumberProperty("repository_id", t.repositoryId());
        g.writeNumberProperty("artifact_id", t.artifactId());
        g.writeStringProperty("name", t.name());
        g.writeStringProperty("push_time", time(t.pushTime()));
        g.writeStringProperty("pull_time", t.pullTime() == null ? NEVER : time(t.pullTime()));
        g.writeBooleanProperty("immutable", immutable);
        g.writeEndObject();
    }

    static void reference(JsonGenerator g, ArtifactQueries.Reference r) {
        g.writeStartObject();
        g.writeNumberProperty("parent_id", r.parentId());
        g.writeNumberProperty("child_id", r.childId());
        g.writeStringProperty("child_digest", r.childDigest());
        if (r.platformJson() != null) {
            g.writeName("platform");
            g.writeRawValue(r.platformJson());
        }
        g.writeEndObject();
    }

    static void accessory(JsonGenerator g, ArtifactQueries.Accessory a, String repositoryName) {
        g.writeStartObject();
        g.writeNumberProperty("id", a.id());
        g.writeNumberProperty("artifact_id", a.id());
        g.writeNumberProperty("subject_artifact_id", a.subjectId());
        g.writeStringProperty("subject_artifact_digest", a.subjectDigest());
        g.writeStringProperty("subject_artifact_repo", repositoryName);
        g.writeNumberProperty("size", a.size());
        g.writeStringProperty("digest", a.digest());
        g.writeStringProperty("type", a.type());
        g.writeStringProperty("icon", Icons.ofAccessoryType(a.type()));
        g.writeStringProperty("creation_time", time(a.creationTime()));
        g.writeEndObject();
    }

    static void label(JsonGenerator g, Label label) {
        g.writePOJO(label.view());
    }

    /** The additions Harbor links for the artifact's type; hrefs double-encode the repository as Harbor does. */
    static void additionLinks(JsonGenerator g, ArtifactQueries.Row a, String projectName) {
        List<String> kinds = switch (a.type()) {
            case "IMAGE" -> a.configDigest() == null ? List.of() : List.of("build_history");
            case "CHART" -> List.of("values.yaml", "readme.md", "dependencies");
            default -> List.of();
        };
        g.writeName("addition_links");
        g.writeStartObject();
        if (!kinds.isEmpty()) {
            String base = "/api/v2.0/projects/" + projectName + "/repositories/"
                    + RepositoryPath.segment(a.repositoryName()) + "/artifacts/" + a.digest() + "/additions/";
            for (String kind : kinds) {
                g.writeName(kind);
                g.writeStartObject();
                g.writeBooleanProperty("absolute", false);
                g.writeStringProperty("href", base + kind);
                g.writeEndObject();
            }
        }
        g.writeEndObject();
    }

    /**
     * The artifact's own fields, up to {@code annotations} (left out when a list omits them); the
     * caller writes the rest and closes the object.
     */
    static void artifactFields(JsonGenerator g, ArtifactQueries.Row a) {
        g.writeNumberProperty("id", a.id());
        g.writeStringProperty("type", a.type());
        g.writeStringProperty("media_type", a.mediaType());
        g.writeStringProperty("manifest_media_type", a.manifestMediaType());
        g.writeStringProperty("artifact_type", a.artifactType() == null ? a.mediaType() : a.artifactType());
        g.writeNumberProperty("project_id", a.projectId());
        g.writeNumberProperty("repository_id", a.repositoryId());
        g.writeStringProperty("repository_name", a.repositoryName());
        g.writeStringProperty("digest", a.digest());
        g.writeNumberProperty("size", a.size());
        g.writeStringProperty("icon", Icons.ofArtifactType(a.type()));
        g.writeStringProperty("push_time", time(a.pushTime()));
        g.writeStringProperty("pull_time", a.pullTime() == null ? NEVER : time(a.pullTime()));
        if (!ListedMetadata.omitted(a.annotationsJson())) {
            g.writeName("annotations");
            g.writeRawValue(a.annotationsJson() == null ? "{}" : a.annotationsJson());
        }
    }

    /** Writes JSON text kept as a {@link RawValue} as it is. */
    static void raw(JsonGenerator g, RawValue value) {
        if (value.rawValue() instanceof String text) {
            g.writeRawValue(text);
        } else {
            g.writePOJO(value);
        }
    }

    static String time(Instant i) {
        return i.toString();
    }
}
