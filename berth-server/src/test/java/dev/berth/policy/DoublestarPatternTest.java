package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Harbor's doublestar semantics (bmatcuk/doublestar v1, as Harbor's selectors use it). */
class DoublestarPatternTest {
    private static boolean matches(String pattern, String name) {
        return DoublestarPattern.compile(pattern).matches(name);
    }

    @Test
    void aStarStaysInsideOnePathComponent() {
        assertThat(matches("*", "app")).isTrue();
        assertThat(matches("*", "team/app")).isFalse();
        assertThat(matches("team/*", "team/app")).isTrue();
        assertThat(matches("team/*", "team/app/x")).isFalse();
        assertThat(matches("v1.*", "v1.2.3")).isTrue();
        assertThat(matches("v1.*", "v2.0")).isFalse();
        assertThat(matches("*-rc", "1.0-rc")).isTrue();
        assertThat(matches("*", "")).isTrue();
    }

    @Test
    void aDoubleStarComponentSpansComponentsButNeedsOneWhenLast() {
        assertThat(matches("**", "app")).isTrue();
        assertThat(matches("**", "a/b/c")).isTrue();
        assertThat(matches("team/**", "team/app")).isTrue();
        assertThat(matches("team/**", "team/a/b")).isTrue();
        assertThat(matches("team/**", "team")).isFalse();
        assertThat(matches("**/app", "app")).isTrue();
        assertThat(matches("**/app", "x/y/app")).isTrue();
        assertThat(matches("a/**/b", "a/b")).isTrue();
        assertThat(matches("a/**/b", "a/x/y/b")).isTrue();
        assertThat(matches("a/**/b", "a/x/y/c")).isFalse();
        // Inside a component "**" is just "*".
        assertThat(matches("release-**", "release-1.10")).isTrue();
        assertThat(matches("t**", "team/app")).isFalse();
    }

    @Test
    void alternativesNestAndMayHoldSlashesAndWildcards() {
        assertThat(matches("{app,web}", "web")).isTrue();
        assertThat(matches("{app,web}", "api")).isFalse();
        assertThat(matches("cbmp/{first,second}", "cbmp/second")).isTrue();
        assertThat(matches("{a/b,c}", "a/b")).isTrue();
        assertThat(matches("v{1.*,2.{0,1}}", "v2.1")).isTrue();
        assertThat(matches("v{1.*,2.{0,1}}", "v2.2")).isFalse();
        assertThat(matches("v{,-beta}", "v")).isTrue();
        assertThat(matches("{image_priority_a,image_priority_b}", "image_priority_b"))
                .isTrue();
    }

    @Test
    void classesEscapesAndTheEmptyPattern() {
        assertThat(matches("v[0-9]", "v7")).isTrue();
        assertThat(matches("v[0-9]", "vx")).isFalse();
        assertThat(matches("v[^0-9]", "vx")).isTrue();
        assertThat(matches("v[^0-9]", "v1")).isFalse();
        assertThat(matches("a?c", "abc")).isTrue();
        assertThat(matches("a?c", "a/c")).isFalse();
        assertThat(matches("\\*", "*")).isTrue();
        assertThat(matches("\\*", "x")).isFalse();
        assertThat(matches("\\{a,b}", "{a,b}")).isTrue();
        assertThat(matches("", "anything/at/all")).isTrue();
    }

    @Test
    void malformedPatternsAreRefusedWhenCompiled() {
        for (String bad : new String[] {"{a,b", "[a-", "v[]", "[-a]", "abc\\", "[a-]"}) {
            assertThatThrownBy(() -> DoublestarPattern.compile(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> DoublestarPattern.compile("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}"))
                .hasMessageContaining("alternatives");
        assertThatThrownBy(() -> DoublestarPattern.compile("a".repeat(257))).hasMessageContaining("256");
    }

    @Test
    void manyDoubleStarsStayFast() {
        String pattern = "**/".repeat(40) + "x";
        assertThat(matches(pattern, "a/".repeat(60) + "y")).isFalse();
        assertThat(matches("*a*a*a*a*a*a*a*a*b", "a".repeat(200))).isFalse();
    }
}
