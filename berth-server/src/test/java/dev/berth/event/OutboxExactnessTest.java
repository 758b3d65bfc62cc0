package dev.berth.event;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthProcess;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.FreePort;
import dev.berth.support.OneHeavyAtATime;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import dev.berth.support.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The outbox under fire: two replicas on one database, eight clients pushing, tagging, deleting,
 * pulling and making pushes that immutability or quota refuse, while one replica is SIGKILLed and
 * started again and a receiver takes the webhooks. Afterwards every change the database committed
 * has exactly one event (an acknowledged change certainly; one the kill cut off, one if it
 * committed and none if not), refused changes have none, every pull counted has its event, and
 * every event the policies listen to reached the receiver.
 */
@OneHeavyAtATime
class OutboxExactnessTest {
    enum Kind {
        PUSH,
        TAG,
        DELETE,
        PULL,
        REFUSED
    }

    /** One change a client attempted, and whether the server said it was done. */
    record Op(Kind kind, String repository, String digest, String tag, boolean acknowledged) {}

    private static final Duration LOAD = Duration.ofSeconds(24);
    private static final int CLIENTS = 8;

    @Test
    void everyCommittedChangeHasExactlyOneEventAndEveryEventIsDelivered() throws Exception {
        Path dir = Files.createTempDirectory("berth-outbox-");
        try (TestDatabase db = TestDatabase.create();
                WebhookReceiver receiver = WebhookReceiver.start()) {
            List<String> args = List.of(
                    "--spring.datasource.url=" + db.jdbcUrl(),
                    "--spring.datasource.username=" + db.user(),
                    "--berth.outbound.allowed-networks=127.0.0.1/32",
                    "--berth.jobs.lease=4s",
                    "--berth.jobs.poll-interval=200ms",
                    "--berth.webhooks.retry-backoff=200ms",
                    "--berth.webhooks.max-attempts=30",
                    "--logging.level.root=WARN",
                    "--logging.level.dev.berth=INFO");
            Path data = dir.resolve("data");
            int portB = FreePort.pick();
            Instant began = Instant.now();
            // Started together, as replicas are (Flyway's lock serialises the migration): one
            // start-up's wait instead of two.
            BerthProcess a;
            AtomicReferenceArray<BerthProcess> bs = new AtomicReferenceArray<>(1);
            try (ExecutorService starting = Executors.newFixedThreadPool(2)) {
                Future<BerthProcess> startA = starting.submit(
                        () -> BerthProcess.start(data, dir.resolve("tmp-a"), dir.resolve("a.log"), args));
                Future<BerthProcess> startB = starting.submit(
                        () -> BerthProcess.start(data, dir.resolve("tmp-b0"), dir.resolve("b0.log"), args, portB));
                a = started(startA, startB);
                bs.set(0, started(startB, startA));
            }
            System.out.println("phase=replicas_started seconds="
                    + Duration.between(began, Instant.now()).toSeconds());
            try (SingleConnectionDataSource checks =
                    new SingleConnectionDataSource(db.jdbcUrl(), db.user(), "", true)) {
                // One connection for the thousands of checks below: a new one per query (a
                // PostgreSQL backend forked each time) cost more than the queries.
                run(a, bs, portB, args, data, dir, receiver, JdbcClient.create(checks));
            } finally {
                a.close();
                if (bs.get(0) != null) {
                    bs.get(0).close();
                }
            }
        } finally {
            BerthServer.deleteRecursively(dir);
        }
    }

