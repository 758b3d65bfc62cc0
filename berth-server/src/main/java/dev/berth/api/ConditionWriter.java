package dev.berth.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Turns {@link Term}s into SQL conditions over allow-listed columns, binding every value. */
final class ConditionWriter {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    List<String> conditions() {
        return conditions;
    }

    List<Object> params() {
        return params;
    }

    void add(QueryField field, Term term) {
        String column = field.column();
        switch (term) {
            case Term.Exact exact -> {
                conditions.add(column + " = ?");
                params.add(field.type().convert(field.name(), exact.value()));
            }
            case Term.Fuzzy fuzzy -> {
                if (field.type() != FieldType.STRING) {
                    throw ApiException.badRequest(
                            "fuzzy match (~) is not supported on non-text query field " + Quoting.quote(field.name()));
                }
                conditions.add(column + " ILIKE ? ESCAPE '\\'");
                params.add("%" + escapeLike(fuzzy.value()) + "%");
            }
            case Term.Range range -> range(field, range.min(), range.max());
            case Term.AnyOf anyOf -> {
                if (!anyOf.values().isEmpty()) {
                    conditions.add(column + " IN ("
                            + String.join(
                                    ", ", Collections.nCopies(anyOf.values().size(), "?")) + ")");
                    anyOf.values().forEach(v -> params.add(field.type().convert(field.name(), v)));
                }
            }
            case Term.AllOf allOf -> {
                if (!field.allowsAllOf()) {
                    throw ApiException.badRequest(
                            "intersection list (…) is not supported on query field " + Quoting.quote(field.name()));
                }
                if (!allOf.values().isEmpty()) {
                    conditions.add(String.join(
                            " AND ", Collections.nCopies(allOf.values().size(), column + " = ?")));
                    allOf.values().forEach(v -> params.add(field.type().convert(field.name(), v)));
                }
            }
        }
    }

    private void range(QueryField field, Optional<String> min, Optional<String> max) {
        if (field.type() == FieldType.BOOLEAN) {
            throw ApiException.badRequest(
                    "range [min~max] is not supported on boolean query field " + Quoting.quote(field.name()));
        }
        List<String> parts = new ArrayList<>();
        min.ifPresent(v -> {
            parts.add(field.column() + " >= ?");
            params.add(field.type().convert(field.name(), v));
        });
        max.ifPresent(v -> {
            parts.add(field.column() + " <= ?");
            params.add(field.type().convert(field.name(), v));
        });
        conditions.add(String.join(" AND ", parts));
    }

    /** Makes {@code %}, {@code _} and {@code \} match themselves in a LIKE pattern escaped by {@code \}. */
    static String escapeLike(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '%' || c == '_') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
