package dev.berth.artifact;

import static dev.berth.artifact.ConfigAttributesTest.awaitRow;
import static dev.berth.artifact.ConfigAttributesTest.configOf;
import static dev.berth.artifact.ConfigAttributesTest.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactFixtures.Pushed;
import dev.berth.support.BerthServer;
import dev.berth.support.FreePort;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Manifests without their {@code config_attributes} rows (stored before push-time derivation, or
 * bulk-loaded) get them from the backfill that runs after start-up, on one replica at a time, with
 * the same {@code extra_attrs} the list showed before.
 */
class ConfigAttributesBackfillTest {
    @Test
    void theBackfillDerivesWhatIsMissingAfterARestart() throws Exception {
        Path data = Files.createTempDirectory("berth-backfill-");
        int metricsPort = FreePort.pick();
        Map<String, String> properties = Map.of(
                "berth.data-dir",
                data.toString(),
                "berth.metrics.enabled",
                "true",
                "berth.metrics.port",
                String.valueOf(metricsPort),
                "berth.metrics.refresh-interval",
                "200ms");
        try (TestDatabase db = TestDatabase.create()) {
            List<String> images = new ArrayList<>();
            Map<String, JsonNode> before = new HashMap<>();
            String chartConfig;
            try (BerthServer first = BerthServer.withDatabase(db, properties)) {
                RegistryClient admin = first.adminClient();
                JdbcClient jdbc = first.bean(JdbcClient.class);
                first.ensureProject("old", false);
                for (int i = 0; i < 3; i++) {
                    Pushed image = ArtifactFixtures.image(admin, "old/app", "v" + i, "arm64", 20);
                    images.add(configOf(image));
                    awaitRow(jdbc, configOf(image), "image").orElseThrow();
                    before.put("v" + i, extraAttrs(admin, "app", "v" + i));
                }
                Pushed chart = ArtifactFixtures.chart(admin, "old/chart", "web", "0.1.0");
                chartConfig = configOf(chart);
                awaitRow(jdbc, chartConfig, "chart").orElseThrow();
                before.put("0.1.0", extraAttrs(admin, "chart", "0.1.0"));
            }
            // As a registry from before push-time derivation, or one bulk-loaded, looks.
            execute(db, "DELETE FROM config_attributes");

            try (BerthServer second = BerthServer.withDatabase(db, properties)) {
                JdbcClient jdbc = second.bean(JdbcClient.class);
                for (String config : images) {
                    assertThat(awaitRow(jdbc, config, "image")).isPresent();
                }
                assertThat(awaitRow(jdbc, chartConfig, "chart")).isPresent();
                // The rows came from the backfill, not from a list: nothing was listed yet.
                RegistryClient admin = second.adminClient();
                for (int i = 0; i < 3; i++) {
                    assertThat(extraAttrs(admin, "app", "v" + i)).isEqualTo(before.get("v" + i));
                }
                assertThat(extraAttrs(admin, "chart", "0.1.0")).isEqualTo(before.get("0.1.0"));
                assertThat(awaitGauge(metricsPort, 0)).isZero();
                assertThat(second.bean(ConfigAttributes.class).backfillMark())
                        .isEqualTo(second.bean(ConfigAttributes.class).lastManifestId());
            }
        } finally {
            deleteRecursively(data);
        }
    }

    @Test
    void oneReplicaAtATimeBackfills() throws Exception {
        // Jobs off: the start-up run must not be the one that takes the lock while the test looks.
        try (TestDatabase db = TestDatabase.create();
                BerthServer server = BerthServer.withDatabase(db, Map.of("berth.jobs.enabled", "false"))) {
            RegistryClient admin = server.adminClient();
            JdbcClient jdbc = server.bean(JdbcClient.class);
            ConfigAttributes stored = server.bean(ConfigAttributes.class);
            ConfigAttributesBackfill backfill = server.bean(ConfigAttributesBackfill.class);
            server.ensureProject("bulk", false);
            List<String> configs = new ArrayList<>();
            for (int i = 0; i < 2 * ConfigAttributesBackfill.BATCH + 5; i++) {
                RegistryClient.Image image = admin.pushImage("bulk/app" + (i % 3), "t" + i, new byte[] {(byte) i});
                configs.add(image.config().toString());
            }
            awaitRow(jdbc, configs.getLast(), "image").orElseThrow();
            jdbc.sql("DELETE FROM config_attributes").update();
            assertThat(stored.countMissing()).isEqualTo(configs.size());

            // Another replica holds the lock: this one leaves the work to it.
            try (Connection other = DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
                    Statement s = other.createStatement()) {
                s.execute("SELECT pg_advisory_lock(" + ConfigAttributesBackfill.LOCK_KEY + ")");
                ConfigAttributesBackfill.Outcome skipped = backfill.run();
                assertThat(skipped.ran()).isFalse();
                assertThat(stored.countMissing()).isEqualTo(configs.size());
                // Released here: closing the connection releases it only once its backend has exited,
                // which can be after this replica's next try (a CI run saw the next run skip too).
                s.execute("SELECT pg_advisory_unlock(" + ConfigAttributesBackfill.LOCK_KEY + ")");
            }

            ConfigAttributesBackfill.Outcome done = backfill.run();
            assertThat(done.ran()).isTrue();
            assertThat(done.derived()).isEqualTo(configs.size());
            assertThat(stored.countMissing()).isZero();
            for (String config : configs) {
                assertThat(rows(jdbc, config)).isEqualTo(1);
            }
            // Nothing left: a further run is one look at the manifests created since.
            assertThat(backfill.run().derived()).isZero();
        }
    }

    private static JsonNode extraAttrs(RegistryClient admin, String repository, String reference) {
        RegistryClient.Response r =
                admin.get("/api/v2.0/projects/old/repositories/" + repository + "/artifacts/" + reference);
        RegistryClient.check(r, 200);
        JsonNode attrs = r.json().path("extra_attrs");
        assertThat(attrs.size()).isPositive();
        return attrs;
    }

    /** The gauge once it reads {@code expected}, or its last value after 10 s. */
    private static double awaitGauge(int port, double expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        double value = Double.NaN;
        while (Instant.now().isBefore(deadline)) {
            RegistryClient.Response r = new RegistryClient(URI.create("http://127.0.0.1:" + port)).get("/metrics");
            value = r.text()
                    .lines()
                    .filter(l -> l.startsWith("berth_config_attributes_missing "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                    .findFirst()
                    .orElse(Double.NaN);
            if (value == expected) {
                return value;
            }
            Thread.sleep(100);
        }
        return value;
    }

    private static void execute(TestDatabase db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
