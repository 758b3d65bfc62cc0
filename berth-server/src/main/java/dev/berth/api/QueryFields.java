package dev.berth.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A resource's allow-list for {@code q} and {@code sort}: the only fields a client may name, the
 * only SQL that may come of them, the default order and a unique tie-breaker so pages are stable.
 * Anything else a client names is a 400, which is what keeps {@code q=password=~a} from working.
 *
 * <pre>{@code
 * static final QueryFields PROJECT_FIELDS = QueryFields.builder()
 *         .field("name", "p.name", FieldType.STRING, Use.FILTER, Use.SORT)
 *         .field("public", "p.public", FieldType.BOOLEAN, Use.FILTER)
 *         .field("creation_time", "p.creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
 *         .defaultSort("name")
 *         .tieBreaker("p.project_id")
 *         .build();
 * }</pre>
 */
public final class QueryFields {
    private final Map<String, QueryField> fields;
    private final List<SortKey> defaultSort;
    private final String tieBreaker;

    private QueryFields(Map<String, QueryField> fields, List<SortKey> defaultSort, String tieBreaker) {
        this.fields = fields;
        this.defaultSort = defaultSort;
        this.tieBreaker = tieBreaker;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<QueryField> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    public Collection<QueryField> fields() {
        return fields.values();
    }

    /** Checks {@code query} against this allow-list and translates it; a 400 for anything not allowed. */
    public SqlFilter toSql(ListQuery query) {
        ConditionWriter where = new ConditionWriter();
        for (Term term : query.terms()) {
            where.add(allowed(term.field(), QueryField::filterable, "q"), term);
        }
        List<SortKey> sorts = query.sorts().isEmpty() ? defaultSort : query.sorts();
        List<String> orderings = new ArrayList<>();
        boolean tieBroken = false;
        for (SortKey key : sorts) {
            QueryField field = allowed(key.field(), QueryField::sortable, "sort");
            orderings.add(field.column() + (key.descending() ? " DESC" : " ASC"));
            tieBroken |= field.column().equals(tieBreaker);
        }
        if (!tieBroken) {
            orderings.add(tieBreaker + " ASC");
        }
        return new SqlFilter(where.conditions(), where.params(), orderings, query.pageSize(), query.offset());
    }

    private QueryField allowed(String name, Predicate<QueryField> use, String parameter) {
        QueryField field = fields.get(name);
        if (field == null || !use.test(field)) {
            String supported =
                    fields.values().stream().filter(use).map(QueryField::name).collect(Collectors.joining(", "));
            throw ApiException.badRequest("unsupported field " + Quoting.quote(name) + " in " + parameter
                    + (supported.isEmpty() ? "; none is supported" : "; supported: " + supported));
        }
        return field;
    }

    public static final class Builder {
        private final Map<String, QueryField> fields = new LinkedHashMap<>();
        private String defaultSort = "";
        private Optional<String> tieBreaker = Optional.empty();

        private Builder() {}

        public Builder field(String name, String column, FieldType type, QueryField.Use... uses) {
            EnumSet<QueryField.Use> set = EnumSet.noneOf(QueryField.Use.class);
            set.addAll(List.of(uses));
            return field(new QueryField(name, column, type, set));
        }

        public Builder field(QueryField field) {
            if (fields.putIfAbsent(field.name(), field) != null) {
                throw new IllegalArgumentException("query field declared twice: " + field.name());
            }
            return this;
        }

        /** The order when the client gives no {@code sort}, in the same syntax, e.g. {@code "-creation_time"}. */
        public Builder defaultSort(String sort) {
            this.defaultSort = sort;
            return this;
        }

        /** A column expression unique per row, appended to every ORDER BY (ascending) so pages are stable. */
        public Builder tieBreaker(String column) {
            this.tieBreaker = Optional.of(column);
            return this;
        }

        public QueryFields build() {
            String unique = tieBreaker.orElseThrow(
                    () -> new IllegalStateException("a tie-breaker column is needed for stable pages"));
            // Checked like a column, by the same tripwire.
            new QueryField("tie_breaker", unique, FieldType.STRING, EnumSet.of(QueryField.Use.SORT));
            List<SortKey> sorts = SortKey.parseAll(defaultSort);
            for (SortKey key : sorts) {
                QueryField field = fields.get(key.field());
                if (field == null || !field.sortable()) {
                    throw new IllegalStateException("default sort on a field that is not sortable: " + key.field());
                }
            }
            return new QueryFields(
                    Collections.unmodifiableMap(new LinkedHashMap<>(fields)), List.copyOf(sorts), unique);
        }
    }
}
