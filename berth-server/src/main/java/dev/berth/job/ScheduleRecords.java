package dev.berth.job;

import dev.berth.api.SqlFilter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code job_schedule} table. */
@Repository
class ScheduleRecords {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ScheduleRecords(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void upsert(
            String vendorType,
            long vendorId,
            ScheduleSpec spec,
            Map<String, Object> parameters,
            Instant nextFire,
            Instant now) {
        jdbc.sql("""
                        INSERT INTO job_schedule (vendor_type, vendor_id, cron_type, cron, parameters, next_fire,
                                                  creation_time, update_time)
                        VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                        ON CONFLICT (vendor_type, vendor_id) DO UPDATE
                           SET cron_type = EXCLUDED.cron_type, cron = EXCLUDED.cron, parameters = EXCLUDED.parameters,
                               next_fire = EXCLUDED.next_fire, update_time = EXCLUDED.update_time""")
                .params(vendorType, vendorId, spec.type(), spec.cron(), json.writeValueAsString(parameters))
                .params(Timestamps.of(nextFire), Timestamps.of(now), Timestamps.of(now))
                .update();
    }

    boolean delete(String vendorType, long vendorId) {
        return jdbc.sql("DELETE FROM job_schedule WHERE vendor_type = ? AND vendor_id = ?")
                        .params(vendorType, vendorId)
                        .update()
                > 0;
    }

    Optional<Schedule> find(String vendorType, long vendorId) {
        return jdbc.sql("SELECT * FROM job_schedule WHERE vendor_type = ? AND vendor_id = ?")
                .params(vendorType, vendorId)
                .query((rs, i) -> schedule(rs))
                .optional();
    }

    List<Schedule> due(Instant now) {
        return jdbc.sql("SELECT * FROM job_schedule WHERE next_fire <= ? ORDER BY next_fire, id")
                .param(Timestamps.of(now))
                .query((rs, i) -> schedule(rs))
                .list();
    }

    /** Moves {@code next_fire} on if it still is {@code expected}: true for exactly one replica per period. */
    boolean advance(long id, Instant expected, Instant next) {
        return jdbc.sql("UPDATE job_schedule SET next_fire = ? WHERE id = ? AND next_fire = ?")
                        .params(Timestamps.of(next), id, Timestamps.of(expected))
                        .update()
                == 1;
    }

    long count(SqlFilter filter) {
        return jdbc.sql("SELECT count(*) FROM job_schedule s" + filter.where())
                .params(filter.params())
                .query(Long.class)
                .single();
    }

    List<Schedule> list(SqlFilter filter) {
        return jdbc.sql("SELECT * FROM job_schedule s" + filter.where() + filter.orderBy() + filter.limitOffset())
                .params(filter.params())
                .query((rs, i) -> schedule(rs))
                .list();
    }

    private Schedule schedule(ResultSet rs) throws SQLException {
        return new Schedule(
                rs.getLong("id"),
                rs.getString("vendor_type"),
                rs.getLong("vendor_id"),
                new ScheduleSpec(rs.getString("cron_type"), rs.getString("cron")),
                json.readValue(rs.getString("parameters"), MAP),
                Timestamps.get(rs, "next_fire"),
                Timestamps.get(rs, "creation_time"),
                Timestamps.get(rs, "update_time"));
    }
}
