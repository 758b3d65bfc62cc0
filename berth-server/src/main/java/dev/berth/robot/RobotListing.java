package dev.berth.robot;

import dev.berth.api.ApiException;
import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.Term;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code GET /robots} reads its {@code q}: Harbor's two scope keywords, {@code Level} and
 * {@code ProjectID}, pick the robots; everything else is an ordinary filter over {@link #FIELDS}.
 * Secrets and their hashes are not fields, so {@code q=secret=~a} is a 400, not an oracle.
 */
final class RobotListing {
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "r.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("name", "r.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("description", "r.description", FieldType.STRING, Use.FILTER)
            .field("disabled", "r.disabled", FieldType.BOOLEAN, Use.FILTER)
            .field("duration", "r.duration", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("expires_at", "r.expires_at", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("creator_type", "r.creator_type", FieldType.STRING, Use.FILTER)
            .field("creation_time", "r.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("update_time", "r.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("name")
            .tieBreaker("r.id")
            .build();

    /** Whose robots to list (0 for system robots), and the rest of the query. */
    record Scope(long projectId, ListQuery rest) {}

    private RobotListing() {}

    static Scope scope(ListQuery query) {
        String level = "system";
        String projectId = null;
        List<Term> rest = new ArrayList<>();
        for (Term term : query.terms()) {
            switch (term.field()) {
                case "Level", "level" -> level = exact(term);
                case "ProjectID", "project_id" -> projectId = exact(term);
                default -> rest.add(term);
            }
        }
        ListQuery remaining = new ListQuery(rest, query.sorts(), query.page(), query.pageSize());
        return switch (level) {
            case "system" -> new Scope(0, remaining);
            case "project" -> new Scope(positive(projectId), remaining);
            default -> throw ApiException.badRequest("Level must be system or project");
        };
    }

    private static String exact(Term term) {
        if (!(term instanceof Term.Exact exact)) {
            throw ApiException.badRequest(term.field() + " takes an exact value, e.g. q=Level=project,ProjectID=1");
        }
        return exact.value();
    }

    private static long positive(String projectId) {
        if (projectId == null) {
            throw ApiException.badRequest("listing project robots needs ProjectID, e.g. q=Level=project,ProjectID=1");
        }
        try {
            long id = Long.parseLong(projectId);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.badRequest("ProjectID must be a positive integer");
    }
}
