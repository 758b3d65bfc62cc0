package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryRouteTest {
    private static final String DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    private static final String UUID = "3f2c7a1e-9d4b-4c55-8a6e-0b1d2e3f4a5b";

    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("", new RegistryRoute.Base()),
                Arguments.of("_catalog", new RegistryRoute.Catalog()),
                // plain names
                Arguments.of("app/tags/list", new RegistryRoute.Tags("app")),
                Arguments.of("app/manifests/latest", new RegistryRoute.Manifest("app", "latest")),
                Arguments.of("app/manifests/" + DIGEST, new RegistryRoute.Manifest("app", DIGEST)),
                Arguments.of("app/blobs/" + DIGEST, new RegistryRoute.Blob("app", DIGEST)),
                Arguments.of("app/blobs/uploads/", new RegistryRoute.Uploads("app")),
                Arguments.of("app/blobs/uploads", new RegistryRoute.Uploads("app")),
                Arguments.of("app/blobs/uploads/" + UUID, new RegistryRoute.Upload("app", UUID)),
                Arguments.of("app/referrers/" + DIGEST, new RegistryRoute.Referrers("app", DIGEST)),
                // names with slashes
                Arguments.of("library/ubuntu/manifests/22.04", new RegistryRoute.Manifest("library/ubuntu", "22.04")),
                Arguments.of("a/b/c/d/tags/list", new RegistryRoute.Tags("a/b/c/d")),
                Arguments.of("a/b/c/blobs/uploads/", new RegistryRoute.Uploads("a/b/c")),
                Arguments.of("a/b/c/blobs/uploads/" + UUID, new RegistryRoute.Upload("a/b/c", UUID)),
                // names whose components look like endpoints: the last segment decides
                Arguments.of("x/blobs/uploads/blobs/uploads/", new RegistryRoute.Uploads("x/blobs/uploads")),
                Arguments.of(
                        "x/blobs/uploads/blobs/uploads/" + UUID, new RegistryRoute.Upload("x/blobs/uploads", UUID)),
                Arguments.of("x/blobs/uploads/blobs/" + DIGEST, new RegistryRoute.Blob("x/blobs/uploads", DIGEST)),
                Arguments.of("x/blobs/uploads/manifests/v1", new RegistryRoute.Manifest("x/blobs/uploads", "v1")),
                Arguments.of("x/blobs/uploads/tags/list", new RegistryRoute.Tags("x/blobs/uploads")),
                Arguments.of(
                        "foo/manifests/bar/manifests/latest",
                        new RegistryRoute.Manifest("foo/manifests/bar", "latest")),
                Arguments.of("foo/manifests/bar/tags/list", new RegistryRoute.Tags("foo/manifests/bar")),
                Arguments.of("foo/manifests/bar/blobs/" + DIGEST, new RegistryRoute.Blob("foo/manifests/bar", DIGEST)),
                Arguments.of("foo/manifests/bar/blobs/uploads/", new RegistryRoute.Uploads("foo/manifests/bar")),
                Arguments.of(
                        "foo/manifests/bar/referrers/" + DIGEST,
                        new RegistryRoute.Referrers("foo/manifests/bar", DIGEST)),
                Arguments.of("a/tags/list/manifests/v1", new RegistryRoute.Manifest("a/tags/list", "v1")),
                Arguments.of("a/tags/list/tags/list", new RegistryRoute.Tags("a/tags/list")),
                Arguments.of("r/referrers/x/blobs/" + DIGEST, new RegistryRoute.Blob("r/referrers/x", DIGEST)),
                Arguments.of("m/blobs/manifests/tags/list", new RegistryRoute.Tags("m/blobs/manifests")),
                // a repository named "blobs" or "manifests"
                Arguments.of("blobs/blobs/uploads/", new RegistryRoute.Uploads("blobs")),
                Arguments.of("manifests/manifests/latest", new RegistryRoute.Manifest("manifests", "latest")),
                Arguments.of("tags/tags/list", new RegistryRoute.Tags("tags")),
                // what is after the endpoint segment never holds a slash, so it stays in the name
                Arguments.of("app/manifests/v1/tags/list", new RegistryRoute.Tags("app/manifests/v1")),
                Arguments.of(
                        "app/blobs/uploads/" + UUID + "/blobs/uploads/",
                        new RegistryRoute.Uploads("app/blobs/uploads/" + UUID)));
    }

    @ParameterizedTest
    @MethodSource("routes")
    void routesByTheLastEndpointSegment(String path, RegistryRoute expected) {
        assertThat(RegistryRoute.of(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "app",
                "app/",
                "app/tags",
                "app/tags/list/",
                "app/manifests/",
                "app/manifests",
                "manifests/latest", // no name before the endpoint
                "blobs/uploads/",
                "tags/list",
                "/tags/list",
                "app/blobs/",
                "app/referrers/",
                "app/unknown/thing",
                "_catalog/extra",
            })
    void unknownPathsAreUnknown(String path) {
        assertThat(RegistryRoute.of(path)).isEqualTo(new RegistryRoute.Unknown());
    }
}
