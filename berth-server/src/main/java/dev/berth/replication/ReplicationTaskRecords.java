package dev.berth.replication;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code replication_task} table (V74): what each copy task moves. */
@Repository
class ReplicationTaskRecords {
    /** Harbor's task fields beyond the job service's. */
    record Resource(long taskId, String operation, String resourceType, String srcResource, String dstResource) {}

    private final JdbcClient jdbc;

    ReplicationTaskRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(long taskId, long executionId, String operation, String type, String src, String dst) {
        jdbc.sql("""
                        INSERT INTO replication_task (task_id, execution_id, operation, resource_type, src_resource,
                                                      dst_resource)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (task_id) DO NOTHING""").params(taskId, executionId, operation, type, src, dst).update();
    }

    /** The copy tasks of an execution, by task id. */
    Map<Long, Resource> ofExecution(long executionId) {
        return jdbc
                .sql("SELECT task_id, operation, resource_type, src_resource, dst_resource FROM replication_task"
                        + " WHERE execution_id = ?")
                .param(executionId)
                .query((rs, i) ->
                        new Resource(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list()
                .stream()
                .collect(Collectors.toMap(Resource::taskId, r -> r));
    }

    Optional<Resource> find(long taskId) {
        return jdbc.sql("SELECT task_id, operation, resource_type, src_resource, dst_resource FROM replication_task"
                        + " WHERE task_id = ?")
                .param(taskId)
                .query((rs, i) ->
                        new Resource(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .optional();
    }
}
