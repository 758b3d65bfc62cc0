package dev.berth.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pulls are audited in batches; none is lost when the server stops right after them. */
class PullAuditBatchTest {
    @Test
    void everyPullIsRecordedEvenWhenTheServerStopsAtOnce() throws Exception {
        try (TestDatabase db = TestDatabase.migrated()) {
            BerthServer server = BerthServer.withDatabase(db, Map.of());
            try {
                server.ensureProject("batch", false);
                RegistryClient admin = server.adminClient();
                admin.pushImage("batch/app", "v1", new byte[] {1, 2, 3});
                for (int i = 0; i < 60; i++) {
                    assertThat(admin.get("/v2/batch/app/manifests/v1").status()).isEqualTo(200);
                }
            } finally {
                server.close();
            }
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
                    ResultSet rs = c.createStatement()
                            .executeQuery(
                                    "SELECT count(*), count(DISTINCT op_time) FROM audit_log"
                                            + " WHERE operation = 'pull' AND resource = 'batch/app:v1' AND username = 'admin'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(60);
                // Each keeps the time it happened, not the time of its batch.
                assertThat(rs.getLong(2)).isGreaterThan(1);
            }
        }
    }
}
