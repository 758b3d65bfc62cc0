package dev.berth.artifact;

import dev.berth.api.JsonBody;
import dev.berth.label.ArtifactLabels;
import dev.berth.label.Label;
import dev.berth.policy.ImmutableTagRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.util.RawValue;

/**
 * Writes Harbor's Artifact JSON for a page of rows, fetching each kind of nested data once per page
 * and only when the page can have it (references only for indexes), then streaming every field to
 * the generator.
 */
@Component
class ArtifactAssembler {
    /** Accessories nested in one page of artifacts: more than Harbor's UI ever shows. */
    private static final long MAX_NESTED_ACCESSORIES = 100;
    /** About what one artifact of a list takes, to size the response buffer. */
    private static final int BYTES_PER_ARTIFACT = 1400;

    /**
     * The list and get flags that choose what each artifact carries. {@code with_signature} is
     * accepted and ignored, as in Harbor 2.14, whose tags no longer carry {@code signed}.
     */
    record Flags(
            boolean withTag,
            boolean withLabel,
            boolean withAccessory,
            boolean withImmutableStatus,
            boolean withScanOverview,
            boolean withSbomOverview) {
        Flags(boolean withTag, boolean withLabel, boolean withAccessory, boolean withImmutableStatus) {
            this(withTag, withLabel, withAccessory, withImmutableStatus, false, false);
        }

        /** Scan results change without the listing changing: pages with them are built each time. */
        boolean live() {
            return withScanOverview || withSbomOverview;
        }
    }

    /** What the rows of one response carry besides their own columns, by artifact id. */
    private record Nested(
            Map<Long, List<ArtifactQueries.Tag>> tags,
            Map<Long, List<ArtifactQueries.Reference>> references,
            Map<Long, List<Label>> labels,
            Map<Long, RawValue> extraAttrs,
            Map<Long, List<ArtifactQueries.Accessory>> accessories,
            Map<Long, String> scanOverviews,
            Map<Long, String> sbomOverviews) {}

    private final ArtifactQueries artifacts;
    private final ArtifactContent content;
    private final ArtifactLabels labels;
    private final ImmutableTagRules immutability;
    private final JsonBody json;
    private final List<ScanOverviews> scanOverviews;

    ArtifactAssembler(
            ArtifactQueries artifacts,
            ArtifactContent content,
            ArtifactLabels labels,
            ImmutableTagRules immutability,
            JsonBody json,
            List<ScanOverviews> scanOverviews) {
        this.scanOverviews = List.copyOf(scanOverviews);
        this.artifacts = artifacts;
        this.content = content;
        this.labels = labels;
        this.immutability = immutability;
        this.json = json;
    }

    /**
     * The rows as Harbor's JSON array of artifacts; {@code rules} are the project's immutability
     * rules as read for this page, needed with {@code with_tag} and {@code with_immutable_status}.
     */
    byte[] list(String projectName, List<ArtifactQueries.Row> rows, Flags flags, ImmutableTagRules.Listed rules) {
        Nested nested = nested(rows, flags);
        Immutability immutable = new Immutability(rules);
        return json.write(rows.size() * BYTES_PER_ARTIFACT, g -> {
            g.writeStartArray();
            for (ArtifactQueries.Row row : rows) {
                write(g, projectName, row, nested, flags, immutable, true);
            }
            g.writeEndArray();
        });
    }

    /** One artifact as Harbor's JSON object. */
    byte[] one(String projectName, ArtifactQueries.Row row, Flags flags) {
        Nested nested = nested(List.of(row), flags);
        var rules = flags.withTag() && flags.withImmutableStatus() ? immutability.listed(row.projectId()) : null;
        return json.write(
                BYTES_PER_ARTIFACT, g -> write(g, projectName, row, nested, flags, new Immutability(rules), false));
    }

    /** Which tags are immutable, per repository name, from one reading of the rules (none if null). */
    private static final class Immutability {
        private final ImmutableTagRules.Listed rules;
        private final Map<String, Predicate<String>> byRepository = new HashMap<>();

        Immutability(ImmutableTagRules.Listed rules) {
            this.rules = rules;
        }

        Predicate<String> of(String repositoryName) {
            return rules == null ? tag -> false : byRepository.computeIfAbsent(repositoryName, rules::immutableTags);
        }
    }

