package dev.berth.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.NginxBalancer;
import dev.berth.support.OneHeavyAtATime;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three Berth processes behind nginx (round robin, no sticky sessions), one PostgreSQL, one blob
 * store, one signing key. Uploads span replicas, tokens from one replica work on all, jobs and
 * schedules run once, and a replica killed with SIGKILL under concurrent pushes and pulls loses no
 * acknowledged image.
 *
 * <p>The storage is the subclass's: a shared data directory, or one S3 bucket ({@link HighAvailabilityTest}).
 */
@OneHeavyAtATime
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HighAvailabilityScenario {
    private static final String PROJECT = "ha";
    private Replicas replicas;

    /** Where the replicas keep blobs: one shared store, whichever driver. */
    abstract Replicas.Storage storage();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(NginxBalancer.available(), "nginx (Debian package) is needed as the load balancer");
        replicas = Replicas.start(3, storage());
        RegistryClient.check(lb().createProject(PROJECT, false), 201);
    }

    @AfterAll
    void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    private RegistryClient lb() {
        return admin(replicas.balancer.baseUri());
    }

    private RegistryClient replica(int i) {
        return admin(replicas.processes[i].baseUri());
    }

    private static RegistryClient admin(URI base) {
        return new RegistryClient(
                base, Map.of("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD)));
    }

    private static String token(RegistryClient from, String scope) {
        Response r = from.get("/service/token?service=berth&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        RegistryClient.check(r, 200);
        return r.json().path("token").asString();
    }

    private static RegistryClient bearer(URI base, String token) {
        return new RegistryClient(base, Map.of("Authorization", "Bearer " + token));
    }

    @Test
    @Order(1)
    void anUploadSpreadOverThreeReplicasCompletesWithATokenFromAnother() {
        String repo = PROJECT + "/spread";
        // Issued by replica 0, used on 1 and 2 only.
        String token = token(replica(0), "repository:" + repo + ":push,pull");
        RegistryClient a = bearer(replicas.processes[1].baseUri(), token);
        RegistryClient b = bearer(replicas.processes[2].baseUri(), token);
        byte[] blob = new byte[3 * 300_000 + 17];
        ThreadLocalRandom.current().nextBytes(blob);
        Digest digest = Digest.sha256(blob);

        Response post = a.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        RegistryClient.check(post, 202);
        String location = post.header("Location").orElseThrow();
        int chunk = 300_000;
        for (int i = 0; i < 3; i++) {
            RegistryClient on = i % 2 == 0 ? a : b; // PATCHes alternate between replicas 1 and 2
            Response patch = on.send(
                    "PATCH",
                    location,
                    Arrays.copyOfRange(blob, i * chunk, (i + 1) * chunk),
                    "Content-Type",
                    "application/octet-stream",
                    "Content-Range",
                    (i * chunk) + "-" + ((i + 1) * chunk - 1));
            RegistryClient.check(patch, 202);
            location = patch.header("Location").orElseThrow();
        }
        // The last chunk and the commit on a third replica, reached with the same token.
        RegistryClient c = bearer(replicas.processes[0].baseUri(), token);
        Response put = c.send(
                "PUT",
                location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                Arrays.copyOfRange(blob, 3 * chunk, blob.length),
                "Content-Type",
                "application/octet-stream",
                "Content-Range",
                (3 * chunk) + "-" + (blob.length - 1));
        RegistryClient.check(put, 201);

        for (int i = 0; i < 3; i++) {
            Response get = blob(bearer(replicas.processes[i].baseUri(), token), repo, digest);
            assertThat(get.status()).isEqualTo(200);
            assertThat(Digest.sha256(get.body())).isEqualTo(digest);
        }

        // Explicitly: the PATCH on replica 1, the PUT on replica 2.
        byte[] small = "patched on one replica, committed on another".getBytes(StandardCharsets.UTF_8);
        Response start = a.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        String loc = start.header("Location").orElseThrow();
        Response patch = a.send("PATCH", loc, small, "Content-Type", "application/octet-stream");
        RegistryClient.check(patch, 202);
        String after = patch.header("Location").orElseThrow();
        RegistryClient.check(
                b.send("PUT", after + (after.contains("?") ? "&" : "?") + "digest=" + Digest.sha256(small), null), 201);
        RegistryClient.check(c.head("/v2/" + repo + "/blobs/" + Digest.sha256(small)), 200);
    }

    @Test
    @Order(2)
    void aTokenIsHonouredByEveryReplicaAndOnlyForWhatItGrants() throws Exception {
        String repo = PROJECT + "/tokens";
        RegistryClient.Image image = lb().pushImage(repo, "v1", "layer".getBytes(StandardCharsets.UTF_8));
        String pullOnly = token(replica(1), "repository:" + repo + ":pull");
        String forged = signedByAnotherKey(repo);
        for (int i = 0; i < 3; i++) {
            URI base = replicas.processes[i].baseUri();
            Response m =
                    bearer(base, pullOnly).get("/v2/" + repo + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
            assertThat(m.status()).isEqualTo(200);
            assertThat(Digest.sha256(m.body())).isEqualTo(image.manifest());
            // Pull does not grant push, on any replica.
            Response push = bearer(base, pullOnly).send("POST", "/v2/" + repo + "/blobs/uploads/", null);
            assertThat(push.status()).isEqualTo(401);
            // A token signed with another key is refused everywhere.
            Response bad =
                    bearer(base, forged).get("/v2/" + repo + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
            assertThat(bad.status()).isEqualTo(401);
            assertThat(bad.errorCode()).isEqualTo("UNAUTHORIZED");
        }
    }

    @Test
    @Order(3)
    void aPasswordChangedOnOneReplicaStopsWorkingOnAllAtOnce() {
        String name = dev.berth.support.TestUsers.uniqueName("hauser");
        Response created = replica(0)
                .send(
                        "POST",
                        "/api/v2.0/users",
                        dev.berth.support.TestUsers.json(name),
                        "Content-Type",
                        "application/json");
        RegistryClient.check(created, 201);
        String location = created.header("Location").orElseThrow();
        long id = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        String old = dev.berth.support.TestUsers.PASSWORD;
        // Every replica verifies the password once and remembers it.
        for (int i = 0; i < 3; i++) {
            assertThat(asUser(i, name, old).get("/api/v2.0/users/current").status())
                    .isEqualTo(200);
        }
        String fresh = "Changed-Passw0rd";
        RegistryClient.check(
                replica(0)
                        .send(
                                "PUT",
                                "/api/v2.0/users/" + id + "/password",
                                ("{\"new_password\":\"" + fresh + "\"}").getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                "application/json"),
                200);
        for (int i = 0; i < 3; i++) {
            assertThat(asUser(i, name, old).get("/api/v2.0/users/current").status())
                    .as("old password on replica " + i)
                    .isEqualTo(401);
            assertThat(asUser(i, name, old).get("/service/token?service=berth").status())
                    .as("old password at the token service of replica " + i)
                    .isEqualTo(401);
            assertThat(asUser(i, name, fresh).get("/api/v2.0/users/current").status())
                    .isEqualTo(200);
        }
        // Deleted on replica 2: refused by 0 and 1, which remembered the new password.
        RegistryClient.check(replica(2).delete("/api/v2.0/users/" + id), 200);
        for (int i = 0; i < 3; i++) {
            assertThat(asUser(i, name, fresh).get("/api/v2.0/users/current").status())
                    .as("deleted user on replica " + i)
                    .isEqualTo(401);
        }
    }

    private RegistryClient asUser(int replica, String name, String password) {
        return new RegistryClient(
                replicas.processes[replica].baseUri(), Map.of("Authorization", BerthServer.basic(name, password)));
    }

    /** A well-formed token for {@code repo} with every claim right, signed by a key no replica has. */
    private static String signedByAnotherKey(String repo) throws Exception {
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
                .keyIDFromThumbprint(true)
                .generate();
        Instant now = Instant.now();
        var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .issuer(dev.berth.iam.TokenIssuer.ISSUER)
                .subject("admin")
                .audience("berth")
                .issueTime(java.util.Date.from(now))
                .notBeforeTime(java.util.Date.from(now.minusSeconds(1)))
                .expirationTime(java.util.Date.from(now.plusSeconds(600)))
                .claim("access", List.of(Map.of("type", "repository", "name", repo, "actions", List.of("pull"))))
                .build();
        var jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .build(),
                claims);
        jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    @Order(4)
    void manualRunsAndScheduledPeriodsExecuteOnceAcrossReplicas() throws Exception {
        // Manual runs started through the balancer land on whichever replica; each runs once.
        List<Long> manual = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Response r = lb().send(
                            "POST",
                            "/api/v2.0/system/purgeaudit/schedule",
                            "{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"audit_retention_hour\":1,\"dry_run\":true}}"
                                    .getBytes(StandardCharsets.UTF_8),
                            "Content-Type",
                            "application/json");
            RegistryClient.check(r, 201);
            String location = r.header("Location").orElseThrow();
            manual.add(Long.parseLong(location.substring(location.lastIndexOf('/') + 1)));
        }
        Response gc = lb().send(
                        "POST",
                        "/api/v2.0/system/gc/schedule",
                        "{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"delete_untagged\":false,\"dry_run\":true}}"
                                .getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json");
        RegistryClient.check(gc, 201);
        // A schedule firing every second, checked by three replicas every poll interval.
        String every = "{\"schedule\":{\"type\":\"Custom\",\"cron\":\"* * * * * *\"},"
                + "\"parameters\":{\"audit_retention_hour\":1,\"dry_run\":true}}";
        RegistryClient.check(
                lb().send(
                                "PUT",
                                "/api/v2.0/system/purgeaudit/schedule",
                                every.getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                "application/json"),
                200);
        Instant until = Instant.now().plusSeconds(60);
        while (count("SELECT count(*) FROM job_execution WHERE trigger = 'SCHEDULE'") < 5) {
            assertThat(Instant.now()).isBefore(until);
            Thread.sleep(200);
        }
        RegistryClient.check(
                lb().send(
                                "PUT",
                                "/api/v2.0/system/purgeaudit/schedule",
                                "{\"schedule\":{\"type\":\"None\"}}".getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                "application/json"),
                200);
        awaitJobsFinished(Duration.ofSeconds(60));

        for (long id : manual) {
            assertThat(query("SELECT status FROM job_execution WHERE id = " + id))
                    .containsExactly("Success");
        }
        // Each scheduled period fired once: no two executions for the same scheduled time.
        List<String> periods =
                query("SELECT extra_attrs->>'scheduled_time' FROM job_execution WHERE trigger = 'SCHEDULE'");
        assertThat(periods).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(5);
        assertRanOnce(Set.of());
    }

    @Test
    @Order(5)
    void concurrentPushesAndPullsLoseNothingWhenAReplicaIsKilled() throws Exception {
        int pushers = 3;
        ConcurrentLinkedQueue<Pushed> acknowledged = new ConcurrentLinkedQueue<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger abandoned = new AtomicInteger();
        AtomicInteger verifiedPulls = new AtomicInteger();
        AtomicBoolean pushing = new AtomicBoolean(true);
        Set<String> killedPools = new HashSet<>();
        int victim = 1;
        int restartedAt = 0;
        URI lb = replicas.balancer.baseUri();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> pushes = new ArrayList<>();
            for (int p = 0; p < pushers; p++) {
                String repo = PROJECT + "/load-" + p;
                pushes.add(pool.submit(() -> {
                    RegistryClient client = bearer(lb, token(admin(lb), "repository:" + repo + ":push,pull"));
                    for (int i = 0; pushing.get(); i++) {
                        try {
                            push(client, repo, "v" + i).ifPresent(acknowledged::add);
                        } catch (Transient e) {
                            abandoned.incrementAndGet();
                        } catch (AssertionError e) {
                            failures.add(repo + ":v" + i + " " + e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> pulls = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                pulls.add(pool.submit(() -> {
                    RegistryClient client = lb();
                    while (pushing.get()) {
                        List<Pushed> done = List.copyOf(acknowledged);
                        if (done.isEmpty()) {
                            Thread.sleep(50);
                            continue;
                        }
                        Pushed image = done.get(ThreadLocalRandom.current().nextInt(done.size()));
                        try {
                            verify(client, image);
                            verifiedPulls.incrementAndGet();
                        } catch (Transient e) {
                            // the replica serving it died mid-response; a client retries
                        } catch (AssertionError e) {
                            failures.add("pull " + image + ": " + e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            // A garbage collection started through the balancer runs meanwhile, on some replica.
            Response gc = lb().send(
                            "POST",
                            "/api/v2.0/system/gc/schedule",
                            "{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"delete_untagged\":true,\"workers\":2}}"
                                    .getBytes(StandardCharsets.UTF_8),
                            "Content-Type",
                            "application/json");
            RegistryClient.check(gc, 201);

            try {
                awaitAcknowledged(acknowledged, 5);
                killedPools.addAll(
                        query("SELECT id FROM job_worker_pool WHERE pid = " + replicas.processes[victim].pid()));
                replicas.kill(victim);
                awaitAcknowledged(acknowledged, 10);
                replicas.restart(victim); // pushes and pulls go on while it starts
                restartedAt = replicas.balancer.accessLog().size();
                // ... and after it is back, until the balancer sends it uploads again.
                awaitUploadsOn(victim, restartedAt);
                awaitAcknowledged(acknowledged, acknowledged.size() + 3);
            } finally {
                pushing.set(false);
            }
            for (Future<?> f : pushes) {
                f.get();
            }
            for (Future<?> f : pulls) {
                f.get();
            }
        }

        System.out.printf(
                "ha: acknowledged=%d abandoned=%d verified_pulls=%d killed_pools=%s failures=%s%n",
                acknowledged.size(), abandoned.get(), verifiedPulls.get(), killedPools, failures);
        assertThat(failures).isEmpty();
        assertThat(killedPools).isNotEmpty();
        // The test means something only if most pushes went through and pulls ran during the kill.
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(16);
        assertThat(abandoned.get()).as("pushes cut short by the kill").isLessThan(acknowledged.size());
        assertThat(verifiedPulls.get()).isPositive();
        // Every acknowledged image is intact, through the balancer and from each replica.
        for (Pushed image : acknowledged) {
            verify(lb(), image);
            for (int i = 0; i < 3; i++) {
                verify(replica(i), image);
            }
        }
        // The balancer spread the uploads: every replica took PATCH requests.
        Map<String, Integer> patchesByReplica = new HashMap<>();
        for (String line : replicas.balancer.accessLog()) {
            if (line.startsWith("PATCH ") && line.contains(" 202 ")) {
                patchesByReplica.merge(line.substring(line.lastIndexOf(' ') + 1), 1, Integer::sum);
            }
        }
        System.out.println("ha: accepted PATCHes by replica " + patchesByReplica);
        assertThat(patchesByReplica).hasSize(3);
        awaitJobsFinished(Duration.ofSeconds(90));
        assertRanOnce(killedPools);
        assertThat(query("SELECT DISTINCT status FROM job_execution WHERE vendor_type = 'GARBAGE_COLLECTION'"))
                .containsOnly("Success");
    }

    /** An image whose manifest PUT was answered 201: it must pull intact forever after. */
    record Pushed(String repository, String tag, Digest manifest, Map<Digest, Integer> blobs) {}

    /** A request that failed because a replica died under it: the client would retry. */
    static final class Transient extends RuntimeException {
        Transient(String message) {
            super(message, null, false, false);
        }
    }

    private static Response call(RegistryClient client, String method, String path, byte[] body, String... headers) {
        Response r;
        try {
            r = client.send(method, path, body, headers);
        } catch (UncheckedIOException e) {
            throw new Transient(method + " " + path + ": " + e.getCause());
        }
        if (r.status() == 502 || r.status() == 503 || r.status() == 504) {
            throw new Transient(method + " " + path + ": " + r.status());
        }
        return r;
    }

    private static java.util.Optional<Pushed> push(RegistryClient client, String repo, String tag) {
        byte[] config =
                ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                                + "\"tag\":\"" + repo + ":" + tag + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
        Map<Digest, Integer> blobs = new HashMap<>();
        Digest configDigest = upload(client, repo, config, 1);
        blobs.put(configDigest, config.length);
        List<String> layers = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            byte[] layer = new byte[100_000 + ThreadLocalRandom.current().nextInt(200_000)];
            ThreadLocalRandom.current().nextBytes(layer);
            Digest d = upload(client, repo, layer, 3);
            blobs.put(d, layer.length);
            layers.add(RegistryClient.descriptor(RegistryClient.OCI_LAYER, d, layer.length));
        }
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(RegistryClient.OCI_CONFIG, configDigest, config.length), layers, null, null);
        Response r = call(
                client,
                "PUT",
                "/v2/" + repo + "/manifests/" + tag,
                manifest,
                "Content-Type",
                RegistryClient.OCI_MANIFEST);
        RegistryClient.check(r, 201);
        Digest digest = Digest.sha256(manifest);
        assertThat(r.header("Docker-Content-Digest")).contains(digest.toString());
        return java.util.Optional.of(new Pushed(repo, tag, digest, blobs));
    }

    /** POST, {@code chunks} PATCHes with Content-Range and a PUT: round robin spreads them over replicas. */
    private static Digest upload(RegistryClient client, String repo, byte[] content, int chunks) {
        Digest digest = Digest.sha256(content);
        Response post = call(client, "POST", "/v2/" + repo + "/blobs/uploads/", null);
        RegistryClient.check(post, 202);
        String location = post.header("Location").orElseThrow();
        int size = (content.length + chunks - 1) / chunks;
        for (int from = 0; from < content.length; from += size) {
            int to = Math.min(content.length, from + size);
            Response patch = call(
                    client,
                    "PATCH",
                    location,
                    Arrays.copyOfRange(content, from, to),
                    "Content-Type",
                    "application/octet-stream",
                    "Content-Range",
                    from + "-" + (to - 1));
            RegistryClient.check(patch, 202);
            location = patch.header("Location").orElseThrow();
        }
        Response put = call(client, "PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest, null);
        if (put.status() == 404 && put.errorCode().equals("BLOB_UPLOAD_UNKNOWN")) {
            // nginx retried an idempotent PUT whose first attempt died with the killed replica after
            // committing, or after placing the bytes without recording them: the client starts again
            throw new Transient("PUT retried after commit");
        }
        RegistryClient.check(put, 201);
        return digest;
    }

    /**
     * A blob GET as a client makes it: a redirect to object storage (a presigned URL) is followed,
     * without the registry's credentials.
     */
    private static Response blob(RegistryClient client, String repo, Digest digest) {
        Response r = call(client, "GET", "/v2/" + repo + "/blobs/" + digest, null);
        if (r.status() == 307) {
            String location = r.header("Location").orElseThrow();
            return call(new RegistryClient(URI.create(location)), "GET", location, null);
        }
        return r;
    }

    private static void verify(RegistryClient client, Pushed image) {
        Response m = call(
                client,
                "GET",
                "/v2/" + image.repository() + "/manifests/" + image.tag(),
                null,
                "Accept",
                RegistryClient.OCI_MANIFEST);
        RegistryClient.check(m, 200);
        assertThat(Digest.sha256(m.body())).isEqualTo(image.manifest());
        for (var blob : image.blobs().entrySet()) {
            Response b = blob(client, image.repository(), blob.getKey());
            RegistryClient.check(b, 200);
            assertThat(b.body()).hasSize(blob.getValue());
            assertThat(Digest.sha256(b.body())).isEqualTo(blob.getKey());
        }
    }

    /** Waits until the replica has accepted a PATCH through the balancer after access log line {@code from}. */
    private void awaitUploadsOn(int replica, int from) throws InterruptedException {
        String address = " 202 127.0.0.1:" + replicas.ports[replica];
        Instant until = Instant.now().plusSeconds(90);
        while (true) {
            List<String> log = replicas.balancer.accessLog();
            if (log.subList(from, log.size()).stream()
                    .anyMatch(line -> line.startsWith("PATCH ") && line.endsWith(address))) {
                return;
            }
            assertThat(Instant.now())
                    .as("the restarted replica serves uploads again")
                    .isBefore(until);
            Thread.sleep(50);
        }
    }

    private static void awaitAcknowledged(ConcurrentLinkedQueue<Pushed> acknowledged, int atLeast)
            throws InterruptedException {
        Instant until = Instant.now().plusSeconds(90);
        while (acknowledged.size() < atLeast) {
            assertThat(Instant.now()).as("pushes are acknowledged").isBefore(until);
            Thread.sleep(20);
        }
    }

    private void awaitJobsFinished(Duration timeout) throws Exception {
        Instant until = Instant.now().plus(timeout);
        while (count("SELECT count(*) FROM job_task WHERE status IN ('Pending', 'Running')") > 0) {
            assertThat(Instant.now())
                    .as("jobs finish: "
                            + query("SELECT id || ' ' || job_type || ' ' || status FROM job_task"
                                    + " WHERE status IN ('Pending', 'Running')"))
                    .isBefore(until);
            Thread.sleep(200);
        }
    }

    /**
     * Every task ran exactly once: one attempt, one "started" line in its log. A task whose attempt
     * was on a killed replica's pool may have a second attempt (that is the at-least-once rerun of
     * crashed work), but never two attempts running side by side on live replicas.
     */
    private void assertRanOnce(Set<String> killedPools) throws Exception {
        List<String> rows = query("""
                SELECT t.id || '|' || t.run_count || '|' || t.status || '|' ||
                       coalesce(string_agg(l.line, '~' ORDER BY l.id) FILTER (WHERE l.line LIKE 'attempt % started on %'), '')
                FROM job_task t LEFT JOIN job_task_log l ON l.task_id = t.id
                GROUP BY t.id ORDER BY t.id
                """);
        assertThat(rows).isNotEmpty();
        for (String row : rows) {
            String[] f = row.split("\\|", 4);
            List<String> starts = f[3].isEmpty() ? List.of() : List.of(f[3].split("~"));
            assertThat(starts).as("task " + f[0] + " start lines").hasSize(Integer.parseInt(f[1]));
            boolean crashed = starts.stream().anyMatch(s -> killedPools.stream().anyMatch(s::contains));
            if (!crashed) {
                assertThat(Integer.parseInt(f[1])).as("attempts of task " + row).isEqualTo(1);
            }
            assertThat(f[2]).as("task " + row).isEqualTo("Success");
        }
    }

    private long count(String sql) throws Exception {
        return Long.parseLong(query(sql).getFirst());
    }

    private List<String> query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(replicas.db.jdbcUrl(), replicas.db.user(), "");
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
