package dev.berth.artifact;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.util.RawValue;

/** Harbor's JSON for artifacts, tags, references, accessories and addition links. */
final class ArtifactView {
    /** Harbor reports "never" as Go's zero time. */
    static final String NEVER = "0001-01-01T00:00:00.000Z";

    /** {@code {}}, as the same value class as the stored JSON written raw beside it. */
    static final RawValue EMPTY_OBJECT = new RawValue("{}");

    private ArtifactView() {}

    static Map<String, Object> tag(ArtifactQueries.Tag t) {
        return tag(t, false);
    }

    /** {@code immutable} is only known when the caller asked for it ({@code with_immutable_status}). */
    static Map<String, Object> tag(ArtifactQueries.Tag t, boolean immutable) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.id());
        v.put("repository_id", t.repositoryId());
        v.put("artifact_id", t.artifactId());
        v.put("name", t.name());
        v.put("push_time", t.pushTime().toString());
        v.put("pull_time", t.pullTime() == null ? NEVER : time(t.pullTime()));
        v.put("immutable", immutable);
        return v;
    }

    static Map<String, Object> reference(ArtifactQueries.Reference r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("parent_id", r.parentId());
        v.put("child_id", r.childId());
        v.put("child_digest", r.childDigest());
        if (r.platformJson() != null) {
            v.put("platform", new RawValue(r.platformJson()));
        }
        return v;
    }

    static Map<String, Object> accessory(ArtifactQueries.Accessory a, String repositoryName) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", a.id());
        v.put("artifact_id", a.id());
        v.put("subject_artifact_id", a.subjectId());
        v.put("subject_artifact_digest", a.subjectDigest());
        v.put("subject_artifact_repo", repositoryName);
        v.put("size", a.size());
        v.put("digest", a.digest());
        v.put("type", a.type());
        v.put("icon", "");
        v.put("creation_time", a.creationTime().toString());
        return v;
    }

    /** The additions Harbor links for the artifact's type; hrefs double-encode the repository as Harbor does. */
    static Map<String, Object> additionLinks(ArtifactQueries.Row a, String projectName) {
        List<String> kinds = switch (a.type()) {
            case "IMAGE" -> a.configDigest() == null ? List.of() : List.of("build_history");
            case "CHART" -> List.of("values.yaml", "readme.md", "dependencies");
            default -> List.of();
        };
        Map<String, Object> links = new LinkedHashMap<>();
        String base = "/api/v2.0/projects/" + projectName + "/repositories/"
                + RepositoryPath.segment(a.repositoryName()) + "/artifacts/" + a.digest() + "/additions/";
        for (String kind : kinds) {
            Map<String, Object> link = new LinkedHashMap<>();
            link.put("absolute", false);
            link.put("href", base + kind);
            links.put(kind, link);
        }
        return links;
    }

    /** Stored JSON (annotations, platforms) is written into the response as it is, not parsed again. */
    static Map<String, Object> artifact(ArtifactQueries.Row a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", a.id());
        v.put("type", a.type());
        v.put("media_type", a.mediaType());
        v.put("manifest_media_type", a.manifestMediaType());
        v.put("artifact_type", a.artifactType() == null ? a.mediaType() : a.artifactType());
        v.put("project_id", a.projectId());
        v.put("repository_id", a.repositoryId());
        v.put("repository_name", a.repositoryName());
        v.put("digest", a.digest());
        v.put("size", a.size());
        v.put("icon", "");
        v.put("push_time", time(a.pushTime()));
        v.put("pull_time", a.pullTime() == null ? NEVER : time(a.pullTime()));
        v.put("annotations", a.annotationsJson() == null ? EMPTY_OBJECT : new RawValue(a.annotationsJson()));
        return v;
    }

    static String time(Instant i) {
        return i.toString();
    }
}
