package dev.berth.api;

import java.util.List;
import java.util.Optional;

/**
 * One {@code key=value} term of Harbor's {@code q} parameter, as written by the client: values are
 * still text (quotes removed); they get a type only against a resource's {@link QueryFields}.
 */
public sealed interface Term {
    /** The API field name on the left of {@code =}. */
    String field();

    /** {@code k=v}: equal. */
    record Exact(String field, String value) implements Term {}

    /** {@code k=~v}: contains {@code v}, case-insensitively. */
    record Fuzzy(String field, String value) implements Term {}

    /** {@code k=[min~max]}: within the inclusive bounds; at least one is present. */
    record Range(String field, Optional<String> min, Optional<String> max) implements Term {
        public Range {
            if (min.isEmpty() && max.isEmpty()) {
                throw new IllegalArgumentException("a range needs a bound");
            }
        }
    }

    /** {@code k={v1 v2}}: equal to any of the values (union). Empty matches everything, as in Harbor. */
    record AnyOf(String field, List<String> values) implements Term {
        public AnyOf {
            values = List.copyOf(values);
        }
    }

    /** {@code k=(v1 v2)}: matches every one of the values (intersection). Empty matches everything. */
    record AllOf(String field, List<String> values) implements Term {
        public AllOf {
            values = List.copyOf(values);
        }
    }
}
