package dev.berth.job;

import dev.berth.api.SqlFilter;
import dev.berth.api.SqlPage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code job_execution} table, and the rule that derives an execution's status from its tasks. */
@Repository
class ExecutionRecords {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    ExecutionRecords(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
    }

    long insert(String vendorType, long vendorId, Trigger trigger, Map<String, Object> extraAttrs, Instant now) {
        return jdbc.sql("""
                        INSERT INTO job_execution (vendor_type, vendor_id, trigger, extra_attrs, start_time, update_time)
                        VALUES (?, ?, ?, ?::jsonb, ?, ?) RETURNING id""")
                .params(vendorType, vendorId, trigger.name(), json.writeValueAsString(extraAttrs))
                .params(Timestamps.of(now), Timestamps.of(now))
                .query(Long.class)
                .single();
    }

    Optional<Execution> find(long id) {
        return jdbc.sql("SELECT * FROM job_execution WHERE id = ?")
                .param(id)
                .query((rs, i) -> execution(rs))
                .optional();
    }

    /** The vendor's newest execution, of one trigger when {@code trigger} is given. */
    Optional<Execution> latest(String vendorType, Optional<Trigger> trigger) {
        return jdbc.sql("SELECT * FROM job_execution WHERE vendor_type = ? AND (? = '' OR trigger = ?)"
                        + " ORDER BY start_time DESC, id DESC LIMIT 1")
                .params(
                        vendorType,
                        trigger.map(Trigger::name).orElse(""),
                        trigger.map(Trigger::name).orElse(""))
                .query((rs, i) -> execution(rs))
                .optional();
    }

    List<Execution> ofVendor(String vendorType, long offset, long limit) {
        return jdbc.sql("SELECT * FROM job_execution WHERE vendor_type = ? ORDER BY id DESC LIMIT ? OFFSET ?")
                .params(vendorType, limit, offset)
                .query((rs, i) -> execution(rs))
                .list();
    }

    /** A page of a vendor's executions; {@code filter} comes from {@link Executions#FIELDS}. */
    List<Execution> ofVendor(String vendorType, SqlFilter filter) {
        return jdbc.sql("SELECT * FROM job_execution e WHERE e.vendor_type = ?" + filter.andWhere() + filter.orderBy()
                        + filter.limitOffset())
                .params(filter.paramsAfter(vendorType))
                .query((rs, i) -> execution(rs))
                .list();
    }

    long countOfVendor(String vendorType, SqlFilter filter) {
        return jdbc.sql("SELECT count(*) FROM job_execution e WHERE e.vendor_type = ?" + filter.andWhere())
                .params(filter.paramsAfter(vendorType))
                .query(Long.class)
                .single();
    }

    long countOfVendor(String vendorType) {
        return jdbc.sql("SELECT count(*) FROM job_execution WHERE vendor_type = ?")
                .param(vendorType)
                .query(Long.class)
                .single();
    }

    /** A page of the executions of one vendor id under any of the vendor types. */
    SqlPage<Execution> page(Collection<String> vendorTypes, long vendorId, SqlFilter filter) {
        List<Object> params = new ArrayList<>(List.of(vendorTypes.toArray(String[]::new), vendorId));
        params.addAll(filter.params());
        return SqlPage.read(
                jdbc,
                "e.*",
                " FROM job_execution e WHERE e.vendor_type = ANY (?) AND e.vendor_id = ?" + filter.andWhere(),
                params,
                filter,
                (rs, i) -> execution(rs));
    }

    /** When the latest execution of the vendor id whose extra attribute {@code attr} is {@code value} started. */
    Optional<Instant> latestStart(Collection<String> vendorTypes, long vendorId, String attr, String value) {
        return jdbc.sql("""
                        SELECT max(start_time) FROM job_execution
                         WHERE vendor_type = ANY (?) AND vendor_id = ? AND extra_attrs->>? = ?""")
                .params(vendorTypes.toArray(String[]::new), vendorId, attr, value)
                .query((rs, i) -> Timestamps.optional(rs, "max"))
                .single();
    }

    /** Deletes one finished execution (its tasks and logs go with it); false when there is none such. */
    boolean deleteFinished(long id) {
        return jdbc.sql("DELETE FROM job_execution WHERE id = ? AND status IN ('Success', 'Error', 'Stopped')")
                        .param(id)
                        .update()
                > 0;
    }

    /**
     * Deletes finished executions of the vendor type beyond the newest {@code retain} of each vendor
     * id (their tasks and logs go with them), at most {@code limit}; returns how many.
     */
    int sweep(String vendorType, int retain, int limit) {
        return jdbc.sql("""
                        DELETE FROM job_execution WHERE id IN (
                               SELECT id FROM (
                                      SELECT id, status,
                                             row_number() OVER (PARTITION BY vendor_id ORDER BY id DESC) AS newer
                                        FROM job_execution WHERE vendor_type = ?) ranked
                                WHERE newer > ? AND status IN ('Success', 'Error', 'Stopped')
                                LIMIT ?)""").params(vendorType, retain, limit).update();
    }

    void mergeExtraAttrs(long id, Map<String, Object> attrs, Instant now) {
        jdbc.sql("UPDATE job_execution SET extra_attrs = extra_attrs || ?::jsonb, update_time = ? WHERE id = ?")
                .params(json.writeValueAsString(attrs), Timestamps.of(now), id)
                .update();
    }

