package dev.berth.artifact;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads Harbor's Repository view of the registry's {@code repository} table (and writes its
 * {@code description}, which only this API uses). It reads the registry's tables directly, as one
 * SQL statement per page, because paging, counting and sorting 100k rows cannot go through the
 * registry's per-name lookups; every change to manifests and tags still goes through
 * {@code ManifestService}.
 */
@Repository
class RepositoryListing {
    /** Top-level artifacts ({@link ArtifactSql#TOP_LEVEL}), counted by the triggers of V13. */
    private static final String ARTIFACT_COUNT = "r.artifact_count";
    /** Moved forward by every push (V13) and by a description change. */
    private static final String UPDATE_TIME = "r.updated_at";

    private static final String PUBLIC =
            "EXISTS (SELECT 1 FROM project_metadata pub WHERE pub.project_id = r.project_id"
                    + " AND pub.name = 'public' AND pub.value = 'true')";

    /** What {@code q} and {@code sort} may name. */
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "r.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("name", "r.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("project_id", "r.project_id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("creation_time", "r.created_at", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", UPDATE_TIME, FieldType.TIME, Use.FILTER, Use.SORT)
            .field("artifact_count", ARTIFACT_COUNT, FieldType.LONG, Use.FILTER, Use.SORT)
            .field("pull_count", "r.pull_count", FieldType.LONG, Use.FILTER, Use.SORT)
            .defaultSort("-creation_time")
            .tieBreaker("r.id")
            .build();

    /** Which repositories a caller may list: those of every project, or of public and named ones. */
    sealed interface Scope {
        record All() implements Scope {}

        record Project(long projectId) implements Scope {}

        record PublicOrProjects(Set<Long> projectIds) implements Scope {}
    }

    /** {@code listingVersion} moves forward with every change its artifact pages can show (V21). */
    record Row(
            long id,
            long projectId,
            String name,
            String description,
            long artifactCount,
            long pullCount,
            Instant creationTime,
            Instant updateTime,
            long listingVersion) {}

    record Page(long total, List<Row> rows) {}

    private final JdbcClient jdbc;

    RepositoryListing(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Page list(Scope scope, ListQuery query) {
        SqlFilter sql = query.toSql(FIELDS);
        StringBuilder where = new StringBuilder(" WHERE r.project_id IS NOT NULL");
        List<Object> params = new ArrayList<>();
        switch (scope) {
            case Scope.All a -> {}
            case Scope.Project p -> {
                where.append(" AND r.project_id = ?");
                params.add(p.projectId());
            }
            case Scope.PublicOrProjects p -> {
                where.append(" AND (").append(PUBLIC).append(" OR r.project_id = ANY (?))");
                params.add(p.projectIds().toArray(Long[]::new));
            }
        }
        where.append(sql.andWhere());
        params.addAll(sql.params());
        long total = jdbc.sql("SELECT count(*) FROM repository r" + where)
                .params(params)
                .query(Long.class)
                .single();
        if (total == 0 || query.offset() >= total) {
            return new Page(total, List.of());
        }
        List<Row> rows = jdbc.sql(select() + where + sql.orderBy() + sql.limitOffset())
                .params(params)
                .query(RepositoryListing::row)
                .list();
        return new Page(total, rows);
    }

    Optional<Row> find(long projectId, String name) {
        return jdbc.sql(select() + " WHERE r.project_id = ? AND r.name = ?")
                .param(projectId)
                .param(name)
                .query(RepositoryListing::row)
                .optional();
    }

    /**
     * Projects the user is a member of, directly or through one of {@code groupIds}. Reads {@code
     * project_member}: the same rule the project list applies, kept in SQL so a user with many
     * projects costs one statement.
     */
    List<Long> memberProjects(long userId, List<Long> groupIds) {
        return jdbc.sql("SELECT DISTINCT project_id FROM project_member WHERE (entity_type = 'u' AND entity_id = ?)"
                        + " OR (entity_type = 'g' AND entity_id = ANY (?))")
                .param(userId)
                .param(groupIds.toArray(Long[]::new))
                .query(Long.class)
                .list();
    }

    boolean describe(long repositoryId, String description) {
        return jdbc.sql("UPDATE repository SET description = ?, updated_at = now() WHERE id = ?")
                        .param(description)
                        .param(repositoryId)
                        .update()
                > 0;
    }

    private static String select() {
        return "SELECT r.id, r.project_id, r.name, r.description, r.pull_count, " + ARTIFACT_COUNT
                + " AS artifact_count, r.created_at, " + UPDATE_TIME
                + " AS update_time, r.listing_version FROM repository r";
    }

    private static Row row(ResultSet rs, int i) throws SQLException {
        return new Row(
                rs.getLong("id"),
                rs.getLong("project_id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getLong("artifact_count"),
                rs.getLong("pull_count"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("update_time").toInstant(),
                rs.getLong("listing_version"));
    }
}
