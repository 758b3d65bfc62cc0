package dev.berth.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One field of Harbor's {@code sort=field1,-field2} parameter. */
public record SortKey(String field, boolean descending) {

    /** Parses {@code sort}; an empty string means no sort keys. Fields are checked later, per resource. */
    static List<SortKey> parseAll(String sort) {
        List<SortKey> keys = new ArrayList<>();
        if (sort.isEmpty()) {
            return keys;
        }
        Set<String> seen = new HashSet<>();
        for (String part : sort.split(",", -1)) {
            boolean descending = part.startsWith("-");
            String field = descending ? part.substring(1) : part;
            if (field.isEmpty()) {
                throw ApiException.badRequest("invalid sort " + Quoting.quote(sort)
                        + ": expected comma-separated field names, each optionally prefixed with -");
            }
            if (!seen.add(field)) {
                throw ApiException.badRequest("invalid sort: field " + Quoting.quote(field) + " appears twice");
            }
            keys.add(new SortKey(field, descending));
        }
        return keys;
    }
}
