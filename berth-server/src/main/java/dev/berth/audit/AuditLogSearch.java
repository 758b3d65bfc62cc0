package dev.berth.audit;

import dev.berth.api.FieldType;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads the {@code audit_log} table: filtered, sorted, paged, within a scope decided by the caller's rights. */
@Repository
class AuditLogSearch {
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "a.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("operation", "a.operation", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("resource_type", "a.resource_type", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("resource", "a.resource", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("username", "a.username", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("op_time", "a.op_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("-op_time,-id")
            .tieBreaker("a.id")
            .build();

    /** Harbor's {@code AuditLog}. */
    record Entry(long id, String resource, String resourceType, String username, String operation, String opTime) {}

    /**
     * Which entries a caller may see: all of them, those of one project, those of the projects where
     * a user holds one of some roles, or none.
     */
    sealed interface Scope {
        record All() implements Scope {}

        record Project(long projectId) implements Scope {}

        /** {@code roles} are role ids from code, never client input. */
        record MemberOf(long userId, List<Integer> roles) implements Scope {}

        record Nothing() implements Scope {}
    }

    private final JdbcClient jdbc;

    AuditLogSearch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Entry> page(Scope scope, SqlFilter filter) {
        Condition c = condition(scope);
        return jdbc.sql("""
                        SELECT a.id, a.resource, a.resource_type, a.username, a.operation, a.op_time
                        FROM audit_log a WHERE """ + " " + c.sql() + filter.andWhere() + filter.orderBy() + filter.limitOffset())
                .params(filter.paramsAfter(c.params()))
                .query((rs, i) -> new Entry(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        time(rs.getTimestamp(6).toInstant())))
                .list();
    }

    /** Harbor 2.13's {@code AuditLogExt}: an entry with a description and its result. */
    record ExtEntry(
            long id,
            String username,
            String resource,
            String resourceType,
            String operation,
            String operationDescription,
            boolean operationResult,
            String opTime) {
        /** An entry with what its change changed, as recorded. */
        static ExtEntry of(Entry e, String description) {
            return new ExtEntry(
                    e.id(), e.username(), e.resource(), e.resourceType(), e.operation(), description, true, e.opTime());
        }

        static ExtEntry of(Entry e) {
            // Harbor describes a pushed artifact as "push artifact: repo@digest", the rest "<operation> <type>:
            // <name>".
            String verb =
                    e.operation().equals("create") && e.resourceType().equals("artifact") ? "push" : e.operation();
            // Berth records operations that succeeded; a refused one is an error answer, not an entry.
            return new ExtEntry(
                    e.id(),
                    e.username(),
                    e.resource(),
                    e.resourceType(),
                    e.operation(),
                    verb + " " + e.resourceType() + ": " + e.resource(),
                    true,
                    e.opTime());
        }
    }

    /**
     * A page as {@link ExtEntry}: with the description recorded of a change ("role: developer →
     * maintainer"), else the one Harbor would write.
     */
    List<ExtEntry> extPage(Scope scope, SqlFilter filter) {
        Condition c = condition(scope);
        return jdbc.sql("""
                        SELECT a.id, a.resource, a.resource_type, a.username, a.operation, a.op_time,
                               a.operation_description
                        FROM audit_log a WHERE """ + " " + c.sql() + filter.andWhere() + filter.orderBy() + filter.limitOffset())
                .params(filter.paramsAfter(c.params()))
                .query((rs, i) -> {
                    Entry e = new Entry(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            time(rs.getTimestamp(6).toInstant()));
                    String description = rs.getString(7);
                    return description == null ? ExtEntry.of(e) : ExtEntry.of(e, description);
                })
                .list();
    }

    long count(Scope scope, SqlFilter filter) {
        Condition c = condition(scope);
        return jdbc.sql("SELECT count(*) FROM audit_log a WHERE " + c.sql() + filter.andWhere())
                .params(filter.paramsAfter(c.params()))
                .query(Long.class)
                .single();
    }

    private record Condition(String sql, Object... params) {}

    private static Condition condition(Scope scope) {
        return switch (scope) {
            case Scope.All a -> new Condition("true");
            case Scope.Project p -> new Condition("a.project_id = ?", p.projectId());
            case Scope.MemberOf m when m.roles().isEmpty() -> new Condition("false");
            case Scope.MemberOf m ->
                new Condition(
                        """
                        a.project_id IN (SELECT pm.project_id FROM project_member pm
                                         WHERE pm.entity_type = 'u' AND pm.entity_id = ? AND pm.role IN (%s))
                        """.formatted(String.join(
                                ", ", m.roles().stream().map(String::valueOf).toList())),
                        m.userId());
            case Scope.Nothing n -> new Condition("false");
        };
    }

    /** UTC with a trailing Z, to the millisecond, as Harbor writes date-times. */
    private static String time(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }
}
