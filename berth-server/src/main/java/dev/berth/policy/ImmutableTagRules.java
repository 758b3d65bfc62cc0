package dev.berth.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.api.ApiException;
import dev.berth.api.ListQuery;
import dev.berth.api.SqlPage;
import dev.berth.registry.TagProtection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Harbor's tag immutability rules: their storage and which tags they make immutable.
 *
 * <p>Two readers, two freshness guarantees. The registry's tag writers ask {@link #protectedTags}
 * inside their transaction; it reads the enabled rules from the database after taking the
 * project's rule lock in shared mode, and rule changes take that lock exclusively. So a tag change
 * and a rule change never overlap: each tag change is checked against exactly the rules that are
 * committed when it commits, on every replica. Lists ({@link #immutableTags}) only report a status
 * and use a per-project cache of compiled rules that this replica invalidates on every change and
 * that expires after two seconds, so other replicas' lists follow within that time.
 */
@Service
public class ImmutableTagRules implements TagProtection {
    /** Harbor's portal allows 15 rules per project; here the API enforces it. */
    static final int MAX_RULES = 15;

    private final ImmutableRuleRecords records;
    private final TransactionTemplate tx;
    private final Cache<Long, List<ImmutableRule.Compiled>> enabledByProject = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(2))
            .maximumSize(10_000)
            .build();

    ImmutableTagRules(ImmutableRuleRecords records, TransactionTemplate tx) {
        this.records = records;
        this.tx = tx;
    }

    SqlPage<ImmutableRule> list(long projectId, ListQuery query) {
        return records.list(projectId, query);
    }

    /** The new rule's id; 400 past {@value #MAX_RULES} rules, 409 if the project has these selectors. */
    long create(long projectId, ImmutableRuleRequest rule) {
        Long id = tx.execute(status -> {
            records.lockExclusive(projectId);
            if (records.count(projectId) >= MAX_RULES) {
                throw ApiException.badRequest("a project has at most " + MAX_RULES + " immutable tag rules");
            }
            refuseDuplicate(projectId, 0, rule);
            return records.insert(projectId, rule);
        });
        enabledByProject.invalidate(projectId);
        return id;
    }

    /** Replaces every field of the rule; 404 unless it belongs to the project, 409 on a duplicate. */
    void update(long projectId, long id, ImmutableRuleRequest rule) {
        tx.executeWithoutResult(status -> {
            records.lockExclusive(projectId);
            refuseDuplicate(projectId, id, rule);
            if (!records.update(projectId, id, rule)) {
                throw notFound(id);
            }
        });
        enabledByProject.invalidate(projectId);
    }

    /** The deleted rule; 404 unless it belongs to the project. */
    ImmutableRule delete(long projectId, long id) {
        ImmutableRule deleted = tx.execute(status -> {
            records.lockExclusive(projectId);
            ImmutableRule rule = records.find(projectId, id).orElseThrow(() -> notFound(id));
            records.delete(projectId, id);
            return rule;
        });
        enabledByProject.invalidate(projectId);
        return deleted;
    }

    /**
     * Which tags of a repository (its full name, {@code project/path}) the project's enabled rules
     * make immutable, for reporting them in lists: from a cache at most two seconds old.
     */
    public Predicate<String> immutableTags(long projectId, String repository) {
        return listed(projectId).immutableTags(repository);
    }

    /** The project's enabled rules as lists report them now (same cache as {@link #immutableTags}). */
    public Listed listed(long projectId) {
        return new Listed(enabledByProject.get(projectId, this::compiledEnabled));
    }

    /**
     * One reading of a project's enabled rules. Two readings are equal exactly when they hold the
     * same rules, so a page built from one is right for any equal one ({@code ArtifactPageCache}
     * keys pages by it).
     */
    public static final class Listed {
        private final List<ImmutableRule.Compiled> compiled;
        private final List<ImmutableRule> rules;

        private Listed(List<ImmutableRule.Compiled> compiled) {
            this.compiled = compiled;
            this.rules = compiled.stream().map(ImmutableRule.Compiled::rule).toList();
        }

        /** Which tags of the repository (its full name, {@code project/path}) these rules make immutable. */
        public Predicate<String> immutableTags(String repository) {
            return selecting(compiled, pathWithinProject(repository)).orElse(tag -> false);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Listed l && l.rules.equals(rules);
        }

        @Override
        public int hashCode() {
            return rules.hashCode();
        }
    }

    @Override
    public Optional<Predicate<String>> protectedTags(long repositoryId, String repository) {
        // Two statements on purpose: the rules must be read by a statement that starts after the
        // lock is granted, or a rule change it waited for would be invisible to it.
        Optional<Long> projectId = records.lockSharedForRepository(repositoryId);
        if (projectId.isEmpty()) {
            return Optional.empty();
        }
        return selecting(compiledEnabled(projectId.get()), pathWithinProject(repository));
    }

    private List<ImmutableRule.Compiled> compiledEnabled(long projectId) {
        return records.enabled(projectId).stream().map(ImmutableRule::compile).toList();
    }

    /** The test over tag names that the rules selecting this repository make, if any select it. */
    private static Optional<Predicate<String>> selecting(List<ImmutableRule.Compiled> rules, String repositoryPath) {
        List<ImmutableRule.Compiled> applicable =
                rules.stream().filter(r -> r.selectsRepository(repositoryPath)).toList();
        if (applicable.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(tag -> applicable.stream().anyMatch(r -> r.selectsTag(tag)));
    }

    /** Harbor matches repository selectors against the name without its project: {@code team/app}. */
    static String pathWithinProject(String repository) {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(slash + 1);
    }

    private void refuseDuplicate(long projectId, long id, ImmutableRuleRequest rule) {
        if (records.duplicates(projectId, id, rule)) {
            throw ApiException.conflict("an immutable tag rule with these selectors already exists in the project");
        }
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("immutable tag rule " + id + " not found");
    }
}
