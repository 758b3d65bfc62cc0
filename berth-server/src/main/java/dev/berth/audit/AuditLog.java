package dev.berth.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The audit trail: who did what to which resource, and when. Every write through the API and every
 * push, pull and delete through {@code /v2/} is recorded here. Never pass secrets or passwords.
 */
@Service
public class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    /** Harbor's operation names. */
    public enum Operation {
        CREATE("create"),
        DELETE("delete"),
        UPDATE("update"),
        PULL("pull"),
        LOGIN("login"),
        LOGOUT("logout");

        private final String wire;

        Operation(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private final JdbcClient jdbc;

    AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param username who acted ("anonymous" for anonymous pulls)
     * @param projectId the project concerned, 0 for none
     * @param resourceType Harbor's resource type: "artifact", "project", "repository", "user", "robot", "member", "tag", ...
     * @param resource the resource's name, e.g. {@code library/nginx:1.27} or {@code library/nginx@sha256:...}
     */
    public void record(String username, long projectId, Operation operation, String resourceType, String resource) {
        jdbc.sql("""
                        INSERT INTO audit_log (project_id, operation, resource_type, resource, username)
                        VALUES (?, ?, ?, ?, ?)
                        """)
                .param(projectId > 0 ? projectId : null)
                .param(operation.wire())
                .param(resourceType)
                .param(resource)
                .param(username)
                .update();
        log.info(
                "event=audit operation={} resource_type={} resource={} operator={}",
                operation.wire(),
                resourceType,
                resource,
                username);
    }
}
