package dev.berth.project;

import dev.berth.iam.UserDeleted;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Removes a deleted user's project memberships, in the deleting transaction (the event is
 * published inside it), so no membership outlives its user or passes to a later user with the
 * same id.
 */
@Component
class MembershipCleanup {
    private final JdbcClient jdbc;

    MembershipCleanup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    void on(UserDeleted event) {
        jdbc.sql("DELETE FROM project_member WHERE entity_type = 'u' AND entity_id = ?")
                .param(event.userId())
                .update();
    }
}
