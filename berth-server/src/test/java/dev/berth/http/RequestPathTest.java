package dev.berth.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The canonical form of request paths, and the spellings that have none. */
class RequestPathTest {
    @Test
    void pathsSpelledOneWayKeepTheirDecodedForm() {
        assertThat(canonical("/")).isEqualTo("/");
        assertThat(canonical("/v2/")).isEqualTo("/v2/");
        assertThat(canonical("/v2/library/app/blobs/sha256%3Aabc")).isEqualTo("/v2/library/app/blobs/sha256:abc");
        assertThat(canonical("/api/v2.0/projects/p/repositories/a%252Fb/artifacts"))
                .isEqualTo("/api/v2.0/projects/p/repositories/a%2Fb/artifacts");
        assertThat(canonical("/api/v2.0/labels/x%20y+z")).isEqualTo("/api/v2.0/labels/x y+z");
        assertThat(canonical("/api/v2.0/users/search%2ex")).isEqualTo("/api/v2.0/users/search.x");
        assertThat(canonical("/projects/7/members")).isEqualTo("/projects/7/members");
        assertThat(canonical("/Projects")).isEqualTo("/Projects");
    }

    @Test
    void ambiguousSpellingsHaveNoCanonicalForm() {
        for (String raw : new String[] {
            "",
            "api/v2.0",
            "/api;x/v2.0/projects",
            "/api/v2.0/projects;jsessionid=1",
            "/%61pi/v2.0/projects",
            "/api%2Fv2.0/projects",
            "/api/v2.0%2fprojects",
            "/api/v2.0%5Cprojects",
            "/api\\v2.0",
            "/api//v2.0/projects",
            "//api/v2.0/projects",
            "/api/./v2.0",
            "/api/%2e/v2.0",
            "/api/v2.0/../v2.0",
            "/api/v2.0/%2E%2e/v2.0",
            "/API/v2.0/projects",
            "/V2/",
            "/Service/token",
            "/C/login",
            "/api/v2.0/x%",
            "/api/v2.0/x%4",
            "/api/v2.0/x%zz",
            "/api/v2.0/%C3%28",
            "/api/v2.0/%00",
            "/api/v2.0/x%0Ay",
            "/api/v2.0/\u00e9",
        }) {
            assertThat(RequestPath.canonicalise(raw)).as(raw).isInstanceOf(RequestPath.Result.Refused.class);
        }
    }

    @Test
    void refusalsAreAnsweredInTheRegistrysFormatForWhatLooksLikeIt() {
        assertThat(RequestPath.looksLikeRegistry("/v2;x/")).isTrue();
        assertThat(RequestPath.looksLikeRegistry("/%762/")).isTrue();
        assertThat(RequestPath.looksLikeRegistry("/V2/")).isTrue();
        assertThat(RequestPath.looksLikeRegistry("/v2%2Flibrary/app")).isTrue();
        assertThat(RequestPath.looksLikeRegistry("//v2/library")).isTrue();
        assertThat(RequestPath.looksLikeRegistry("/api;x/v2.0")).isFalse();
    }

    private static String canonical(String raw) {
        return switch (RequestPath.canonicalise(raw)) {
            case RequestPath.Result.Canonical c -> c.path();
            case RequestPath.Result.Refused r -> throw new AssertionError(raw + ": " + r.reason());
        };
    }
}
