package dev.berth.retention;

import static dev.berth.support.RegistryClient.OCI_CONFIG;
import static dev.berth.support.RegistryClient.OCI_LAYER;
import static dev.berth.support.RegistryClient.OCI_MANIFEST;
import static dev.berth.support.RegistryClient.descriptor;
import static dev.berth.support.RegistryClient.imageManifest;
import static dev.berth.support.TestAccounts.patchJson;
import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactDeleter;
import dev.berth.iam.ProjectRole;
import dev.berth.registry.ManifestService;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import dev.berth.support.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's tag retention on seeded projects whose push and pull times come from an injected clock:
 * each template and selector decides exactly the expected artifacts, a dry run lists exactly what
 * the real run then deletes, nothing pushed or tagged after a run's snapshot is deleted, immutable
 * tags survive, runs stop, deletions leave the artifact API's traces, and who may do what.
 */
class RetentionTest {
    private static TestDatabase db;
    private static BerthServer server;
    private static MutableClock clock;
    private static RegistryClient admin;
    private static TestAccounts accounts;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        // The clock jumps days ahead: the daily housekeeping jobs would fire and take in-flight
        // uploads (their sessions are timed by the database) or the events the tests read.
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.uploads.purge-schedule", "",
                        "berth.events.retention-schedule", "",
                        "berth.jobs.execution-sweep-schedule", "",
                        "berth.outbound.allowed-networks", "127.0.0.1/32"),
                MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
        admin = server.adminClient();
        accounts = new TestAccounts(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    // ---- seeding -------------------------------------------------------------------------

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** Pushes an image with one tag (or none) at the clock's time, then moves the clock a minute. */
    private static Digest push(String repo, String tag) {
        Digest d;
        if (tag == null) {
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + UUID.randomUUID() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] layer = random(200);
            Digest c = admin.pushBlob(repo, config);
            Digest l = admin.pushBlob(repo, layer);
            byte[] manifest = imageManifest(
                    descriptor(OCI_CONFIG, c, config.length),
                    List.of(descriptor(OCI_LAYER, l, layer.length)),
                    null,
                    null);
            d = admin.pushManifest(repo, Digest.sha256(manifest).toString(), OCI_MANIFEST, manifest);
        } else {
            d = admin.pushImage(repo, tag, random(200)).manifest();
        }
        clock.advance(Duration.ofMinutes(1));
        return d;
    }

    private static boolean exists(String repo, Digest digest) {
        int status = admin.get("/v2/" + repo + "/manifests/" + digest, "Accept", OCI_MANIFEST)
                .status();
        assertThat(status).isIn(200, 404);
        return status == 200;
    }

    /** Pulls by tag at the clock's time and waits until the pull is recorded. */
    private static void pull(String repo, String tag, Digest digest) {
        Instant at = clock.instant();
        assertThat(admin.get("/v2/" + repo + "/manifests/" + tag, "Accept", OCI_MANIFEST)
                        .status())
                .isEqualTo(200);
        JdbcClient jdbc = server.bean(JdbcClient.class);
        Eventually.await(
                () -> jdbc.sql("SELECT pull_time FROM manifest m JOIN repository r ON r.id = m.repository_id"
                                + " WHERE r.name = ? AND m.digest = ?")
                        .param(repo)
                        .param(digest.toString())
                        .query(java.sql.Timestamp.class)
                        .optional()
                        .map(t -> t.toInstant())
                        .orElse(Instant.EPOCH),
                t -> !t.isBefore(at));
    }

    private static Map<String, Object> selector(String kind, String decoration, String pattern, String extras) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", kind);
        s.put("decoration", decoration);
        s.put("pattern", pattern);
        if (extras != null) {
            s.put("extras", extras);
        }
        return s;
    }

    private static Map<String, Object> rule(
            String template, Integer param, List<Map<String, Object>> tags, Map<String, Object> repository) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("disabled", false);
        r.put("action", "retain");
        r.put("template", template);
        r.put("params", param == null ? Map.of() : Map.of(template, param));
        r.put("tag_selectors", tags);
        r.put("scope_selectors", Map.of("repository", List.of(repository)));
        return r;
    }

    private static Map<String, Object> disabled(Map<String, Object> rule) {
        Map<String, Object> r = new LinkedHashMap<>(rule);
        r.put("disabled", true);
        return r;
    }

    private static Map<String, Object> allRepos() {
        return selector("doublestar", "repoMatches", "**", null);
    }

    private static Map<String, Object> allTags() {
        return selector("doublestar", "matches", "**", "{\"untagged\":true}");
    }

    private static Map<String, Object> policy(long projectId, List<Map<String, Object>> rules, String cron) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("algorithm", "or");
        p.put("rules", rules);
        p.put("trigger", Map.of("kind", "Schedule", "settings", Map.of("cron", cron), "references", Map.of()));
        p.put("scope", Map.of("level", "project", "ref", projectId));
        return p;
    }

    private static long createPolicy(RegistryClient as, long projectId, List<Map<String, Object>> rules) {
        RegistryClient.Response r = postJson(as, "/api/v2.0/retentions", policy(projectId, rules, ""));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private static long startRun(RegistryClient as, long policyId, boolean dryRun) {
        RegistryClient.Response r =
                postJson(as, "/api/v2.0/retentions/" + policyId + "/executions", Map.of("dry_run", dryRun));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private static JsonNode awaitRun(long policyId, long executionId) {
        return Eventually.await(
                Duration.ofSeconds(60),
                () -> {
                    RegistryClient.Response r =
                            admin.get("/api/v2.0/retentions/" + policyId + "/executions?page_size=100");
                    assertThat(r.status()).as(r.text()).isEqualTo(200);
                    for (JsonNode e : r.json()) {
                        if (e.path("id").asLong() == executionId) {
                            return e;
                        }
                    }
                    throw new AssertionError("execution " + executionId + " not listed");
                },
                e -> Set.of("Success", "Error", "Stopped")
                        .contains(e.path("status").asString()));
    }

    private static JsonNode tasks(long policyId, long executionId) {
        RegistryClient.Response r =
                admin.get("/api/v2.0/retentions/" + policyId + "/executions/" + executionId + "/tasks?page_size=100");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    /** Digests a run's task logs mark with {@code mark} (DEL, RETAIN, IMMUTABLE). */
    private static Set<String> marked(long policyId, long executionId, String mark) {
        Set<String> found = new HashSet<>();
        for (JsonNode t : tasks(policyId, executionId)) {
            RegistryClient.Response log = admin.get("/api/v2.0/retentions/" + policyId + "/executions/" + executionId
                    + "/tasks/" + t.path("id").asLong());
            assertThat(log.status()).isEqualTo(200);
            for (String line : log.text().split("\n")) {
                if (line.contains("| " + mark + " |") && line.contains("sha256:")) {
                    found.add(line.substring(line.indexOf("sha256:"), line.indexOf(" ", line.indexOf("sha256:"))));
                }
            }
        }
        return found;
    }

    /** Rows of a table (one with a project_id column) that belong to the project. */
    private static long rowsOfProject(String table, long projectId) {
        return server.bean(JdbcClient.class)
                .sql("SELECT count(*) FROM " + table + " WHERE project_id = ?")
                .param(projectId)
                .query(Long.class)
                .single();
    }

    private static Set<String> strings(Digest... digests) {
        Set<String> s = new HashSet<>();
        for (Digest d : digests) {
            s.add(d.toString());
        }
        return s;
    }

    /** Runs dry, then for real; the dry run lists exactly what the real run deletes. Returns the real run. */
    private static long dryThenReal(long policyId, Set<String> expectedDeleted) {
        long dry = startRun(admin, policyId, true);
        assertThat(awaitRun(policyId, dry).path("status").asString()).isEqualTo("Success");
        assertThat(awaitRun(policyId, dry).path("dry_run").asBoolean()).isTrue();
        assertThat(marked(policyId, dry, "DEL")).isEqualTo(expectedDeleted);
        long real = startRun(admin, policyId, false);
        assertThat(awaitRun(policyId, real).path("status").asString()).isEqualTo("Success");
        assertThat(marked(policyId, real, "DEL")).isEqualTo(expectedDeleted);
        return real;
    }

    // ---- templates and selectors -------------------------------------------------------

    @Test
    void latestPushedWithTagPatternDeletesTheRestAndKeepsImmutableTags() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        String repo = project + "/app";
        Digest r1 = push(repo, "release-1");
        Digest r2 = push(repo, "release-2");
        Digest r3 = push(repo, "release-3");
        Digest dev = push(repo, "dev-1");
        Digest untagged = push(repo, null);
        RegistryClient.check(
                postJson(
                        admin,
                        "/api/v2.0/projects/" + project + "/immutabletagrules",
                        TestAccounts.immutableRule("dev-*")),
                201);
        long policy = createPolicy(
                admin,
                projectId,
                List.of(rule(
                        "latestPushedK",
                        2,
                        List.of(selector("doublestar", "matches", "release-*", "{\"untagged\":false}")),
                        allRepos())));

        long real = dryThenReal(policy, strings(r1, untagged));

        assertThat(exists(repo, r1)).isFalse();
        assertThat(exists(repo, untagged)).isFalse();
        assertThat(exists(repo, r2)).isTrue();
        assertThat(exists(repo, r3)).isTrue();
        assertThat(exists(repo, dev)).as("immutable tag").isTrue();
        assertThat(marked(policy, real, "IMMUTABLE")).isEqualTo(strings(dev));
        JsonNode task = tasks(policy, real).get(0);
        assertThat(task.path("repository").asString()).isEqualTo(repo);
        assertThat(task.path("total").asInt()).isEqualTo(5);
        assertThat(task.path("retained").asInt()).isEqualTo(3);

        // The artifact API's traces: audit entries by the operator, DELETE_ARTIFACT events, blobs queued for GC.
        JdbcClient jdbc = server.bean(JdbcClient.class);
        assertThat(jdbc.sql(
                                "SELECT count(*) FROM audit_log WHERE resource = ? AND operation = 'delete' AND username = 'admin'")
                        .param(repo + "@" + r1)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
        assertThat(jdbc.sql("SELECT count(*) FROM event WHERE type = 'DELETE_ARTIFACT' AND project_id = ?"
                                + " AND data->>'digest' = ?")
                        .param(projectId)
                        .param(r1.toString())
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
        JsonNode retention = RegistryClient.JSON.readTree(
                jdbc.sql("SELECT data::text FROM event WHERE type = 'TAG_RETENTION' AND project_id = ?")
                        .param(projectId)
                        .query(String.class)
                        .single());
        JsonNode data = retention.path("event_data").path("retention");
        assertThat(data.path("total").asInt()).isEqualTo(5);
        assertThat(data.path("retained").asInt()).isEqualTo(3);
        assertThat(data.path("retention_policy_id").asLong()).isEqualTo(policy);
        assertThat(data.path("project_name").asString()).isEqualTo(project);
        assertThat(data.path("deleted_artifact")).hasSize(2);
        // The dry runs wrote no event: exactly one for the one real run.
        assertThat(jdbc.sql("SELECT count(*) FROM event WHERE type = 'TAG_RETENTION' AND project_id = ?")
                        .param(projectId)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
    }

    @Test
    void daysSinceLastPushWithExcludesAndUntagged() {
        String project = accounts.project("ret", false);
        String repo = project + "/svc";
        Digest old = push(repo, "v1");
        clock.advance(Duration.ofDays(10));
        Digest fresh = push(repo, "v2");
        Digest devFresh = push(repo, "dev-2");
        Digest untaggedFresh = push(repo, null);
        clock.advance(Duration.ofDays(1));
        long policy = createPolicy(
                admin,
                accounts.projectId(project),
                List.of(rule(
                        "nDaysSinceLastPush",
                        7,
                        List.of(selector("doublestar", "excludes", "dev-*", "{\"untagged\":true}")),
                        allRepos())));

        dryThenReal(policy, strings(old, devFresh));

        assertThat(exists(repo, fresh)).isTrue();
        assertThat(exists(repo, untaggedFresh)).isTrue();
        assertThat(exists(repo, old)).isFalse();
        assertThat(exists(repo, devFresh)).isFalse();
    }

    @Test
    void pullRulesAndAlwaysCombineWithOr() {
        String project = accounts.project("ret", false);
        String repo = project + "/pulled";
        Digest p1 = push(repo, "p1");
        Digest p2 = push(repo, "p2");
        Digest p3 = push(repo, "p3");
        Digest p4 = push(repo, "p4");
        clock.advance(Duration.ofDays(1));
        pull(repo, "p1", p1);
        clock.advance(Duration.ofDays(4));
        pull(repo, "p2", p2);
        clock.advance(Duration.ofDays(1));
        pull(repo, "p4", p4);
        clock.advance(Duration.ofDays(1));
        // latest pulled 1: p4; pulled within 3 days: p2 (5 days ago? no: 2 days ago) and p4; always p3.
        long policy = createPolicy(
                admin,
                accounts.projectId(project),
                List.of(
                        rule("latestPulledN", 1, List.of(allTags()), allRepos()),
                        rule(
                                "nDaysSinceLastPull",
                                3,
                                List.of(selector("doublestar", "matches", "p2", null)),
                                allRepos()),
                        rule("always", null, List.of(selector("doublestar", "matches", "p3", null)), allRepos())));

        dryThenReal(policy, strings(p1));

        assertThat(exists(repo, p1)).isFalse();
        assertThat(exists(repo, p2)).isTrue();
        assertThat(exists(repo, p3)).isTrue();
        assertThat(exists(repo, p4)).isTrue();
    }

    @Test
    void labelAndRepositorySelectors() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        String kept = project + "/keep/x";
        String other = project + "/other";
        Digest gold = push(kept, "g1");
        Digest plain = push(kept, "n1");
        Digest otherA = push(other, "a");
        Digest otherB = push(other, null);
        RegistryClient.Response label =
                postJson(admin, "/api/v2.0/labels", Map.of("name", "gold", "scope", "p", "project_id", projectId));
        assertThat(label.status()).as(label.text()).isEqualTo(201);
        String location = label.header("Location").orElseThrow();
        long labelId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        RegistryClient.check(
                postJson(
                        admin,
                        "/api/v2.0/projects/" + project + "/repositories/keep%252Fx/artifacts/g1/labels",
                        Map.of("id", labelId)),
                200);
        long policy = createPolicy(
                admin,
                projectId,
                List.of(
                        rule(
                                "always",
                                null,
                                List.of(selector("label", "withLabels", "gold", null)),
                                selector("doublestar", "repoMatches", "keep/**", null)),
                        rule(
                                "always",
                                null,
                                List.of(allTags()),
                                selector("doublestar", "repoExcludes", "keep/**", null))));

        long real = dryThenReal(policy, strings(plain));

        assertThat(exists(kept, gold)).isTrue();
        assertThat(exists(kept, plain)).isFalse();
        assertThat(exists(other, otherA)).isTrue();
        assertThat(exists(other, otherB)).isTrue();
        Map<String, JsonNode> byRepo = new HashMap<>();
        tasks(policy, real).forEach(t -> byRepo.put(t.path("repository").asString(), t));
        assertThat(byRepo.keySet()).containsExactlyInAnyOrder(kept, other);
        assertThat(byRepo.get(kept).path("total").asInt()).isEqualTo(2);
        assertThat(byRepo.get(kept).path("retained").asInt()).isEqualTo(1);
        assertThat(byRepo.get(other).path("retained").asInt()).isEqualTo(2);
    }

    @Test
    void withoutLabelsAndMatchesThatSelectUntagged() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        String repo = project + "/held";
        Digest held = push(repo, "x1");
        Digest plain = push(repo, "x2");
        Digest untagged = push(repo, null);
        Digest other = push(repo, "rel-1");
        RegistryClient.Response label =
                postJson(admin, "/api/v2.0/labels", Map.of("name", "hold", "scope", "p", "project_id", projectId));
        assertThat(label.status()).as(label.text()).isEqualTo(201);
        String location = label.header("Location").orElseThrow();
        RegistryClient.check(
                postJson(
                        admin,
                        "/api/v2.0/projects/" + project + "/repositories/held/artifacts/x1/labels",
                        Map.of("id", Long.parseLong(location.substring(location.lastIndexOf('/') + 1)))),
                200);
        // Kept: what both selectors select, i.e. tagged x* or untagged (Harbor's switch on), and
        // without the label.
        long policy = createPolicy(
                admin,
                projectId,
                List.of(rule(
                        "always",
                        null,
                        List.of(
                                selector("doublestar", "matches", "x*", "{\"untagged\":true}"),
                                selector("label", "withoutLabels", "hold", null)),
                        allRepos())));

        dryThenReal(policy, strings(held, other));

        assertThat(exists(repo, plain)).isTrue();
        assertThat(exists(repo, untagged)).isTrue();
        assertThat(exists(repo, held)).isFalse();
        assertThat(exists(repo, other)).isFalse();
    }

    // ---- snapshot, races, stop ---------------------------------------------------------

    private static void queue(String action) {
        RegistryClient.check(putJson(admin, "/api/v2.0/jobservice/queues/RETENTION", Map.of("action", action)), 200);
    }

    @Test
    void nothingPushedOrTaggedAfterTheSnapshotIsDeleted() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        String repo = project + "/race";
        Digest oldest = push(repo, "a");
        Digest retagged = push(repo, "b");
        Digest newest = push(repo, "c");
        long policy = createPolicy(admin, projectId, List.of(rule("latestPushedK", 1, List.of(allTags()), allRepos())));
        queue("pause");
        long execution;
        Digest late;
        try {
            execution = startRun(admin, policy, false);
            clock.advance(Duration.ofMinutes(5));
            late = push(repo, "late"); // pushed after the snapshot
            RegistryClient.check(
                    postJson(
                            admin,
                            "/api/v2.0/projects/" + project + "/repositories/race/artifacts/" + retagged + "/tags",
                            Map.of("name", "b-again")),
                    201);
        } finally {
            queue("resume");
        }
        assertThat(awaitRun(policy, execution).path("status").asString()).isEqualTo("Success");
        assertThat(exists(repo, oldest)).isFalse();
        assertThat(exists(repo, newest)).as("the latest at the snapshot").isTrue();
        assertThat(exists(repo, late)).as("pushed after the snapshot").isTrue();
        assertThat(exists(repo, retagged)).as("tagged after the snapshot").isTrue();

        // The same guard holds under the delete's own lock: an artifact tagged after a snapshot stays.
        Instant before = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        RegistryClient.check(
                postJson(
                        admin,
                        "/api/v2.0/projects/" + project + "/repositories/race/artifacts/" + newest + "/tags",
                        Map.of("name", "c-again")),
                201);
        JdbcClient jdbc = server.bean(JdbcClient.class);
        long repoId = jdbc.sql("SELECT id FROM repository WHERE name = ?")
                .param(repo)
                .query(Long.class)
                .single();
        long manifestId = jdbc.sql("SELECT id FROM manifest WHERE repository_id = ? AND digest = ?")
                .param(repoId)
                .param(newest.toString())
                .query(Long.class)
                .single();
        assertThat(server.bean(ArtifactDeleter.class)
                        .deleteUnchangedSince("admin", projectId, repoId, repo, manifestId, newest.toString(), before))
                .isEqualTo(ManifestService.PolicyDeletion.CHANGED);
        assertThat(exists(repo, newest)).isTrue();
    }

    @Test
    void pullsDuringARunChangeNothingOfWhatItDecides() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        String repo = project + "/pulls";
        Digest p1 = push(repo, "p1");
        Digest p2 = push(repo, "p2");
        clock.advance(Duration.ofDays(1));
        pull(repo, "p2", p2);
        clock.advance(Duration.ofDays(1));
        long policy = createPolicy(admin, projectId, List.of(rule("latestPulledN", 1, List.of(allTags()), allRepos())));
        queue("pause");
        long dry;
        long real;
        try {
            // Started at the same moment: the same snapshot.
            dry = startRun(admin, policy, true);
            real = startRun(admin, policy, false);
            // p1 becomes the latest pulled while the runs wait for a worker: after their snapshot.
            clock.advance(Duration.ofHours(1));
            pull(repo, "p1", p1);
        } finally {
            queue("resume");
        }
        assertThat(awaitRun(policy, dry).path("status").asString()).isEqualTo("Success");
        assertThat(awaitRun(policy, real).path("status").asString()).isEqualTo("Success");
        assertThat(marked(policy, dry, "DEL")).isEqualTo(strings(p1));
        assertThat(marked(policy, real, "DEL")).isEqualTo(strings(p1));
        assertThat(exists(repo, p1)).isFalse();
        assertThat(exists(repo, p2)).isTrue();
        // Both runs ended: their copies of the pull times are gone.
        assertThat(rowsOfProject("artifact_snapshot", projectId)).isZero();
    }

    @Test
    void editedAndDisabledRulesDecideTheNextRun() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        String repo = project + "/edit";
        Digest a = push(repo, "a");
        Digest b = push(repo, "b");
        Digest c = push(repo, "c");
        Map<String, Object> always = rule("always", null, List.of(allTags()), allRepos());
        long policy = createPolicy(admin, projectId, List.of(always));
        dryThenReal(policy, Set.of());

        // Disable the rule that kept everything, add one that keeps two.
        RegistryClient.check(
                putJson(
                        admin,
                        "/api/v2.0/retentions/" + policy,
                        policy(
                                projectId,
                                List.of(disabled(always), rule("latestPushedK", 2, List.of(allTags()), allRepos())),
                                "")),
                200);
        JsonNode rules = admin.get("/api/v2.0/retentions/" + policy).json().path("rules");
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).path("disabled").asBoolean()).isTrue();
        assertThat(rules.get(0).path("template").asString()).isEqualTo("always");
        assertThat(rules.get(1).path("disabled").asBoolean()).isFalse();
        assertThat(rules.get(1).path("params").path("latestPushedK").asInt()).isEqualTo(2);
        dryThenReal(policy, strings(a));
        assertThat(exists(repo, a)).isFalse();

        // Edit the count; then disable every rule: a policy with no enabled rule deletes nothing.
        RegistryClient.check(
                putJson(
                        admin,
                        "/api/v2.0/retentions/" + policy,
                        policy(
                                projectId,
                                List.of(disabled(always), rule("latestPushedK", 1, List.of(allTags()), allRepos())),
                                "")),
                200);
        RegistryClient.check(
                putJson(
                        admin,
                        "/api/v2.0/retentions/" + policy,
                        policy(
                                projectId,
                                List.of(
                                        disabled(always),
                                        disabled(rule("latestPushedK", 1, List.of(allTags()), allRepos()))),
                                "")),
                200);
        long run = startRun(admin, policy, false);
        assertThat(awaitRun(policy, run).path("status").asString()).isEqualTo("Success");
        assertThat(tasks(policy, run)).isEmpty();
        assertThat(exists(repo, b)).isTrue();
        assertThat(exists(repo, c)).isTrue();
        assertThat(putJson(
                                admin,
                                "/api/v2.0/retentions/" + policy,
                                policy(projectId, List.of(Map.of("template", "always", "disabled", "yes")), ""))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void aRunDeliversOneTagRetentionWebhookInHarborsShape() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String project = accounts.project("ret", false);
            long projectId = accounts.projectId(project);
            String repo = project + "/hooked";
            Digest a = push(repo, "a");
            Digest untagged = push(repo, null);
            Digest b = push(repo, "b");
            RegistryClient.check(
                    postJson(
                            admin,
                            "/api/v2.0/projects/" + project + "/webhook/policies",
                            Map.of(
                                    "name",
                                    TestAccounts.unique("hook"),
                                    "targets",
                                    List.of(Map.of("type", "http", "address", receiver.url("/hook"))),
                                    "event_types",
                                    List.of("TAG_RETENTION"),
                                    "enabled",
                                    true)),
                    201);
            long policy =
                    createPolicy(admin, projectId, List.of(rule("latestPushedK", 1, List.of(allTags()), allRepos())));

            dryThenReal(policy, strings(a, untagged));

            JsonNode payload = receiver.await(r -> !r.isEmpty()).getFirst().json();
            assertThat(payload.path("type").asString()).isEqualTo("TAG_RETENTION");
            assertThat(payload.path("operator").asString()).isEqualTo("admin");
            assertThat(payload.path("occur_at").isIntegralNumber()).isTrue();
            JsonNode retention = payload.path("event_data").path("retention");
            assertThat(retention.path("total").asInt()).isEqualTo(3);
            assertThat(retention.path("retained").asInt()).isEqualTo(1);
            // Harbor's host name: the external URL's, without scheme or port.
            assertThat(retention.path("harbor_hostname").asString())
                    .isNotBlank()
                    .doesNotContain(":", "/");
            assertThat(retention.path("project_name").asString()).isEqualTo(project);
            assertThat(retention.path("retention_policy_id").asLong()).isEqualTo(policy);
            assertThat(retention.path("result").asString()).isEqualTo("SUCCESS");
            JsonNode rule = retention.path("retention_rule").get(0);
            assertThat(rule.path("template").asString()).isEqualTo("latestPushedK");
            assertThat(rule.path("params").path("latestPushedK").asInt()).isEqualTo(1);
            assertThat(rule.path("tag_selectors").get(0).path("pattern").asString())
                    .isEqualTo("**");
            assertThat(rule.path("scope_selectors")
                            .path("repository")
                            .get(0)
                            .path("decoration")
                            .asString())
                    .isEqualTo("repoMatches");
            Set<String> deleted = new HashSet<>();
            for (JsonNode d : retention.path("deleted_artifact")) {
                assertThat(d.path("type").asString()).isEqualTo("IMAGE");
                assertThat(d.path("status").asString()).isEqualTo("SUCCESS");
                deleted.add(d.path("name_tag").asString());
            }
            assertThat(deleted).containsExactlyInAnyOrder(repo + ":a", repo + "@" + untagged);
            // One run, one event: the dry run sent none.
            assertThat(receiver.received()).hasSize(1);
            assertThat(exists(repo, b)).isTrue();
        }
    }

    @Test
    void aStoppedRunDeletesNothingMoreAndEndsStopped() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        Digest a1 = push(project + "/one", "x1");
        Digest a2 = push(project + "/one", "x2");
        Digest b1 = push(project + "/two", "y1");
        Digest b2 = push(project + "/two", "y2");
        long policy = createPolicy(admin, projectId, List.of(rule("latestPushedK", 1, List.of(allTags()), allRepos())));
        queue("pause");
        long stoppedAll;
        long stoppedOne;
        try {
            stoppedAll = startRun(admin, policy, false);
            RegistryClient.check(
                    patchJson(
                            admin,
                            "/api/v2.0/retentions/" + policy + "/executions/" + stoppedAll,
                            Map.of("action", "stop")),
                    200);
            // Mid-run: one repository's task is stopped, the other runs.
            stoppedOne = startRun(admin, policy, false);
            JsonNode tasks = tasks(policy, stoppedOne);
            assertThat(tasks).hasSize(2);
            JsonNode first = tasks.get(0);
            RegistryClient.check(
                    admin.send(
                            "PUT",
                            "/api/v2.0/jobservice/jobs/" + first.path("job_id").asString(),
                            new byte[0]),
                    200);
        } finally {
            queue("resume");
        }
        assertThat(awaitRun(policy, stoppedAll).path("status").asString()).isEqualTo("Stopped");
        assertThat(awaitRun(policy, stoppedOne).path("status").asString()).isEqualTo("Stopped");
        String stoppedRepo = tasks(policy, stoppedOne).get(0).path("repository").asString();
        assertThat(stoppedRepo).isEqualTo(project + "/one");
        assertThat(exists(project + "/one", a1)).as("its task was stopped").isTrue();
        assertThat(exists(project + "/one", a2)).isTrue();
        assertThat(exists(project + "/two", b1)).isFalse();
        assertThat(exists(project + "/two", b2)).isTrue();
    }

    @Test
    void aScheduleRunsThePolicy() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        Digest a = push(project + "/s", "a");
        Digest b = push(project + "/s", "b");
        RegistryClient.Response created = postJson(
                admin,
                "/api/v2.0/retentions",
                policy(projectId, List.of(rule("latestPushedK", 1, List.of(allTags()), allRepos())), "0 0 3 * * *"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String location = created.header("Location").orElseThrow();
        long policy = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        assertThat(admin.get("/api/v2.0/retentions/" + policy)
                        .json()
                        .path("trigger")
                        .path("settings")
                        .path("cron")
                        .asString())
                .isEqualTo("0 0 3 * * *");
        clock.advance(Duration.ofDays(1));
        JsonNode run = Eventually.await(
                Duration.ofSeconds(60),
                () -> admin.get("/api/v2.0/retentions/" + policy + "/executions")
                        .json(),
                list -> list.size() > 0 && list.get(0).path("status").asString().equals("Success"));
        assertThat(run.get(0).path("trigger").asString()).isEqualTo("SCHEDULE");
        assertThat(exists(project + "/s", a)).isFalse();
        assertThat(exists(project + "/s", b)).isTrue();
    }

    // ---- the API: metadata, validation, project metadata, permissions, IDOR --------------

    @Test
    void metadataListsHarborsTemplatesAndSelectors() {
        assertThat(server.anonymousClient()
                        .get("/api/v2.0/retentions/metadatas")
                        .status())
                .isEqualTo(401);
        RegistryClient.Response r = admin.get("/api/v2.0/retentions/metadatas");
        assertThat(r.status()).isEqualTo(200);
        List<String> templates = new ArrayList<>();
        r.json()
                .path("templates")
                .forEach(t -> templates.add(t.path("rule_template").asString()));
        assertThat(templates)
                .containsExactly(
                        "latestPushedK", "latestPulledN", "nDaysSinceLastPush", "nDaysSinceLastPull", "always");
        assertThat(r.json().path("scope_selectors").get(0).path("decorations").toString())
                .contains("repoMatches", "repoExcludes");
    }

    @Test
    void badPoliciesAreRefusedWithoutWritingAnything() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        List<Map<String, Object>> sixteen = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            sixteen.add(rule("latestPushedK", i, List.of(allTags()), allRepos()));
        }
        Map<String, Map<String, Object>> bad = new LinkedHashMap<>();
        bad.put("16 rules", policy(projectId, sixteen, ""));
        bad.put(
                "unknown template",
                policy(projectId, List.of(rule("keepEverything", 1, List.of(allTags()), allRepos())), ""));
        bad.put(
                "no parameter",
                policy(projectId, List.of(rule("latestPushedK", null, List.of(allTags()), allRepos())), ""));
        bad.put(
                "negative",
                policy(projectId, List.of(rule("nDaysSinceLastPull", -1, List.of(allTags()), allRepos())), ""));
        bad.put(
                "bad pattern",
                policy(
                        projectId,
                        List.of(rule(
                                "always", null, List.of(selector("doublestar", "matches", "[a-", null)), allRepos())),
                        ""));
        bad.put(
                "bad decoration",
                policy(
                        projectId,
                        List.of(rule(
                                "always",
                                null,
                                List.of(selector("doublestar", "repoMatches", "**", null)),
                                allRepos())),
                        ""));
        bad.put(
                "bad cron",
                policy(projectId, List.of(rule("always", null, List.of(allTags()), allRepos())), "every day"));
        Map<String, Object> wrongScope = policy(projectId, List.of(), "");
        wrongScope.put("scope", Map.of("level", "system", "ref", projectId));
        bad.put("system scope", wrongScope);
        for (Map.Entry<String, Map<String, Object>> e : bad.entrySet()) {
            RegistryClient.Response r = postJson(admin, "/api/v2.0/retentions", e.getValue());
            assertThat(r.status()).as(e.getKey() + ": " + r.text()).isEqualTo(400);
        }
        Map<String, Object> twice = rule("latestPushedK", 3, List.of(allTags()), allRepos());
        assertThat(postJson(admin, "/api/v2.0/retentions", policy(projectId, List.of(twice, twice), ""))
                        .status())
                .isEqualTo(409);
        assertThat(admin.get("/api/v2.0/projects/" + project)
                        .json()
                        .path("metadata")
                        .has("retention_id"))
                .isFalse();
        assertThat(rowsOfProject("retention_policy", projectId)).isZero();
    }

    @Test
    void theProjectKnowsItsPolicyWhichIsOnePerProject() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        List<Map<String, Object>> rules = List.of(rule("latestPushedK", 10, List.of(allTags()), allRepos()));
        long policy = createPolicy(admin, projectId, rules);
        assertThat(admin.get("/api/v2.0/projects/" + project)
                        .json()
                        .path("metadata")
                        .path("retention_id")
                        .asString())
                .isEqualTo(Long.toString(policy));
        assertThat(postJson(admin, "/api/v2.0/retentions", policy(projectId, rules, ""))
                        .status())
                .isEqualTo(400);
        JsonNode got = admin.get("/api/v2.0/retentions/" + policy).json();
        assertThat(got.path("algorithm").asString()).isEqualTo("or");
        assertThat(got.path("scope").path("ref").asLong()).isEqualTo(projectId);
        assertThat(got.path("rules").get(0).path("params").path("latestPushedK").asInt())
                .isEqualTo(10);
        RegistryClient.check(
                putJson(
                        admin,
                        "/api/v2.0/retentions/" + policy,
                        policy(projectId, List.of(rule("always", null, List.of(allTags()), allRepos())), "")),
                200);
        assertThat(admin.get("/api/v2.0/retentions/" + policy)
                        .json()
                        .path("rules")
                        .get(0)
                        .path("template")
                        .asString())
                .isEqualTo("always");
        RegistryClient.check(admin.delete("/api/v2.0/retentions/" + policy), 200);
        assertThat(admin.get("/api/v2.0/projects/" + project)
                        .json()
                        .path("metadata")
                        .has("retention_id"))
                .isFalse();
        assertThat(admin.get("/api/v2.0/retentions/" + policy).status()).isEqualTo(404);
    }

    @Test
    void permissionMatrixAndIdor() {
        String project = accounts.project("ret", false);
        long projectId = accounts.projectId(project);
        String otherProject = accounts.project("ret", false);
        long otherId = accounts.projectId(otherProject);
        Map<ProjectRole, TestAccounts.Account> members = new LinkedHashMap<>();
        for (ProjectRole role : ProjectRole.values()) {
            TestAccounts.Account a = accounts.user("r" + role.id());
            accounts.member(project, a, role);
            members.put(role, a);
        }
        TestAccounts.Account outsider = accounts.user("out");
        TestAccounts.Account otherAdmin = accounts.user("oadm");
        accounts.member(otherProject, otherAdmin, ProjectRole.PROJECT_ADMIN);
        List<Map<String, Object>> rules = List.of(rule("latestPushedK", 5, List.of(allTags()), allRepos()));

        // Create: Harbor's tag-retention create for project admins, maintainers and developers.
        assertThat(postJson(
                                members.get(ProjectRole.GUEST).client(),
                                "/api/v2.0/retentions",
                                policy(projectId, rules, ""))
                        .status())
                .isEqualTo(403);
        assertThat(postJson(outsider.client(), "/api/v2.0/retentions", policy(projectId, rules, ""))
                        .status())
                .isEqualTo(404);
        assertThat(postJson(server.anonymousClient(), "/api/v2.0/retentions", policy(projectId, rules, ""))
                        .status())
                .isEqualTo(401);
        long policy = createPolicy(members.get(ProjectRole.DEVELOPER).client(), projectId, rules);
        long otherPolicy = createPolicy(otherAdmin.client(), otherId, rules);

        for (Map.Entry<ProjectRole, TestAccounts.Account> e : members.entrySet()) {
            boolean allowed = e.getKey() == ProjectRole.PROJECT_ADMIN
                    || e.getKey() == ProjectRole.MAINTAINER
                    || e.getKey() == ProjectRole.DEVELOPER;
            RegistryClient c = e.getValue().client();
            int expected = allowed ? 200 : 403;
            assertThat(c.get("/api/v2.0/retentions/" + policy).status())
                    .as(e.getKey() + " get")
                    .isEqualTo(expected);
            assertThat(c.get("/api/v2.0/retentions/" + policy + "/executions").status())
                    .as(e.getKey() + " executions")
                    .isEqualTo(expected);
            assertThat(putJson(c, "/api/v2.0/retentions/" + policy, policy(projectId, rules, ""))
                            .status())
                    .as(e.getKey() + " update")
                    .isEqualTo(expected);
            assertThat(postJson(c, "/api/v2.0/retentions/" + policy + "/executions", Map.of("dry_run", true))
                            .status())
                    .as(e.getKey() + " run")
                    .isEqualTo(allowed ? 201 : 403);
        }
        assertThat(members.get(ProjectRole.GUEST)
                        .client()
                        .delete("/api/v2.0/retentions/" + policy)
                        .status())
                .isEqualTo(403);

        // IDOR: another project's admin knows the ids of this project's policy and runs.
        RegistryClient intruder = otherAdmin.client();
        long execution = startRun(admin, policy, true);
        awaitRun(policy, execution);
        long task = tasks(policy, execution).size() == 0
                ? 0
                : tasks(policy, execution).get(0).path("id").asLong();
        assertThat(intruder.get("/api/v2.0/retentions/" + policy).status()).isEqualTo(404);
        assertThat(putJson(intruder, "/api/v2.0/retentions/" + policy, policy(projectId, rules, ""))
                        .status())
                .isEqualTo(404);
        assertThat(intruder.delete("/api/v2.0/retentions/" + policy).status()).isEqualTo(404);
        assertThat(postJson(intruder, "/api/v2.0/retentions/" + policy + "/executions", Map.of("dry_run", false))
                        .status())
                .isEqualTo(404);
        assertThat(intruder.get("/api/v2.0/retentions/" + otherPolicy + "/executions/" + execution + "/tasks")
                        .status())
                .isEqualTo(404);
        assertThat(patchJson(
                                intruder,
                                "/api/v2.0/retentions/" + otherPolicy + "/executions/" + execution,
                                Map.of("action", "stop"))
                        .status())
                .isEqualTo(404);
        assertThat(intruder.get("/api/v2.0/retentions/" + otherPolicy + "/executions/" + execution + "/tasks/" + task)
                        .status())
                .isEqualTo(404);
        // Moving its own policy onto this project is refused, and changes nothing.
        assertThat(putJson(intruder, "/api/v2.0/retentions/" + otherPolicy, policy(projectId, rules, ""))
                        .status())
                .isEqualTo(400);
        assertThat(admin.get("/api/v2.0/retentions/" + otherPolicy)
                        .json()
                        .path("scope")
                        .path("ref")
                        .asLong())
                .isEqualTo(otherId);
        assertThat(members.get(ProjectRole.DEVELOPER)
                        .client()
                        .delete("/api/v2.0/retentions/" + policy)
                        .status())
                .isEqualTo(200);
    }
}
