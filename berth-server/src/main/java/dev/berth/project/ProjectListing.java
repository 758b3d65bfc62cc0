package dev.berth.project;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.iam.ProjectRole;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code GET /projects}: one page of the projects a caller may see, filtered and sorted in SQL, with
 * each project's repository count and the caller's role fetched in the same statement.
 */
@Repository
class ProjectListing {
    private static final String PUBLIC = "(COALESCE(pub.value, 'false') = 'true')";
    private static final String REPO_COUNT = "(SELECT count(*) FROM repository r WHERE r.project_id = p.id)";
    private static final String STORAGE_USED =
            "(SELECT COALESCE(sum(pb.size), 0) FROM project_blob pb WHERE pb.project_id = p.id)";

    /** What {@code q} and {@code sort} may name: never anything but these columns. */
    static final QueryFields FIELDS = QueryFields.builder()
            .field("name", "p.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("project_id", "p.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("creation_time", "p.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "p.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("owner_id", "p.owner_id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("public", PUBLIC, FieldType.BOOLEAN, Use.FILTER, Use.SORT)
            // Sorting only, as the portal's list columns need: the repository count of the JSON
            // (repo_count) and the storage the quota counts (Quota's used.storage).
            .field("repo_count", REPO_COUNT, FieldType.LONG, Use.SORT)
            .field("storage_used", STORAGE_USED, FieldType.LONG, Use.SORT)
            .defaultSort("name")
            .tieBreaker("p.id")
            .build();

    private static final String FROM = """
             FROM project p
             LEFT JOIN app_user u ON u.id = p.owner_id
             LEFT JOIN project_metadata pub ON pub.project_id = p.id AND pub.name = 'public'
             WHERE TRUE""";

    /** Which projects a caller may see at all. */
    sealed interface Visibility {
        /** System administrators and robots whose grants cover every project. */
        record All() implements Visibility {}

        /** Anonymous callers. */
        record PublicOnly() implements Visibility {}

        /** A user: public projects and those they are a direct member of. */
        /** Public projects and those the user is a member of, directly or through one of the groups. */
        record PublicOrMember(long userId, List<Long> groupIds) implements Visibility {
            public PublicOrMember {
                groupIds = List.copyOf(groupIds);
            }

            /** The groups as a SQL array parameter. */
            Long[] groups() {
                return groupIds.toArray(Long[]::new);
            }
        }

        /** A robot: public projects and those its grants name. */
        record PublicOrNamed(Set<String> names) implements Visibility {}
    }

    /** The list parameters outside {@code q}: {@code name} (fuzzy), {@code public}, {@code owner} (exact). */
    record Filters(Optional<String> name, Optional<Boolean> isPublic, Optional<String> owner) {}

    /** One listed project, with what its JSON needs beyond the row. */
    record Listed(Project project, long repoCount, Optional<ProjectRole> callerRole) {}

    record Page(long total, List<Listed> projects) {}

    private final JdbcClient jdbc;

    ProjectListing(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The member rows of a user, directly ({@code vm.entity_type = 'u'}) or through a group; binds
     * the user id and then the group ids (a {@code bigint[]}).
     */
    static final String MEMBER =
            "((vm.entity_type = 'u' AND vm.entity_id = ?) OR (vm.entity_type = 'g' AND vm.entity_id = ANY (?)))";

    /**
     * @param callerUserId the user whose role each row carries, 0 for none
     * @param callerGroupIds the groups whose roles count for that user too
     */
    Page list(Visibility visibility, Filters filters, ListQuery query, long callerUserId, List<Long> callerGroupIds) {
        SqlFilter sql = query.toSql(FIELDS);
        StringBuilder where = new StringBuilder();
        List<Object> params = new ArrayList<>();
        switch (visibility) {
            case Visibility.All a -> {}
            case Visibility.PublicOnly p -> where.append(" AND ").append(PUBLIC);
            case Visibility.PublicOrMember m -> {
                where.append(" AND (")
                        .append(PUBLIC)
                        .append(" OR EXISTS (SELECT 1 FROM project_member vm WHERE vm.project_id = p.id" + " AND "
                                + MEMBER + "))");
                params.add(m.userId());
                params.add(m.groups());
            }
            case Visibility.PublicOrNamed n -> {
                where.append(" AND (").append(PUBLIC).append(" OR p.name = ANY (?))");
                params.add(n.names().toArray(String[]::new));
            }
        }
        filters.name().filter(s -> !s.isEmpty()).ifPresent(name -> {
            where.append(" AND p.name ILIKE ? ESCAPE '\\'");
            params.add("%" + escapeLike(name) + "%");
        });
        filters.isPublic().ifPresent(b -> {
            where.append(" AND ").append(PUBLIC).append(" = ?");
            params.add(b);
        });
        filters.owner().filter(s -> !s.isEmpty()).ifPresent(owner -> {
            where.append(" AND u.username = ?");
            params.add(owner);
        });
        where.append(sql.andWhere());
        params.addAll(sql.params());

        long total = jdbc.sql("SELECT count(*)" + FROM + where)
                .params(params)
                .query(Long.class)
                .single();
        if (total == 0 || query.offset() >= total) {
            return new Page(total, List.of());
        }
        List<Object> all = new ArrayList<>();
        all.add(callerUserId);
        all.add(callerGroupIds.toArray(Long[]::new));
        all.addAll(params);
        List<Listed> rows = jdbc.sql(
                        """
                        SELECT p.id, p.name, COALESCE(p.owner_id, 0) AS owner_id, COALESCE(u.username, '') AS owner_name,
                               p.storage_limit, p.creation_time, p.update_time, COALESCE(p.registry_id, 0) AS registry_id,
                               ARRAY(SELECT m.name FROM project_metadata m WHERE m.project_id = p.id ORDER BY m.name) AS meta_names,
                               ARRAY(SELECT m.value FROM project_metadata m WHERE m.project_id = p.id ORDER BY m.name) AS meta_values,
                               """ + REPO_COUNT + """
                                AS repo_count,
                               (SELECT vm.role FROM project_member vm WHERE vm.project_id = p.id AND """ + MEMBER + """
                                   ORDER BY array_position(ARRAY[1, 4, 2, 3, 5], vm.role) LIMIT 1) AS caller_role
                        """ + FROM + where + sql.orderBy() + sql.limitOffset())
                .params(all)
                .query(ProjectListing::listed)
                .list();
        return new Page(total, rows);
    }

    private static Listed listed(ResultSet rs, int i) throws SQLException {
        int role = rs.getInt("caller_role");
        boolean member = !rs.wasNull();
        return new Listed(
                ProjectService.row(rs, i),
                rs.getLong("repo_count"),
                member ? ProjectRole.byId(role) : Optional.empty());
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