    /** Rows may come from several repositories (a project's list): accessories are found per repository. */
    private Nested nested(List<ArtifactQueries.Row> rows, Flags flags) {
        List<Long> ids = rows.stream().map(ArtifactQueries.Row::id).toList();
        List<Long> indexes = rows.stream()
                .filter(r -> ArtifactSql.isIndex(r.manifestMediaType()))
                .map(ArtifactQueries.Row::id)
                .toList();
        Map<Long, List<ArtifactQueries.Accessory>> accessories = new HashMap<>();
        if (flags.withAccessory() && !rows.isEmpty()) {
            Map<Long, Map<Long, String>> subjectsByRepository = new LinkedHashMap<>();
            rows.forEach(r -> subjectsByRepository
                    .computeIfAbsent(r.repositoryId(), k -> new LinkedHashMap<>())
                    .put(r.id(), r.digest()));
            subjectsByRepository.forEach((repositoryId, subjects) -> artifacts
                    .nestedAccessories(repositoryId, subjects, MAX_NESTED_ACCESSORIES)
                    .forEach(a -> accessories
                            .computeIfAbsent(a.subjectId(), k -> new ArrayList<>())
                            .add(a)));
        }
        return new Nested(
                flags.withTag() ? artifacts.tags(ids) : Map.of(),
                indexes.isEmpty() ? Map.of() : artifacts.references(indexes),
                flags.withLabel() ? labels.of(ids) : Map.of(),
                content.extraAttrs(rows),
                accessories,
                flags.withScanOverview() && !rows.isEmpty()
                        ? overviews(rows.getFirst().projectId(), ids, false)
                        : Map.of(),
                flags.withSbomOverview() && !rows.isEmpty()
                        ? overviews(rows.getFirst().projectId(), ids, true)
                        : Map.of());
    }

    private Map<Long, String> overviews(long projectId, List<Long> ids, boolean sbom) {
        Map<Long, String> all = new HashMap<>();
        scanOverviews.forEach(source -> all.putAll(sbom ? source.sbomOf(projectId, ids) : source.of(projectId, ids)));
        return all;
    }

    private void write(
            JsonGenerator g,
            String projectName,
            ArtifactQueries.Row row,
            Nested nested,
            Flags flags,
            Immutability immutable,
            boolean listed) {
        g.writeStartObject();
        ArtifactView.artifactFields(g, row);
        RawValue extraAttrs = nested.extraAttrs().getOrDefault(row.id(), ArtifactView.EMPTY_OBJECT);
        if (listed) {
            extraAttrs = ListedMetadata.bounded(extraAttrs);
        }
        if (!(extraAttrs.rawValue() instanceof String text && ListedMetadata.omitted(text))) {
            g.writeName("extra_attrs");
            ArtifactView.raw(g, extraAttrs);
        }
        g.writeName("references");
        g.writeStartArray();
        for (ArtifactQueries.Reference r : nested.references().getOrDefault(row.id(), List.of())) {
            ArtifactView.reference(g, r);
        }
        g.writeEndArray();
        if (flags.withTag()) {
            // Rules are evaluated here, in Java, from the project's cached rules: no query per row.
            Predicate<String> immutableTag = immutable.of(row.repositoryName());
            g.writeName("tags");
            g.writeStartArray();
            for (ArtifactQueries.Tag t : nested.tags().getOrDefault(row.id(), List.of())) {
                ArtifactView.tag(g, t, immutableTag.test(t.name()));
            }
            g.writeEndArray();
        }
        if (flags.withLabel()) {
            g.writeName("labels");
            g.writeStartArray();
            for (Label label : nested.labels().getOrDefault(row.id(), List.of())) {
                ArtifactView.label(g, label);
            }
            g.writeEndArray();
        }
        if (flags.withAccessory()) {
            g.writeName("accessories");
            g.writeStartArray();
            for (ArtifactQueries.Accessory a : nested.accessories().getOrDefault(row.id(), List.of())) {
                ArtifactView.accessory(g, a, row.repositoryName());
            }
            g.writeEndArray();
        }
        String overview = nested.scanOverviews().get(row.id());
        if (overview != null) {
            g.writeName("scan_overview");
            g.writeRawValue(overview);
        }
        String sbomOverview = nested.sbomOverviews().get(row.id());
        if (sbomOverview != null) {
            g.writeName("sbom_overview");
            g.writeRawValue(sbomOverview);
        }
        ArtifactView.additionLinks(g, row, projectName);
        g.writeEndObject();
    }
}
