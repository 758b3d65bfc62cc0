package dev.berth.project;

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
 * Harbor exporter's project series ({@code harbor_project_*}, {@code harbor_artifact_pulled},
 * {@code harbor_statistics_total_storage_consumption}) and Berth's storage totals, read in two
 * queries per refresh.
 */
@Component
@ConditionalOnProperty(name = "berth.metrics.enabled", havingValue = "true")
class ProjectMetrics implements GaugeSource {
    private final JdbcClient jdbc;
    private SeriesFamily projects;
    private SeriesFamily repos;
    private SeriesFamily members;
    private SeriesFamily usage;
    private SeriesFamily quota;
    private SeriesFamily pulled;
    private SeriesFamily storage;
    private SeriesFamily storageBytes;
    private SeriesFamily storageBlobs;

    ProjectMetrics(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void bind(MeterRegistry registry) {
        projects = new SeriesFamily(registry, "harbor_project_total", "Projects", "public");
        repos = new SeriesFamily(
                registry, "harbor_project_repo_total", "Repositories of a project", "project_name", "public");
        members = new SeriesFamily(registry, "harbor_project_member_total", "Members of a project", "project_name");
        usage = new SeriesFamily(
                registry, "harbor_project_quota_usage_byte", "Bytes a project's blobs take", "project_name");
        quota = new SeriesFamily(
                registry, "harbor_project_quota_byte", "A project's storage limit, -1 for none", "project_name");
        pulled = new SeriesFamily(registry, "harbor_artifact_pulled", "Pulls of a project's artifacts", "project_name");
        storage = new SeriesFamily(
                registry, "harbor_statistics_total_storage_consumption", "Bytes of all stored blobs, each once");
        storageBytes = new SeriesFamily(registry, "berth_storage_bytes", "Bytes of all stored blobs, each once");
        storageBlobs = new SeriesFamily(registry, "berth_storage_blobs", "Stored blobs");
    }

    private record Row(String name, boolean open, long repos, long pulls, long members, long usage, long limit) {}

    @Override
    public void refresh() {
        List<Row> rows = jdbc.sql("""
                        SELECT p.name,
                               EXISTS (SELECT 1 FROM project_metadata pub WHERE pub.project_id = p.id
                                         AND pub.name = 'public' AND pub.value = 'true'),
                               r.repos, r.pulls,
                               (SELECT count(*) FROM project_member pm WHERE pm.project_id = p.id),
                               (SELECT COALESCE(sum(pb.size), 0) FROM project_blob pb WHERE pb.project_id = p.id),
                               p.storage_limit
                        FROM project p
                        LEFT JOIN LATERAL (SELECT count(*) AS repos, COALESCE(sum(pull_count), 0) AS pulls
                                           FROM repository WHERE project_id = p.id) r ON true
                        """)
                .query((rs, i) -> new Row(
                        rs.getString(1),
                        rs.getBoolean(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7)))
                .list();
        Map<List<String>, Long> byVisibility = new HashMap<>(Map.of(List.of("true"), 0L, List.of("false"), 0L));
        Map<List<String>, Long> repoCounts = new HashMap<>();
        Map<List<String>, Long> memberCounts = new HashMap<>();
        Map<List<String>, Long> usages = new HashMap<>();
        Map<List<String>, Long> limits = new HashMap<>();
        Map<List<String>, Long> pulls = new HashMap<>();
        for (Row row : rows) {
            byVisibility.merge(List.of(String.valueOf(row.open())), 1L, Long::sum);
            repoCounts.put(List.of(row.name(), String.valueOf(row.open())), row.repos());
            memberCounts.put(List.of(row.name()), row.members());
            usages.put(List.of(row.name()), row.usage());
            limits.put(List.of(row.name()), row.limit());
            pulls.put(List.of(row.name()), row.pulls());
        }
        projects.set(byVisibility);
        repos.set(repoCounts);
        members.set(memberCounts);
        usage.set(usages);
        quota.set(limits);
        pulled.set(pulls);
        long[] blobs = jdbc.sql("SELECT COALESCE(sum(size), 0), count(*) FROM blob")
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        storage.set(blobs[0]);
        storageBytes.set(blobs[0]);
        storageBlobs.set(blobs[1]);
    }
}
