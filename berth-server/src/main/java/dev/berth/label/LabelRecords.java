package dev.berth.label;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.api.SqlPage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code label} and {@code artifact_label} tables. */
@Repository
class LabelRecords {
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "l.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("name", "l.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("description", "l.description", FieldType.STRING, Use.FILTER)
            .field("color", "l.color", FieldType.STRING, Use.FILTER)
            .field("creation_time", "l.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "l.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("name")
            .tieBreaker("l.id")
            .build();

    private static final String SELECTED = "l.id, l.name, l.description, l.color, l.scope,"
            + " COALESCE(l.project_id, 0) AS project_id, l.creation_time, l.update_time";
    private static final String COLUMNS = "SELECT " + SELECTED + " FROM label l";

    private final JdbcClient jdbc;

    LabelRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Labels of one scope (and project, for {@code p}), {@code name} matched as a substring. */
    SqlPage<Label> list(String scope, long projectId, Optional<String> name, ListQuery query) {
        SqlFilter sql = query.toSql(FIELDS);
        StringBuilder where = new StringBuilder(" WHERE l.scope = ?");
        List<Object> params = new ArrayList<>(List.of(scope));
        if (Label.PROJECT.equals(scope)) {
            where.append(" AND l.project_id = ?");
            params.add(projectId);
        }
        name.filter(n -> !n.isEmpty()).ifPresent(n -> {
            where.append(" AND l.name ILIKE ? ESCAPE '\\'");
            params.add("%" + n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        });
        where.append(sql.andWhere());
        params.addAll(sql.params());
        return SqlPage.read(jdbc, SELECTED, " FROM label l" + where, params, sql, LabelRecords::label);
    }

    Optional<Label> find(long id) {
        return jdbc.sql(COLUMNS + " WHERE l.id = ?")
                .param(id)
                .query(LabelRecords::label)
                .optional();
    }

    /** The new label's id, or empty when its name is taken in its scope. */
    Optional<Long> create(String name, String description, String color, String scope, long projectId) {
        try {
            return Optional.of(jdbc.sql("""
                            INSERT INTO label (name, description, color, scope, project_id)
                            VALUES (?, ?, ?, ?, ?) RETURNING id""")
                    .param(name)
                    .param(description)
                    .param(color)
                    .param(scope)
                    .param(projectId == 0 ? null : projectId)
                    .query(Long.class)
                    .single());
        } catch (DuplicateKeyException e) {
            return Optional.empty();
        }
    }

    /** False when the new name is taken in the label's scope. */
    boolean update(long id, String name, String description, String color) {
        try {
            jdbc.sql("UPDATE label SET name = ?, description = ?, color = ?, update_time = now() WHERE id = ?")
                    .param(name)
                    .param(description)
                    .param(color)
                    .param(id)
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    boolean delete(long id) {
        return jdbc.sql("DELETE FROM label WHERE id = ?").param(id).update() > 0;
    }

    /** False when the label is already on the artifact. */
    boolean attach(long labelId, long artifactId) {
        return jdbc.sql("INSERT INTO artifact_label (label_id, manifest_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                        .param(labelId)
                        .param(artifactId)
                        .update()
                > 0;
    }

    boolean detach(long labelId, long artifactId) {
        return jdbc.sql("DELETE FROM artifact_label WHERE label_id = ? AND manifest_id = ?")
                        .param(labelId)
                        .param(artifactId)
                        .update()
                > 0;
    }

    Map<Long, List<Label>> ofArtifacts(Collection<Long> artifactIds) {
        Map<Long, List<Label>> byArtifact = new LinkedHashMap<>();
        if (artifactIds.isEmpty()) {
            return byArtifact;
        }
        jdbc.sql("SELECT al.manifest_id, l.id, l.name, l.description, l.color, l.scope,"
                        + " COALESCE(l.project_id, 0) AS project_id, l.creation_time, l.update_time"
                        + " FROM artifact_label al JOIN label l ON l.id = al.label_id"
                        + " WHERE al.manifest_id = ANY (?) ORDER BY l.name, l.id")
                .param(artifactIds.toArray(Long[]::new))
                .query((rs, i) -> Map.entry(rs.getLong("manifest_id"), label(rs, i)))
                .list()
                .forEach(e -> byArtifact
                        .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));
        return byArtifact;
    }

    private static Label label(ResultSet rs, int i) throws SQLException {
        return new Label(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("color"),
                rs.getString("scope"),
                rs.getLong("project_id"),
                rs.getTimestamp("creation_time").toInstant(),
                rs.getTimestamp("update_time").toInstant());
    }
}
