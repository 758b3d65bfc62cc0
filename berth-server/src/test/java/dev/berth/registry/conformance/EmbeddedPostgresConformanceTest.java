package dev.berth.registry.conformance;

import dev.berth.support.BerthServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The OCI conformance suites against Berth with its embedded PostgreSQL, the zero-setup default. */
class EmbeddedPostgresConformanceTest {
    private static BerthServer server;

    @BeforeAll
    static void start() {
        server = BerthServer.withEmbeddedDatabase(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Nested
    class Blobs extends BlobConformance {
        @Override
        protected BerthServer server() {
            return server;
        }
    }

    @Nested
    class Manifests extends ManifestConformance {
        @Override
        protected BerthServer server() {
            return server;
        }
    }

    @Nested
    class Listings extends ListingConformance {
        @Override
        protected BerthServer server() {
            return server;
        }
    }
}
