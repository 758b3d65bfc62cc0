package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Harbor's tag immutability rules: each rule's first tag and repository selector, as Harbor applies them. */
final class ImmutabilityRuleImport {
    private final HarborDatabase harbor;
    private final JdbcClient jdbc;
    private final ImportReport report;
    private final Map<Long, Long> projectIds;
    private final JsonMapper json = JsonMapper.builder().build();

    ImmutabilityRuleImport(ImportContext context, JdbcClient jdbc) {
        this.harbor = context.harbor();
        this.jdbc = jdbc;
        this.report = context.report();
        this.projectIds = context.projectIds();
    }

    void run() throws Exception {
        for (HarborDatabase.ImmutableRule rule : harbor.immutableRules()) {
            Long project = projectIds.get(rule.projectId());
            Optional<Selectors> selectors = selectors(rule.json());
            if (project == null || selectors.isEmpty()) {
                report.count("immutability rules", Outcome.SKIPPED);
                if (selectors.isEmpty()) {
                    report.note("immutability rule #" + rule.id() + ": selectors not understood");
                }
                continue;
            }
            Selectors s = selectors.get();
            if (report.dryRun()) {
                boolean present = jdbc.sql("""
                                        SELECT count(*) FROM immutable_tag_rule WHERE project_id = ? AND tag_decoration = ?
                                        AND tag_pattern = ? AND repository_decoration = ? AND repository_pattern = ?
                                        """)
                                .param(project)
                                .param(s.tagDecoration())
                                .param(s.tagPattern())
                                .param(s.repositoryDecoration())
                                .param(s.repositoryPattern())
                                .query(Long.class)
                                .single()
                        > 0;
                report.count("immutability rules", present ? Outcome.EXISTING : Outcome.IMPORTED);
                continue;
            }
            int inserted = jdbc.sql("""
                            INSERT INTO immutable_tag_rule (project_id, priority, disabled, tag_decoration, tag_pattern,
                                repository_decoration, repository_pattern)
                            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                            """)
                    .param(project)
                    .param(s.priority())
                    .param(rule.disabled())
                    .param(s.tagDecoration())
                    .param(s.tagPattern())
                    .param(s.repositoryDecoration())
                    .param(s.repositoryPattern())
                    .update();
            report.count("immutability rules", inserted == 1 ? Outcome.IMPORTED : Outcome.EXISTING);
        }
    }

    record Selectors(
            int priority,
            String tagDecoration,
            String tagPattern,
            String repositoryDecoration,
            String repositoryPattern) {}

    /** Harbor keeps a rule as JSON with lists of selectors; it applies the first of each. */
    Optional<Selectors> selectors(String ruleJson) {
        try {
            JsonNode root = json.readTree(ruleJson);
            JsonNode tag = root.path("tag_selectors").path(0);
            JsonNode repo = root.path("scope_selectors").path("repository").path(0);
            String tagDecoration = tag.path("decoration").asString("");
            String repoDecoration = repo.path("decoration").asString("");
            if (!List.of("matches", "excludes").contains(tagDecoration)
                    || !List.of("repoMatches", "repoExcludes").contains(repoDecoration)) {
                return Optional.empty();
            }
            return Optional.of(new Selectors(
                    root.path("priority").asInt(0),
                    tagDecoration,
                    tag.path("pattern").asString(""),
                    repoDecoration,
                    repo.path("pattern").asString("")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
