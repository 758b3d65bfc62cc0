package dev.berth.artifact;

import dev.berth.api.ListQuery;
import dev.berth.label.ArtifactLabels;
import dev.berth.label.Label;
import dev.berth.policy.ImmutableTagRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.util.RawValue;

/**
 * Builds Harbor's Artifact JSON for a page of rows, fetching each kind of nested data once per page.
 * Values are kept to a handful of classes (Long, String, Boolean, RawValue, LinkedHashMap,
 * ArrayList): Jackson caches a serializer per value class only for a few classes per map type, and
 * looked each one up again on every value when immutable lists and maps of several classes mixed in.
 */
@Component
class ArtifactAssembler {
    /** Accessories nested in one page of artifacts: more than Harbor's UI ever shows. */
    private static final long MAX_NESTED_ACCESSORIES = 100;

    /** The list and get flags that choose what each artifact carries. */
    record Flags(
            boolean withTag,
            boolean withLabel,
            boolean withAccessory,
            boolean withSignature,
            boolean withImmutableStatus) {}

    private final ArtifactQueries artifacts;
    private final ArtifactContent content;
    private final ArtifactLabels labels;
    private final ImmutableTagRules immutability;

    ArtifactAssembler(
            ArtifactQueries artifacts, ArtifactContent content, ArtifactLabels labels, ImmutableTagRules immutability) {
        this.artifacts = artifacts;
        this.content = content;
        this.labels = labels;
        this.immutability = immutability;
    }

    List<Map<String, Object>> views(
            String projectName, long repositoryId, List<ArtifactQueries.Row> rows, Flags flags) {
        List<Long> ids = rows.stream().map(ArtifactQueries.Row::id).toList();
        Map<Long, List<ArtifactQueries.Tag>> tags = flags.withTag() ? artifacts.tags(ids) : Map.of();
        Map<Long, List<ArtifactQueries.Reference>> references = artifacts.references(ids);
        Map<Long, List<Label>> labelled = flags.withLabel() ? labels.of(ids) : Map.of();
        Map<Long, RawValue> extraAttrs = content.extraAttrs(rows);
        Map<Long, List<ArtifactQueries.Accessory>> accessories = new LinkedHashMap<>();
        if (flags.withAccessory() && !rows.isEmpty()) {
            Map<Long, String> subjects = new LinkedHashMap<>();
            rows.forEach(r -> subjects.put(r.id(), r.digest()));
            artifacts
                    .accessories(repositoryId, subjects, ListQuery.firstPage(MAX_NESTED_ACCESSORIES))
                    .rows()
                    .forEach(a -> accessories
                            .computeIfAbsent(a.subjectId(), k -> new ArrayList<>())
                            .add(a));
        }
        // Rules are evaluated here, in Java, from the project's cached rules: no query per row.
        Map<String, Predicate<String>> immutable = new HashMap<>();
        List<Map<String, Object>> views = new ArrayList<>();
        for (ArtifactQueries.Row row : rows) {
            Predicate<String> immutableTag = flags.withImmutableStatus()
                    ? immutable.computeIfAbsent(
                            row.repositoryName(), name -> immutability.immutableTags(row.projectId(), name))
                    : tag -> false;
            Map<String, Object> v = ArtifactView.artifact(row);
            v.put("extra_attrs", extraAttrs.get(row.id()));
            v.put(
                    "references",
                    references.getOrDefault(row.id(), List.of()).stream()
                            .map(r -> ArtifactView.reference(r))
                            .collect(Collectors.toCollection(ArrayList::new)));
            if (flags.withTag()) {
                v.put(
                        "tags",
                        tags.getOrDefault(row.id(), List.of()).stream()
                                .map(t -> {
                                    Map<String, Object> tag = ArtifactView.tag(t, immutableTag.test(t.name()));
                                    if (flags.withSignature()) {
                                        tag.put("signed", false);
                                    }
                                    return tag;
                                })
                                .collect(Collectors.toCollection(ArrayList::new)));
            }
            if (flags.withLabel()) {
                v.put(
                        "labels",
                        labelled.getOrDefault(row.id(), List.of()).stream()
                                .map(Label::view)
                                .collect(Collectors.toCollection(ArrayList::new)));
            }
            if (flags.withAccessory()) {
                v.put(
                        "accessories",
                        accessories.getOrDefault(row.id(), List.of()).stream()
                                .map(a -> ArtifactView.accessory(a, row.repositoryName()))
                                .collect(Collectors.toCollection(ArrayList::new)));
            }
            v.put("addition_links", ArtifactView.additionLinks(row, projectName));
            views.add(v);
        }
        return views;
    }
}