    /**
     * Recomputes the execution's status from its tasks. The execution row is locked before the
     * tasks are read, so two workers finishing sibling tasks at once cannot leave a stale status.
     */
    /** Ends an execution that got no tasks (nothing to do): Success with {@code message}. */
    void markDone(long id, String message, Instant now) {
        jdbc.sql("""
                        UPDATE job_execution SET status = 'Success', status_message = ?, end_time = ?, update_time = ?
                         WHERE id = ? AND NOT EXISTS (SELECT 1 FROM job_task WHERE execution_id = ?)""")
                .params(message, Timestamps.of(now), Timestamps.of(now), id, id)
                .update();
    }

    void refresh(long id, Instant now) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("SELECT id FROM job_execution WHERE id = ? FOR UPDATE")
                    .param(id)
                    .query(Long.class)
                    .optional();
            Map<TaskStatus, Integer> counts = new EnumMap<>(TaskStatus.class);
            Instant[] lastEnd = {null};
            String[] message = {""};
            long[] messageTask = {Long.MAX_VALUE};
            boolean[] started = {false};
            // One row per status, not per task: an execution of a thousand tasks (a retention run)
            // is refreshed when each starts and ends.
            jdbc.sql("""
                            SELECT status, count(*), max(end_time) AS end_time, bool_or(run_count > 0),
                                   min(id) FILTER (WHERE status_message <> ''),
                                   (array_agg(status_message ORDER BY id) FILTER (WHERE status_message <> ''))[1]
                            FROM job_task WHERE execution_id = ? GROUP BY status""").param(id).query(rs -> {
                TaskStatus s = TaskStatus.of(rs.getString(1));
                counts.put(s, rs.getInt(2));
                Optional<Instant> end = Timestamps.optional(rs, "end_time");
                if (end.isPresent() && (lastEnd[0] == null || end.get().isAfter(lastEnd[0]))) {
                    lastEnd[0] = end.get();
                }
                long firstWithMessage = rs.getLong(5);
                if ((s == TaskStatus.ERROR || s == TaskStatus.STOPPED)
                        && !rs.wasNull()
                        && firstWithMessage < messageTask[0]) {
                    messageTask[0] = firstWithMessage;
                    message[0] = rs.getString(6);
                }
                started[0] |= rs.getBoolean(4) || s.isFinal();
            });
            if (counts.isEmpty()) {
                return;
            }
            TaskStatus derived = derive(counts, started[0]);
            jdbc.sql("""
                            UPDATE job_execution SET status = ?, status_message = ?, end_time = ?, update_time = ?
                             WHERE id = ?""")
                    .params(derived.wire(), derived.isFinal() ? message[0] : "")
                    .params(derived.isFinal() && lastEnd[0] != null ? Timestamps.of(lastEnd[0]) : null)
                    .params(Timestamps.of(now), id)
                    .update();
        });
    }

    /**
     * {@link #refresh} when a task of the execution has started, unless the execution is running
     * already: then the refresh could change nothing but its update time, and an execution of a
     * thousand tasks (a retention run) would take its row lock and count its tasks a thousand times.
     */
    void refreshStarted(long id, Instant now) {
        boolean running = jdbc.sql("SELECT status = ? FROM job_execution WHERE id = ?")
                .params(TaskStatus.RUNNING.wire(), id)
                .query(Boolean.class)
                .optional()
                .orElse(false);
        if (!running) {
            refresh(id, now);
        }
    }

    /**
     * {@link #refresh} when a task of the execution has ended (its final status committed), unless
     * another task of it is still pending or running: that one's end refreshes it. Whichever task's
     * end commits last sees every other end, so the last one always refreshes.
     */
    void refreshEnded(long id, Instant now) {
        boolean unfinished = jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM job_task WHERE execution_id = ? AND status IN (?, ?))""")
                .params(id, TaskStatus.PENDING.wire(), TaskStatus.RUNNING.wire())
                .query(Boolean.class)
                .single();
        if (!unfinished) {
            refresh(id, now);
        }
    }

    /** Harbor's rule: running while any task is unfinished; then Error over Stopped over Success. */
    static TaskStatus derive(Map<TaskStatus, Integer> counts, boolean anyStarted) {
        if (counts.getOrDefault(TaskStatus.RUNNING, 0) > 0) {
            return TaskStatus.RUNNING;
        }
        if (counts.getOrDefault(TaskStatus.PENDING, 0) > 0) {
            return anyStarted ? TaskStatus.RUNNING : TaskStatus.PENDING;
        }
        if (counts.getOrDefault(TaskStatus.ERROR, 0) > 0) {
            return TaskStatus.ERROR;
        }
        if (counts.getOrDefault(TaskStatus.STOPPED, 0) > 0) {
            return TaskStatus.STOPPED;
        }
        return TaskStatus.SUCCESS;
    }

    private Execution execution(ResultSet rs) throws SQLException {
        return new Execution(
                rs.getLong("id"),
                rs.getString("vendor_type"),
                rs.getLong("vendor_id"),
                TaskStatus.of(rs.getString("status")),
                rs.getString("status_message"),
                Trigger.valueOf(rs.getString("trigger")),
                json.readValue(rs.getString("extra_attrs"), MAP),
                Timestamps.get(rs, "start_time"),
                Timestamps.optional(rs, "end_time"),
                Timestamps.get(rs, "update_time"));
    }
}
