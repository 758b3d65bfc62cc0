package dev.berth.job;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code job_queue_state} table: which job types are paused, cluster-wide. */
@Repository
class QueueStates {
    /** Harbor's job type that stands for the scheduler: pausing it pauses every schedule. */
    static final String SCHEDULER = "SCHEDULER";

    private final JdbcClient jdbc;
    private final Clock clock;

    QueueStates(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void setPaused(String jobType, boolean paused) {
        jdbc.sql("""
                        INSERT INTO job_queue_state (job_type, paused, update_time) VALUES (?, ?, ?)
                        ON CONFLICT (job_type) DO UPDATE SET paused = EXCLUDED.paused, update_time = EXCLUDED.update_time""").params(jobType, paused, Timestamps.of(clock.instant())).update();
    }

    boolean paused(String jobType) {
        return jdbc.sql("SELECT paused FROM job_queue_state WHERE job_type = ?")
                .param(jobType)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    Map<String, Boolean> all() {
        Map<String, Boolean> states = new HashMap<>();
        jdbc.sql("SELECT job_type, paused FROM job_queue_state").query(rs -> {
            states.put(rs.getString(1), rs.getBoolean(2));
        });
        return states;
    }
}
