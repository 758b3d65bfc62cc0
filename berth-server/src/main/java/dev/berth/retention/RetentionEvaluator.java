package dev.berth.retention;

import dev.berth.artifact.ArtifactInventory.Artifact;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Harbor's {@code or} algorithm over one repository's artifacts: each rule selects artifacts with
 * its tag and label selectors (all of them must select), keeps some of those by its template, and
 * an artifact is retained if any rule keeps it. Everything else in the repository is to be
 * deleted. A pure function of the artifacts, the rules and the snapshot's time: a dry run and a
 * real run with the same snapshot decide the same.
 */
final class RetentionEvaluator {
    private RetentionEvaluator() {}

    /** Newest first; ties by id, newest first, so the order never depends on the database's. */
    private static final Comparator<Artifact> BY_PUSH =
            Comparator.comparing(Artifact::pushed).thenComparing(Artifact::id).reversed();

    /** Latest pull first; never pulled last (Harbor's zero time), then by push. */
    private static final Comparator<Artifact> BY_PULL = Comparator.<Artifact, Instant>comparing(
                    a -> a.pulled().orElse(Instant.EPOCH))
            .thenComparing(Artifact::pushed)
            .thenComparing(Artifact::id)
            .reversed();

    /**
     * The ids of the artifacts the rules retain.
     *
     * @param rules the enabled rules whose repository selectors select this repository
     */
    static Set<Long> retained(List<RetentionRule> rules, List<Artifact> artifacts, Instant snapshot) {
        Set<Long> kept = new HashSet<>();
        for (RetentionRule rule : rules) {
            List<Artifact> selected = artifacts.stream()
                    .filter(a -> rule.tagSelectors().stream().allMatch(s -> s.selects(a, s.untagged())))
                    .toList();
            keptBy(rule, selected, snapshot).forEach(a -> kept.add(a.id()));
        }
        return kept;
    }

    private static Stream<Artifact> keptBy(RetentionRule rule, List<Artifact> selected, Instant snapshot) {
        Instant since = snapshot.minus(Duration.ofDays(rule.param()));
        return switch (rule.template()) {
            case LATEST_PUSHED_K -> selected.stream().sorted(BY_PUSH).limit(rule.param());
            case LATEST_PULLED_N -> selected.stream().sorted(BY_PULL).limit(rule.param());
            case N_DAYS_SINCE_LAST_PUSH ->
                selected.stream().filter(a -> !a.pushed().isBefore(since));
            case N_DAYS_SINCE_LAST_PULL ->
                selected.stream()
                        .filter(a -> a.pulled().map(p -> !p.isBefore(since)).orElse(false));
            case ALWAYS -> selected.stream();
        };
    }
}
