package dev.berth.registry.conformance;

import dev.berth.support.BerthServer;
import dev.berth.support.S3Replicas;
import org.junit.jupiter.api.Nested;

/**
 * The OCI conformance suites against Berth on S3 (s3proxy on 127.0.0.1) with an external
 * PostgreSQL, blob pulls answered with redirects to presigned URLs: the scaled-out profile.
 */
class S3ConformanceTest {
    private static BerthServer server() {
        return S3Replicas.shared().redirecting();
    }

    @Nested
    class Blobs extends BlobConformance {
        @Override
        protected BerthServer server() {
            return S3ConformanceTest.server();
        }
    }

    @Nested
    class Manifests extends ManifestConformance {
        @Override
        protected BerthServer server() {
            return S3ConformanceTest.server();
        }
    }

    @Nested
    class Listings extends ListingConformance {
        @Override
        protected BerthServer server() {
            return S3ConformanceTest.server();
        }
    }
}
