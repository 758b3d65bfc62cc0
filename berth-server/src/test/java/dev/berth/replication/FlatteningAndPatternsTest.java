package dev.berth.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Harbor's destination naming (flattening) and its doublestar filter patterns. */
class FlatteningAndPatternsTest {
    @Test
    void theDestinationNamespaceReplacesAsManyComponentsAsTheCountSays() {
        assertThat(DestinationName.of("a/b/c", "", 1)).isEqualTo("a/b/c");
        assertThat(DestinationName.of("a/b/c", "ns", -1)).isEqualTo("ns/c");
        assertThat(DestinationName.of("a/b/c", "ns", 0)).isEqualTo("ns/a/b/c");
        assertThat(DestinationName.of("a/b/c", "ns", 1)).isEqualTo("ns/b/c");
        assertThat(DestinationName.of("a/b/c", "ns", 2)).isEqualTo("ns/c");
        assertThat(DestinationName.of("c", "ns/x", -1)).isEqualTo("ns/x/c");
        assertThatThrownBy(() -> DestinationName.of("a/b/c", "ns", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flattening level is 3");
    }

    @Test
    void doublestarPatternsMatchAsHarborsFiltersDo() {
        assertThat(Doublestar.matches("library/**", "library/a/b")).isTrue();
        assertThat(Doublestar.matches("library/*", "library/a/b")).isFalse();
        assertThat(Doublestar.matches("library/*", "library/a")).isTrue();
        assertThat(Doublestar.matches("**", "x/y")).isTrue();
        assertThat(Doublestar.matches("v?.*", "v1.2")).isTrue();
        assertThat(Doublestar.matches("{dev,prod}-*", "prod-7")).isTrue();
        assertThat(Doublestar.matches("{dev,prod}-*", "test-7")).isFalse();
        assertThat(Doublestar.matches("1.[0-2]", "1.1")).isTrue();
        assertThat(Doublestar.matches("1.[!0-2]", "1.1")).isFalse();
        assertThat(Doublestar.matches("a.b", "axb")).as("a dot is literal").isFalse();
        assertThat(Doublestar.matches("(x)", "(x)"))
                .as("regex characters are literal")
                .isTrue();
    }
}
