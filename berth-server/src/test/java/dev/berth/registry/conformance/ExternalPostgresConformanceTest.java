package dev.berth.registry.conformance;

import dev.berth.support.BerthServer;
import org.junit.jupiter.api.Nested;

/** The OCI conformance suites against Berth on an external PostgreSQL (the machine's). */
class ExternalPostgresConformanceTest {
    @Nested
    class Blobs extends BlobConformance {
        @Override
        protected BerthServer server() {
            return BerthServer.shared();
        }
    }

    @Nested
    class Manifests extends ManifestConformance {
        @Override
        protected BerthServer server() {
            return BerthServer.shared();
        }
    }

    @Nested
    class Listings extends ListingConformance {
        @Override
        protected BerthServer server() {
            return BerthServer.shared();
        }
    }
}
