package dev.berth.job;

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
 * The queue as Harbor's exporter reports it: waiting tasks and the age of the oldest one per job
 * type, running tasks per type and worker pool, schedules, and finished tasks by outcome. The queue
 * is shared by all replicas, so every replica reports the same cluster-wide numbers.
 */
@Component
@ConditionalOnProperty(name = "berth.metrics.enabled", havingValue = "true")
class JobMetrics implements GaugeSource {
    private final JdbcClient jdbc;
    private SeriesFamily queueSize;
    private SeriesFamily queueLatency;
    private SeriesFamily concurrency;
    private SeriesFamily scheduled;
    private SeriesFamily finished;

    JobMetrics(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void bind(MeterRegistry registry) {
        queueSize = new SeriesFamily(registry, "harbor_task_queue_size", "Tasks waiting to run", "type");
        queueLatency = new SeriesFamily(
                registry, "harbor_task_queue_latency", "Seconds the oldest runnable task has waited", "type");
        concurrency = new SeriesFamily(registry, "harbor_task_concurrency", "Tasks running", "type", "pool");
        scheduled = new SeriesFamily(registry, "harbor_task_scheduled_total", "Schedules");
        finished = new SeriesFamily(
                registry, "harbor_jobservice_task_total", "Finished tasks still in history", "type", "status");
    }

    @Override
    public void refresh() {
        Map<List<String>, Long> size = new HashMap<>();
        Map<List<String>, Double> latency = new HashMap<>();
        jdbc.sql("""
                        SELECT job_type, count(*),
                               COALESCE(EXTRACT(EPOCH FROM now() - min(enqueued_at) FILTER (WHERE run_after <= now())), 0)
                        FROM job_task WHERE status = 'Pending' GROUP BY job_type
                        """).query(rs -> {
            size.put(List.of(rs.getString(1)), rs.getLong(2));
            latency.put(List.of(rs.getString(1)), Math.max(0, rs.getDouble(3)));
        });
        queueSize.set(size);
        queueLatency.set(latency);
        Map<List<String>, Long> running = new HashMap<>();
        jdbc.sql("""
                        SELECT job_type, split_part(locked_by, '#', 1), count(*)
                        FROM job_task WHERE status = 'Running' GROUP BY 1, 2
                        """).query(rs -> {
            running.put(List.of(rs.getString(1), rs.getString(2)), rs.getLong(3));
        });
        concurrency.set(running);
        scheduled.set(
                jdbc.sql("SELECT count(*) FROM job_schedule").query(Long.class).single());
        Map<List<String>, Long> done = new HashMap<>();
        jdbc.sql("""
                        SELECT job_type, status, count(*) FROM job_task
                        WHERE status IN ('Success', 'Error', 'Stopped') GROUP BY 1, 2
                        """).query(rs -> {
            done.put(List.of(rs.getString(1), rs.getString(2)), rs.getLong(3));
        });
        finished.set(done);
    }
}
