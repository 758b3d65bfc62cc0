package dev.berth.artifact;

import dev.berth.metrics.GaugeSource;
import dev.berth.metrics.SeriesFamily;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code harbor_project_artifact_total}: the artifacts the API lists at top level, per project and
 * Harbor artifact type, counted with the same SQL definitions as the artifact API; and {@code
 * berth_config_attributes_missing}: image and chart manifests the background backfill has yet to
 * derive {@code extra_attrs} for ({@link ConfigAttributesBackfill}), 0 once it has caught up.
 */
@Component
@ConditionalOnProperty(name = "berth.metrics.enabled", havingValue = "true")
class ArtifactMetrics implements GaugeSource {
    private final JdbcClient jdbc;
    private final ConfigAttributes configAttributes;
    private SeriesFamily artifacts;
    private SeriesFamily configAttributesMissing;

    ArtifactMetrics(JdbcClient jdbc, ConfigAttributes configAttributes) {
        this.jdbc = jdbc;
        this.configAttributes = configAttributes;
    }

    @Override
    public void bind(MeterRegistry registry) {
        artifacts = new SeriesFamily(
                registry,
                "harbor_project_artifact_total",
                "Artifacts of a project by type",
                "project_name",
                "public",
                "artifact_type");
        configAttributesMissing = new SeriesFamily(
                registry,
                "berth_config_attributes_missing",
                "Image and chart manifests whose extra_attrs the background backfill has not derived yet");
    }

    @Override
    public void refresh() {
        Map<List<String>, Long> counts = new HashMap<>();
        jdbc.sql("""
                        SELECT p.name,
                               EXISTS (SELECT 1 FROM project_metadata pub WHERE pub.project_id = p.id
                                         AND pub.name = 'public' AND pub.value = 'true'),
                               %s, count(*)
                        FROM manifest m
                        JOIN repository r ON r.id = m.repository_id
                        JOIN project p ON p.id = r.project_id
                        WHERE %s
                        GROUP BY 1, 2, 3
                        """.formatted(ArtifactSql.TYPE, ArtifactSql.TOP_LEVEL)).query(rs -> {
            counts.put(List.of(rs.getString(1), String.valueOf(rs.getBoolean(2)), rs.getString(3)), rs.getLong(4));
        });
        artifacts.set(counts);
        configAttributesMissing.set(configAttributes.countMissing());
    }
}