    private void run(
            BerthProcess a,
            AtomicReferenceArray<BerthProcess> bs,
            int portB,
            List<String> args,
            Path data,
            Path dir,
            WebhookReceiver receiver,
            JdbcClient jdbc)
            throws Exception {
        RegistryClient setup = a.adminClient();
        String project = "exact" + UUID.randomUUID().toString().substring(0, 6);
        String immutable = project + "imm";
        String quota = project + "quota";
        long[] policies = new long[3];
        int p = 0;
        for (String name : List.of(project, immutable, quota)) {
            RegistryClient.check(setup.createProject(name, false), 201);
            policies[p++] = policy(setup, name, receiver);
        }
        RegistryClient.check(
                postJson(
                        setup,
                        "/api/v2.0/projects/" + immutable + "/immutabletagrules",
                        TestAccounts.immutableRule("fixed")),
                201);
        long quotaId = jdbc.sql("SELECT id FROM project WHERE name = ?")
                .param(quota)
                .query(Long.class)
                .single();
        RegistryClient.check(
                putJson(setup, "/api/v2.0/quotas/" + quotaId, Map.of("hard", Map.of("storage", 30_000))), 200);
        for (int i = 0; i < CLIENTS; i++) {
            setup.pushImage(immutable + "/c" + i, "fixed", random(100));
        }

        ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        Instant start = Instant.now();
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1)) {
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                clients.add(pool.submit(() -> client(client, a, bs, project, immutable, quota, ops, stop)));
            }
            // The killer: SIGKILL replica B a third of the way in, start it again at its old port.
            Thread.sleep(LOAD.dividedBy(3));
            bs.get(0).kill();
            BerthProcess dead = bs.get(0);
            bs.set(0, null);
            dead.close();
            Thread.sleep(Duration.ofSeconds(2));
            bs.set(0, BerthProcess.start(data, dir.resolve("tmp-b1"), dir.resolve("b1.log"), args, portB));
            Duration left = LOAD.minus(Duration.between(start, Instant.now()));
            if (!left.isNegative()) {
                Thread.sleep(left);
            }
            stop.set(true);
            for (Future<?> f : clients) {
                f.get();
            }
        }

        System.out.println("phase=load_done seconds="
                + Duration.between(start, Instant.now()).toSeconds());
        Instant quiet = Instant.now();
        // Quiet: the webhook consumer has read everything written, and every delivery has ended.
        Eventually.await(
                Duration.ofMinutes(3), () -> jdbc.sql("""
                                SELECT count(*) FROM event e, event_consumer c
                                 WHERE c.name = 'webhook' AND (e.txid, e.id) > (c.last_txid, c.last_id)""").query(Long.class).single(), n -> n == 0);
        Eventually.await(
                Duration.ofMinutes(3),
                () -> jdbc.sql(
                                "SELECT count(*) FROM job_task WHERE job_type = 'WEBHOOK' AND status IN ('Pending', 'Running')")
                        .query(Long.class)
                        .single(),
                n -> n == 0);

        System.out.println("phase=drained seconds="
                + Duration.between(quiet, Instant.now()).toSeconds()
                + " ops=" + ops.size() + " events="
                + jdbc.sql("SELECT count(*) FROM event").query(Long.class).single()
                + " deliveries=" + receiver.received().size());
        Instant checking = Instant.now();
        List<Op> all = List.copyOf(ops);
        assertThat(all.stream().filter(o -> o.kind() == Kind.PUSH && o.acknowledged()))
                .hasSizeGreaterThan(20);
        assertThat(all.stream().filter(o -> !o.acknowledged()))
                .as("the kill cut some requests off")
                .isNotEmpty();
        assertThat(all.stream().filter(o -> o.kind() == Kind.REFUSED)).isNotEmpty();

        for (Op op : all) {
            switch (op.kind()) {
                case PUSH -> {
                    long events = count(jdbc, "PUSH_ARTIFACT", op.repository(), op.digest(), "tags", op.tag());
                    long committed = jdbc.sql(
                                    "SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                                            + " WHERE r.name = ? AND m.digest = ?")
                            .params(op.repository(), op.digest())
                            .query(Long.class)
                            .single();
                    long deleted = count(jdbc, "DELETE_ARTIFACT", op.repository(), op.digest(), null, null);
                    if (op.acknowledged()) {
                        assertThat(events).as("acknowledged " + op).isEqualTo(1);
                    } else {
                        assertThat(events).as("cut off " + op).isEqualTo(committed > 0 || deleted > 0 ? 1 : 0);
                    }
                }
                case TAG -> {
                    long events = jdbc.sql("SELECT count(*) FROM event WHERE type = 'CREATE_TAG'"
                                    + " AND data->>'repository' = ? AND data->>'tag' = ?")
                            .params(op.repository(), op.tag())
                            .query(Long.class)
                            .single();
                    assertThat(events).as(op.toString()).isLessThanOrEqualTo(1);
                    if (op.acknowledged()) {
                        assertThat(events).as(op.toString()).isEqualTo(1);
                    }
                }
                case DELETE -> {
                    long events = count(jdbc, "DELETE_ARTIFACT", op.repository(), op.digest(), null, null);
                    long remaining = jdbc.sql(
                                    "SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                                            + " WHERE r.name = ? AND m.digest = ?")
                            .params(op.repository(), op.digest())
                            .query(Long.class)
                            .single();
                    assertThat(events).as(op.toString()).isEqualTo(remaining == 0 ? 1 : 0);
                    if (op.acknowledged()) {
                        assertThat(events).as(op.toString()).isEqualTo(1);
                    }
                }
                case REFUSED ->
                    assertThat(count(jdbc, "PUSH_ARTIFACT", op.repository(), op.digest(), null, null))
                            .as("refused " + op)
                            .isZero();
                case PULL -> {}
            }
        }
        // No event for a push nobody made.
        Set<String> attempted = new HashSet<>();
        all.stream().filter(o -> o.kind() == Kind.PUSH).forEach(o -> attempted.add(o.repository() + "@" + o.digest()));
        List<String> pushed = jdbc.sql("SELECT data->>'repository' || '@' || (data->>'digest') FROM event"
                        + " WHERE type = 'PUSH_ARTIFACT' AND data->>'repository' LIKE ?")
                .param(project + "/%")
                .query(String.class)
                .list();
        assertThat(attempted).containsAll(pushed);
        // Every pull counted has its event, and no more: they commit together.
        List<String> mismatched =
                jdbc.sql("""
                        SELECT r.name || '@' || m.digest || ' counted ' || m.pull_count || ' events ' ||
                               (SELECT count(*) FROM event e WHERE e.type = 'PULL_ARTIFACT'
                                   AND e.data->>'repository' = r.name AND e.data->>'digest' = m.digest)
                          FROM manifest m JOIN repository r ON r.id = m.repository_id
                         WHERE r.name LIKE ? AND m.pull_count <> (
                               SELECT count(*) FROM event e WHERE e.type = 'PULL_ARTIFACT'
                                  AND e.data->>'repository' = r.name AND e.data->>'digest' = m.digest)""").param(project + "/%").query(String.class).list();
        assertThat(mismatched).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                                + " WHERE r.name LIKE ? AND m.pull_count > 0")
                        .param(project + "/%")
                        .query(Long.class)
                        .single())
                .isPositive();

        // Every event a policy listens to reached the receiver, under its delivery id.
        Map<String, Long> policyOf = new HashMap<>();
        policyOf.put(project, policies[0]);
        policyOf.put(immutable, policies[1]);
        policyOf.put(quota, policies[2]);
        Set<String> delivered = new HashSet<>();
        for (WebhookReceiver.Received r : receiver.received()) {
            if (r.answered() == 200) {
                delivered.add(r.header("X-Berth-Delivery"));
            }
        }
        List<String> missing = new ArrayList<>();
        jdbc.sql("""
                        SELECT e.id, p.name FROM event e JOIN project p ON p.id = e.project_id
                         WHERE p.name = ANY (?) AND e.type IN ('PUSH_ARTIFACT', 'PULL_ARTIFACT', 'DELETE_ARTIFACT', 'QUOTA_EXCEED')""").param(new String[] {project, immutable, quota}).query(rs -> {
            String delivery = UUID.nameUUIDFromBytes(
                            ("berth-webhook:" + rs.getLong(1) + ":" + policyOf.get(rs.getString(2)) + ":0")
                                    .getBytes(StandardCharsets.UTF_8))
                    .toString();
            if (!delivered.contains(delivery)) {
                missing.add("event " + rs.getLong(1));
            }
        });
        assertThat(missing).isEmpty();
        assertThat(jdbc.sql("SELECT skipped FROM event_consumer WHERE name = 'webhook'")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM event WHERE type = 'QUOTA_EXCEED'")
                        .query(Long.class)
                        .single())
                .isPositive();
        System.out.println("phase=checked seconds="
                + Duration.between(checking, Instant.now()).toSeconds());
    }

    /** Events of a type for a repository and digest, and optionally with a value in a JSON array field. */
    private static long count(
            JdbcClient jdbc, String type, String repository, String digest, String arrayField, String value) {
        String sql = "SELECT count(*) FROM event WHERE type = ? AND data->>'repository' = ? AND data->>'digest' = ?"
                + (arrayField == null ? "" : " AND (data->'" + arrayField + "') @> jsonb_build_array(CAST(? AS text))");
        List<Object> params = new ArrayList<>(List.of(type, repository, digest));
        if (arrayField != null) {
            params.add(value);
        }
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    private static long policy(RegistryClient admin, String project, WebhookReceiver receiver) {
        RegistryClient.Response r = postJson(
                admin,
                "/api/v2.0/projects/" + project + "/webhook/policies",
                Map.of(
                        "name",
                        "exact",
                        "targets",
                        List.of(Map.of("type", "http", "address", receiver.url("/" + project))),
                        "event_types",
                        List.of("PUSH_ARTIFACT", "PULL_ARTIFACT", "DELETE_ARTIFACT", "QUOTA_EXCEED"),
                        "enabled",
                        true));
        RegistryClient.check(r, 201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    /** One client's loop: a random change against replica A or B until told to stop. */
    private static void client(
            int client,
            BerthProcess a,
            AtomicReferenceArray<BerthProcess> bs,
            String project,
            String immutable,
            String quota,
            ConcurrentLinkedQueue<Op> ops,
            AtomicBoolean stop) {
        List<String[]> mine = new ArrayList<>(); // [repository, digest, tag] of pushes acknowledged
        String repo = project + "/c" + client;
        String artifacts = "/api/v2.0/projects/" + project + "/repositories/c" + client + "/artifacts/";
        int n = 0;
        while (!stop.get()) {
            n++;
            BerthProcess b = bs.get(0);
            RegistryClient c = (n % 2 == 0 || b == null) ? a.adminClient() : b.adminClient();
            int dice = ThreadLocalRandom.current().nextInt(10);
            if (dice < 4 || mine.isEmpty()) {
                String tag = "t" + client + "-" + n;
                Pushed pushed = push(c, repo, tag, 200);
                ops.add(new Op(Kind.PUSH, repo, pushed.digest(), tag, pushed.status() == 201));
                if (pushed.status() == 201) {
                    mine.add(new String[] {repo, pushed.digest(), tag});
                }
            } else if (dice < 6) {
                String[] target = mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
                int status = status(() ->
                        c.get("/v2/" + target[0] + "/manifests/" + target[2], "Accept", RegistryClient.OCI_MANIFEST));
                ops.add(new Op(Kind.PULL, target[0], target[1], target[2], status == 200));
            } else if (dice < 7) {
                String[] target = mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
                String tag = "x" + client + "-" + n;
                int status = status(() -> postJson(c, artifacts + target[1] + "/tags", Map.of("name", tag)));
                ops.add(new Op(Kind.TAG, target[0], target[1], tag, status == 201));
            } else if (dice < 8) {
                String[] target = mine.remove(ThreadLocalRandom.current().nextInt(mine.size()));
                int status = status(() -> c.delete(artifacts + target[1]));
                ops.add(new Op(Kind.DELETE, target[0], target[1], null, status == 200));
            } else {
                boolean immutability = dice < 9;
                String into = immutability ? immutable + "/c" + client : quota + "/c" + client;
                String tag = immutability ? "fixed" : "q" + n;
                Pushed pushed = push(c, into, tag, immutability ? 100 : 4_000);
                boolean refused = pushed.status() == (immutability ? 412 : 403);
                ops.add(new Op(refused ? Kind.REFUSED : Kind.PUSH, into, pushed.digest(), tag, pushed.status() == 201));
            }
        }
    }

    /** The status of a request, or -1 when no answer came (the replica died under it, or was down). */
    private static int status(java.util.function.Supplier<RegistryClient.Response> request) {
        try {
            return request.get().status();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private record Pushed(String digest, int status) {}

    /** An image with unique content: its manifest's digest and the status of its PUT, or of the blob that failed. */
    private static Pushed push(RegistryClient c, String repo, String tag, int size) {
        byte[] layer = random(size);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"x\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        dev.berth.storage.Digest configDigest = dev.berth.storage.Digest.sha256(config);
        dev.berth.storage.Digest layerDigest = dev.berth.storage.Digest.sha256(layer);
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(RegistryClient.OCI_CONFIG, configDigest, config.length),
                List.of(RegistryClient.descriptor(RegistryClient.OCI_LAYER, layerDigest, layer.length)),
                null,
                null);
        String digest = dev.berth.storage.Digest.sha256(manifest).toString();
        for (var blob : List.of(Map.entry(configDigest, config), Map.entry(layerDigest, layer))) {
            int status = status(() -> c.send(
                    "POST",
                    "/v2/" + repo + "/blobs/uploads/?digest=" + blob.getKey(),
                    blob.getValue(),
                    "Content-Type",
                    "application/octet-stream"));
            if (status != 201) {
                return new Pushed(digest, status);
            }
        }
        return new Pushed(
                digest,
                status(() -> c.send(
                        "PUT",
                        "/v2/" + repo + "/manifests/" + tag,
                        manifest,
                        "Content-Type",
                        RegistryClient.OCI_MANIFEST)));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** The process {@code future} started; if it failed, the {@code other} is stopped too. */
    private static BerthProcess started(Future<BerthProcess> future, Future<BerthProcess> other) throws Exception {
        try {
            return future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            try {
                other.get().close();
            } catch (java.util.concurrent.ExecutionException ignored) {
                // it failed as well
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
