package dev.berth.event;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.job.Execution;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The event stream over real HTTP: each committed change writes exactly one event with Harbor's
 * topic, caller and request id; refused changes write none; consumers get events in order, once
 * into the database even when a batch fails, and pass a poisoned event by; old events go.
 */
class EventStreamTest {
    private static TestDatabase db;
    private static BerthServer server;
    private static RegistryClient admin;
    private static TestAccounts accounts;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.events.retry-backoff",
                        "20ms",
                        "berth.events.max-attempts",
                        "5",
                        "berth.events.retention",
                        "1h",
                        "berth.events.retention-schedule",
                        ""),
                TestConsumers.class);
        admin = server.adminClient();
        accounts = new TestAccounts(server);
        jdbc = accounts.jdbc();
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    /** An event as a test reads it back from the stream. */
    record Row(long id, String type, long projectId, String operator, String requestId, String data) {}

    static List<Row> rows(String repository) {
        return jdbc.sql("""
                        SELECT id, type, project_id, operator, request_id, data::text FROM event
                         WHERE data->>'repository' = ? OR data->>'name' = ? ORDER BY txid, id""")
                .params(repository, repository)
                .query((rs, i) -> new Row(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
                .list();
    }

    static List<String> types(String repository) {
        return rows(repository).stream().map(Row::type).toList();
    }

    static List<StoredEvent> recorded(String repository) {
        return TestConsumers.RECORDED.stream()
                .filter(e -> repository.equals(e.data().path("repository").asString(""))
                        || repository.equals(e.data().path("name").asString("")))
                .toList();
    }

    static byte[] random(int size) {
        byte[] b = new byte[size];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    @Test
    void eachChangeWritesOneEventWithItsCallerAndRequestId() {
        String project = accounts.project("ev", false);
        String repo = project + "/app";
        RegistryClient.Image image =
                admin.withHeader("X-Request-Id", "push-req-1").pushImage(repo, "1.0", random(100));
        assertThat(admin.get("/v2/" + repo + "/manifests/1.0", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);
        assertThat(admin.get("/v2/" + repo + "/manifests/" + image.manifest(), "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);
        String artifact = "/api/v2.0/projects/" + project + "/repositories/app/artifacts/" + image.manifest();
        RegistryClient.check(postJson(admin, artifact + "/tags", Map.of("name", "stable")), 201);
        RegistryClient.check(admin.delete(artifact + "/tags/stable"), 200);
        RegistryClient.check(admin.delete(artifact), 200);

        List<Row> rows = Eventually.await(() -> rows(repo), r -> r.size() >= 6);
        // Pulls enter the stream with the pull counts, once a second: in between, anywhere.
        List<Row> changes =
                rows.stream().filter(r -> !r.type().equals("PULL_ARTIFACT")).toList();
        List<Row> pulls =
                rows.stream().filter(r -> r.type().equals("PULL_ARTIFACT")).toList();
        assertThat(changes)
                .extracting(Row::type)
                .containsExactly("PUSH_ARTIFACT", "CREATE_TAG", "DELETE_TAG", "DELETE_ARTIFACT");
        assertThat(pulls).hasSize(2);
        long projectId = accounts.projectId(project);
        assertThat(rows).hasSize(6).allSatisfy(r -> {
            assertThat(r.projectId()).isEqualTo(projectId);
            assertThat(r.operator()).isEqualTo("admin");
            assertThat(r.requestId()).isNotEmpty();
        });
        Row push = changes.get(0);
        assertThat(push.data())
                .contains("\"digest\": \"" + image.manifest() + "\"")
                .contains("\"tags\": [\"1.0\"]")
                .contains("\"media_type\": \"" + RegistryClient.OCI_MANIFEST + "\"");
        // The manifest PUT was the last request of the push, and it carried the request id.
        assertThat(push.requestId()).isEqualTo("push-req-1");
        assertThat(pulls).extracting(Row::data).anyMatch(d -> d.contains("\"tags\": [\"1.0\"]"));
        assertThat(pulls).extracting(Row::data).anyMatch(d -> d.contains("\"tags\": []"));
        assertThat(changes.get(1).data()).contains("\"tag\": \"stable\"");
        assertThat(changes.get(3).data()).contains("\"digest\": \"" + image.manifest() + "\"");

        // A consumer gets the same events, in the same order, each once.
        List<StoredEvent> seen = Eventually.await(() -> recorded(repo), r -> r.size() >= 6);
        assertThat(seen)
                .extracting(StoredEvent::id)
                .containsExactlyElementsOf(rows.stream().map(Row::id).toList());
        ArtifactEvent pushed = seen.get(0).data(ArtifactEvent.class);
        assertThat(pushed.repository()).isEqualTo(repo);
        assertThat(pushed.digest()).isEqualTo(image.manifest().toString());
        assertThat(pushed.tags()).containsExactly("1.0");
    }

    @Test
    void anonymousPullsHaveAnEmptyOperatorAsInHarbor() {
        String project = accounts.project("evpub", true);
        String repo = project + "/pub";
        admin.pushImage(repo, "latest", random(50));
        assertThat(server.anonymousClient()
                        .get("/v2/" + repo + "/manifests/latest", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);
        Row pull = Eventually.await(() -> rows(repo), r -> r.size() == 2).get(1);
        assertThat(pull.type()).isEqualTo("PULL_ARTIFACT");
        assertThat(pull.operator()).isEmpty();
    }

    @Test
    void aRefusedPushWritesNoPushEvent() {
        String project = accounts.project("evimm", false);
        String repo = project + "/locked";
        RegistryClient.check(
                postJson(
                        admin,
                        "/api/v2.0/projects/" + project + "/immutabletagrules",
                        TestAccounts.immutableRule("v1")),
                201);
        admin.pushImage(repo, "v1", random(60));
        Eventually.await(() -> types(repo), t -> t.equals(List.of("PUSH_ARTIFACT")));
        // Pushing another image onto the immutable tag is refused: nothing of it is in the stream.
        Digest refused = assertRefused(repo);
        assertThat(rows(repo)).hasSize(1).noneMatch(r -> r.data().contains(refused.toString()));
    }

    private record Digest(String value) {
        @Override
        public String toString() {
            return value;
        }
    }

    private static Digest assertRefused(String repo) {
        byte[] layer = random(70);
        dev.berth.storage.Digest layerDigest = admin.pushBlob(repo, layer);
        byte[] config =
                ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"x\":\"" + System.nanoTime() + "\"}").getBytes();
        dev.berth.storage.Digest configDigest = admin.pushBlob(repo, config);
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(RegistryClient.OCI_CONFIG, configDigest, config.length),
                List.of(RegistryClient.descriptor(RegistryClient.OCI_LAYER, layerDigest, layer.length)),
                null,
                null);
        RegistryClient.Response r = admin.send(
                "PUT", "/v2/" + repo + "/manifests/v1", manifest, "Content-Type", RegistryClient.OCI_MANIFEST);
        assertThat(r.status()).as(r.text()).isEqualTo(412);
        return new Digest(dev.berth.storage.Digest.sha256(manifest).toString());
    }

    @Test
    void quotaWarningWhenUsagePassesTheLineAndExceededWhenAPushIsRefused() {
        String project = accounts.project("evquota", false);
        String repo = project + "/big";
        RegistryClient.check(
                putJson(
                        admin,
                        "/api/v2.0/quotas/" + accounts.projectId(project),
                        Map.of("hard", Map.of("storage", 10_000))),
                200);
        admin.pushBlob(repo, random(5_000)); // 50 %: nothing
        dev.berth.storage.Digest passing = admin.pushBlob(repo, random(4_000)); // 90 %: passes 85 %
        admin.pushBlob(repo, random(500)); // 95 %: already past the line
        RegistryClient.Response refused = admin.send(
                "POST",
                "/v2/" + repo + "/blobs/uploads/?digest=" + dev.berth.storage.Digest.sha256(new byte[2_000]),
                new byte[2_000],
                "Content-Type",
                "application/octet-stream");
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);

        List<Row> rows = Eventually.await(() -> rows(repo), r -> r.size() >= 2);
        assertThat(rows).extracting(Row::type).containsExactly("QUOTA_WARNING", "QUOTA_EXCEED");
        assertThat(rows.get(0).data())
                .contains("\"digest\": \"" + passing + "\"")
                .contains("quota usage reach 85%")
                .contains("\"used\": 9000")
                .contains("\"limit\": 10000");
        assertThat(rows.get(1).data()).contains("exceeds the limit of 10000 bytes");
        assertThat(rows).allSatisfy(r -> assertThat(r.operator()).isEqualTo("admin"));
    }

    @Test
    void projectsAndRepositoriesDeletedWithTheirArtifacts() {
        String project = accounts.project("evproj", false);
        String repo = project + "/gone";
        RegistryClient.Image a = admin.pushImage(repo, "a", random(30));
        RegistryClient.Image b = admin.pushImage(repo, "b", random(31));
        RegistryClient.check(admin.delete("/api/v2.0/projects/" + project + "/repositories/gone"), 200);
        RegistryClient.check(admin.delete("/api/v2.0/projects/" + project), 200);

        List<Row> repoRows = Eventually.await(() -> rows(repo), r -> r.size() >= 5);
        assertThat(repoRows)
                .extracting(Row::type)
                .containsExactly(
                        "PUSH_ARTIFACT", "PUSH_ARTIFACT", "DELETE_ARTIFACT", "DELETE_ARTIFACT", "DELETE_REPOSITORY");
        assertThat(repoRows.get(2).data() + repoRows.get(3).data())
                .contains(a.manifest().toString())
                .contains(b.manifest().toString())
                .contains("\"tags\": [\"a\"]");
        List<Row> projectRows = Eventually.await(() -> rows(project), r -> r.size() >= 2);
        assertThat(projectRows).extracting(Row::type).containsExactly("CREATE_PROJECT", "DELETE_PROJECT");
    }

    @Test
    void aFailedBatchIsHandedOverAgainAndKeptOnce() {
        String project = accounts.project("evflaky", false);
        for (int i = 0; i < 4; i++) {
            admin.pushImage(project + "/flaky" + i, "t", random(20 + i));
        }
        // Every event of these repositories failed its first hand-over; each committed once after.
        List<Long> ledger = Eventually.await(
                () -> jdbc.sql("SELECT event_id FROM test_event_ledger WHERE repository LIKE ? ORDER BY event_id")
                        .param(project + "/flaky%")
                        .query(Long.class)
                        .list(),
                l -> l.size() == 4);
        List<Long> events =
                jdbc.sql("""
                        SELECT id FROM event WHERE type = 'PUSH_ARTIFACT' AND data->>'repository' LIKE ?
                         ORDER BY id""").param(project + "/flaky%").query(Long.class).list();
        assertThat(ledger).containsExactlyElementsOf(events);
        assertThat(TestConsumers.FAILED_ONCE).containsAll(events);
    }

    @Test
    void aPoisonedEventIsSkippedAfterFiveAttemptsAndTheRestFlows() {
        String project = accounts.project("evbad", false);
        long skippedBefore = skipped("test-ledger");
        admin.pushImage(project + "/poison", "t", random(40));
        admin.pushImage(project + "/after", "t", random(41));
        Eventually.await(() -> skipped("test-ledger"), n -> n == skippedBefore + 1);
        Eventually.await(
                () -> jdbc.sql("SELECT count(*) FROM test_event_ledger WHERE repository = ?")
                        .param(project + "/after")
                        .query(Long.class)
                        .single(),
                n -> n == 1);
        assertThat(jdbc.sql("SELECT count(*) FROM test_event_ledger WHERE repository = ?")
                        .param(project + "/poison")
                        .query(Long.class)
                        .single())
                .as("a failing hand-over keeps nothing")
                .isZero();
        // The other consumer never stopped for it.
        Eventually.await(() -> recorded(project + "/after"), r -> r.size() == 1);
    }

    private static long skipped(String consumer) {
        return jdbc.sql("SELECT skipped FROM event_consumer WHERE name = ?")
                .param(consumer)
                .query(Long.class)
                .single();
    }

    @Test
    void retentionRemovesOnlyEventsEveryActiveConsumerHasRead() {
        String project = accounts.project("evret", false);
        admin.pushImage(project + "/first", "t", random(25));
        Row first = awaitReadByTestConsumers(project + "/first");
        // A consumer that stopped reading right after the first event, but is still in use.
        jdbc.sql("""
                        INSERT INTO event_consumer (name, last_txid, last_id, updated_at)
                        SELECT 'test-stalled', txid, id, now() FROM event WHERE id = ?""").param(first.id()).update();
        try {
            admin.pushImage(project + "/second", "t", random(26));
            Row second = awaitReadByTestConsumers(project + "/second");
            jdbc.sql("UPDATE event SET occurred_at = now() - interval '2 hours' WHERE id IN (?, ?)")
                    .params(first.id(), second.id())
                    .update();

            purge();
            assertThat(rows(project + "/first"))
                    .as("read by every consumer, older than retention")
                    .isEmpty();
            assertThat(rows(project + "/second"))
                    .as("the stalled consumer has yet to read it")
                    .hasSize(1);

            // A consumer not seen for longer than the retention no longer runs anywhere.
            jdbc.sql("UPDATE event_consumer SET updated_at = now() - interval '2 hours' WHERE name = 'test-stalled'")
                    .update();
            purge();
            assertThat(rows(project + "/second")).isEmpty();
        } finally {
            jdbc.sql("DELETE FROM event_consumer WHERE name = 'test-stalled'").update();
        }
    }

    private static Row awaitReadByTestConsumers(String repository) {
        Eventually.await(() -> recorded(repository), r -> r.size() == 1);
        Eventually.await(
                () -> jdbc.sql("SELECT count(*) FROM test_event_ledger WHERE repository = ?")
                        .param(repository)
                        .query(Long.class)
                        .single(),
                n -> n == 1);
        return rows(repository).getFirst();
    }

    private static void purge() {
        Executions executions = server.bean(Executions.class);
        long id = executions.run(EventRetention.NAME, -1, Trigger.MANUAL, Map.of(), Map.of());
        Execution done = Eventually.await(
                () -> executions.execution(id).orElseThrow(), e -> e.status().isFinal());
        assertThat(done.status().wire()).isEqualTo("Success");
    }
}
