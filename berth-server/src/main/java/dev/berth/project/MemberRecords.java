package dev.berth.project;

import dev.berth.api.ApiException;
import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.usergroup.UserGroupDeleted;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code project_member} table. Every statement is bounded by a project id, so a member id of
 * another project is simply not found.
 */
@Repository
class MemberRecords {
    /** What {@code q} and {@code sort} may name on the member list. */
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "m.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("entity_name", "m.entity_name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("entity_type", "m.entity_type", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("entity_id", "m.entity_id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("role_id", "m.role", FieldType.LONG, Use.FILTER, Use.SORT)
            .defaultSort("entity_name")
            .tieBreaker("m.id")
            .build();

    // The names live with users and groups; reading them here (never writing) lets the list be
    // filtered and sorted by name across pages in one statement. Rows whose user or group is gone
    // are left out, as Harbor does.
    private static final String MEMBERS = """
            FROM (SELECT pm.id, pm.project_id, pm.entity_id, pm.entity_type::text AS entity_type, pm.role,
                         COALESCE(u.username, g.group_name) AS entity_name
                  FROM project_member pm
                  LEFT JOIN app_user u ON pm.entity_type = 'u' AND u.id = pm.entity_id
                  LEFT JOIN user_group g ON pm.entity_type = 'g' AND g.id = pm.entity_id
                  WHERE pm.project_id = ? AND (u.id IS NOT NULL OR g.id IS NOT NULL)) m
            WHERE TRUE""";
    private static final String COLUMNS =
            "SELECT m.id, m.project_id, m.entity_name, m.role, m.entity_id, m.entity_type ";

    record Page(long total, List<ProjectMember> members) {}

    private final JdbcClient jdbc;

    MemberRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Page list(long projectId, Optional<String> nameContains, ListQuery query) {
        SqlFilter filter = query.toSql(FIELDS);
        StringBuilder where = new StringBuilder();
        List<Object> params = new ArrayList<>();
        params.add(projectId);
        nameContains.filter(s -> !s.isEmpty()).ifPresent(s -> {
            where.append(" AND m.entity_name ILIKE ? ESCAPE '\\'");
            params.add("%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        });
        where.append(filter.andWhere());
        params.addAll(filter.params());
        long total = jdbc.sql("SELECT count(*) " + MEMBERS + where)
                .params(params)
                .query(Long.class)
                .single();
        List<ProjectMember> members = total == 0
                ? List.of()
                : jdbc.sql(COLUMNS + MEMBERS + where + filter.orderBy() + filter.limitOffset())
                        .params(params)
                        .query(MemberRecords::row)
                        .list();
        return new Page(total, members);
    }

    Optional<ProjectMember> find(long projectId, long memberId) {
        return jdbc.sql(COLUMNS + MEMBERS + " AND m.id = ?")
                .param(projectId)
                .param(memberId)
                .query(MemberRecords::row)
                .optional();
    }

    /** Adds the member; 409 if this user or group is already a member of the project. */
    long insert(long projectId, String entityType, long entityId, int role) {
        return jdbc.sql("""
                        INSERT INTO project_member (project_id, entity_type, entity_id, role) VALUES (?, ?, ?, ?)
                        ON CONFLICT (project_id, entity_type, entity_id) DO NOTHING RETURNING id
                        """)
                .param(projectId)
                .param(entityType)
                .param(entityId)
                .param(role)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> ApiException.conflict("The project member specified already exist"));
    }

    boolean updateRole(long projectId, long memberId, int role) {
        return jdbc.sql("UPDATE project_member SET role = ?, update_time = now() WHERE project_id = ? AND id = ?")
                        .param(role)
                        .param(projectId)
                        .param(memberId)
                        .update()
                > 0;
    }

    boolean delete(long projectId, long memberId) {
        return jdbc.sql("DELETE FROM project_member WHERE project_id = ? AND id = ?")
                        .param(projectId)
                        .param(memberId)
                        .update()
                > 0;
    }

    /** A deleted group is a member of nothing. Runs inside the deleting transaction. */
    @EventListener
    void groupDeleted(UserGroupDeleted event) {
        jdbc.sql("DELETE FROM project_member WHERE entity_type = 'g' AND entity_id = ?")
                .param(event.groupId())
                .update();
    }

    private static ProjectMember row(ResultSet rs, int i) throws SQLException {
        return new ProjectMember(
                rs.getLong("id"),
                rs.getLong("project_id"),
                rs.getString("entity_name"),
                rs.getInt("role"),
                rs.getLong("entity_id"),
                rs.getString("entity_type"));
    }
}
