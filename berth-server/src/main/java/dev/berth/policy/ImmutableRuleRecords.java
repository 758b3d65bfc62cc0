package dev.berth.policy;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.api.SqlPage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code immutable_tag_rule} table, and the per-project lock that orders rule changes against
 * the tag changes that consult the rules: rule writers hold it exclusively, tag writers shared.
 */
@Repository
class ImmutableRuleRecords {
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "r.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("priority", "r.priority", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("disabled", "r.disabled", FieldType.BOOLEAN, Use.FILTER)
            .field("creation_time", "r.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "r.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("id")
            .tieBreaker("r.id")
            .build();

    private static final String SELECTED = "r.id, r.project_id, r.priority, r.disabled, r.tag_decoration,"
            + " r.tag_pattern, r.repository_decoration, r.repository_pattern";
    private static final String COLUMNS = "SELECT " + SELECTED + " FROM immutable_tag_rule r";
    /** The advisory lock key of a project's rules, from an SQL expression for its id. */
    private static String lockKey(String projectIdSql) {
        return "hashtextextended('immutable-tag-rules:' || CAST(" + projectIdSql + " AS bigint), 0)";
    }

    private final JdbcClient jdbc;

    ImmutableRuleRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    SqlPage<ImmutableRule> list(long projectId, ListQuery query) {
        SqlFilter sql = query.toSql(FIELDS);
        List<Object> params = new ArrayList<>(List.of(projectId));
        params.addAll(sql.params());
        String from = " FROM immutable_tag_rule r WHERE r.project_id = ?" + sql.andWhere();
        return SqlPage.read(jdbc, SELECTED, from, params, sql, ImmutableRuleRecords::rule);
    }

    /** The rule if it belongs to the project. */
    Optional<ImmutableRule> find(long projectId, long id) {
        return jdbc.sql(COLUMNS + " WHERE r.id = ? AND r.project_id = ?")
                .param(id)
                .param(projectId)
                .query(ImmutableRuleRecords::rule)
                .optional();
    }

    List<ImmutableRule> enabled(long projectId) {
        return jdbc.sql(COLUMNS + " WHERE r.project_id = ? AND NOT r.disabled ORDER BY r.id")
                .param(projectId)
                .query(ImmutableRuleRecords::rule)
                .list();
    }

    long count(long projectId) {
        return jdbc.sql("SELECT count(*) FROM immutable_tag_rule WHERE project_id = ?")
                .param(projectId)
                .query(Long.class)
                .single();
    }

    /** Whether another rule of the project has the same selectors. */
    boolean duplicates(long projectId, long exceptId, ImmutableRuleRequest r) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM immutable_tag_rule WHERE project_id = ? AND id <> ?
                        AND tag_decoration = ? AND tag_pattern = ?
                        AND repository_decoration = ? AND repository_pattern = ?)""")
                .params(values(List.of(projectId, exceptId), r, List.of()))
                .query(Boolean.class)
                .single();
    }

    long insert(long projectId, ImmutableRuleRequest r) {
        return jdbc.sql("""
                        INSERT INTO immutable_tag_rule (project_id, priority, disabled, tag_decoration, tag_pattern,
                            repository_decoration, repository_pattern)
                        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(values(List.of(projectId, r.priority(), r.disabled()), r, List.of()))
                .query(Long.class)
                .single();
    }

    boolean update(long projectId, long id, ImmutableRuleRequest r) {
        return jdbc.sql("""
                                UPDATE immutable_tag_rule SET priority = ?, disabled = ?, tag_decoration = ?,
                                    tag_pattern = ?, repository_decoration = ?, repository_pattern = ?,
                                    update_time = now()
                                WHERE id = ? AND project_id = ?""")
                        .params(values(List.of(r.priority(), r.disabled()), r, List.of(id, projectId)))
                        .update()
                > 0;
    }

    /** {@code before}, the rule's four selector columns in table order, then {@code after}. */
    private static List<Object> values(List<?> before, ImmutableRuleRequest r, List<?> after) {
        List<Object> values = new ArrayList<>(before);
        values.addAll(List.of(
                r.tags().decoration(),
                r.tags().pattern(),
                r.repositories().decoration(),
                r.repositories().pattern()));
        values.addAll(after);
        return values;
    }

    boolean delete(long projectId, long id) {
        return jdbc.sql("DELETE FROM immutable_tag_rule WHERE id = ? AND project_id = ?")
                        .param(id)
                        .param(projectId)
                        .update()
                > 0;
    }

    /** Takes the project's rule lock exclusively until the transaction ends: for changing rules. */
    void lockExclusive(long projectId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(" + lockKey("?") + ")")
                .param(projectId)
                .query((rs, i) -> 1)
                .list();
    }

    /**
     * Takes, until the transaction ends, the rule lock of the repository's project in shared mode
     * (waiting for a rule change in progress to commit); returns the project's id, empty if the
     * repository is gone.
     */
    Optional<Long> lockSharedForRepository(long repositoryId) {
        return jdbc.sql("SELECT project_id, pg_advisory_xact_lock_shared(" + lockKey("project_id")
                        + ") FROM repository WHERE id = ?")
                .param(repositoryId)
                .query((rs, i) -> rs.getLong(1))
                .optional();
    }

    private static ImmutableRule rule(ResultSet rs, int i) throws SQLException {
        return new ImmutableRule(
                rs.getLong("id"),
                rs.getLong("project_id"),
                rs.getInt("priority"),
                rs.getBoolean("disabled"),
                new ImmutableRule.Selector(rs.getString("tag_decoration"), rs.getString("tag_pattern")),
                new ImmutableRule.Selector(rs.getString("repository_decoration"), rs.getString("repository_pattern")));
    }
}
