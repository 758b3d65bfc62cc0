package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.Eventually;
import dev.berth.support.HttpRelay;
import dev.berth.support.OneHeavyAtATime;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two Berth replicas on one database and one blob store, a proxy-cache project of Docker's
 * distribution behind a counting {@link HttpRelay}: a blob both replicas miss at once is fetched
 * from the upstream once (the other replica waits for it to be stored), and the fetch lease of a
 * replica that died is taken over once it has expired.
 */
@OneHeavyAtATime
class ProxyReplicasTest {
    private static TestDatabase db;
    private static Path data;
    private static DistributionRegistry upstream;
    private static HttpRelay relay;
    private static BerthServer a;
    private static BerthServer b;
    private static RegistryClient up;
    private static String proxy;
    private static final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.migrated();
        data = Files.createTempDirectory("berth-proxy-replicas-");
        upstream = DistributionRegistry.open();
        relay = HttpRelay.to(upstream.baseUri());
        Map<String, String> props = Map.of(
                "berth.data-dir", data.toString(),
                "berth.outbound.allowed-networks", "127.0.0.1/32",
                "berth.uploads.purge-schedule", "",
                "berth.events.retention-schedule", "",
                "berth.jobs.execution-sweep-schedule", "");
        a = BerthServer.withDatabase(db, props);
        b = BerthServer.withDatabase(db, props);
        up = new RegistryClient(upstream.baseUri());
        RegistryClient admin = a.adminClient();
        RegistryClient.Response r = TestAccounts.postJson(
                admin,
                "/api/v2.0/registries",
                Map.of(
                        "name",
                        TestAccounts.unique("up-"),
                        "type",
                        "docker-registry",
                        "url",
                        relay.baseUri().toString(),
                        "insecure",
                        true));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String location = r.header("Location").orElseThrow();
        long registry = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        proxy = TestAccounts.unique("replicas-");
        r = TestAccounts.postJson(
                admin,
                "/api/v2.0/projects",
                Map.of("project_name", proxy, "registry_id", registry, "metadata", Map.of("public", "false")));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, relay, upstream}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing the rest
                }
            }
        }
        if (db != null) {
            db.close();
        }
        if (data != null) {
            BerthServer.deleteRecursively(data);
        }
    }

    @AfterEach
    void heal() {
        relay.release();
    }

    /**
     * Replica A's fetch is held mid-body by the upstream while replica B misses the same blob: B
     * does not ask the upstream, and once A has stored the blob both clients read it whole.
     */
    @Test
    void concurrentMissesOnTwoReplicasMakeOneUpstreamRequest() throws Exception {
        String name = TestAccounts.unique("shared-");
        byte[] layer = random(2 << 20);
        RegistryClient.Image image = up.pushImage(name, "v1", layer);
        Digest blob = image.layers().getFirst();
        String get = "GET /v2/" + name + "/blobs/" + blob;
        relay.holdBlobsMatching(blob.hex(), 64 << 10);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Digest> viaA = pool.submit(() -> streamBlob(a, proxy + "/" + name, blob));
            Eventually.await(() -> relay.count(get), n -> n == 1);
            Future<Digest> viaB = pool.submit(() -> streamBlob(b, proxy + "/" + name, blob));
            // B has a fetch of its own running: it is waiting for A's (A holds the lease).
            Eventually.await(() -> runningFetches(b), n -> n == 1);
            assertThat(relay.count(get)).isEqualTo(1);
            relay.release();
            assertThat(viaA.get()).isEqualTo(blob);
            assertThat(viaB.get()).isEqualTo(blob);
        }
        assertThat(relay.count(get)).isEqualTo(1);
        Eventually.await(ProxyReplicasTest::leases, n -> n == 0); // released just after the commit
    }

    /**
     * A replica died mid-fetch: its lease stays in the table until it expires. Until then the other
     * replica waits; once it has expired (set here as time passing would), the waiting replica takes
     * the lease over and fetches the blob itself.
     */
    @Test
    void theLeaseOfADeadReplicaIsTakenOverOnceExpired() throws Exception {
        String name = TestAccounts.unique("orphan-");
        RegistryClient.Image image = up.pushImage(name, "v1", random(1 << 20));
        Digest blob = image.layers().getFirst();
        String repository = proxy + "/" + name;
        String key = repository + "@" + blob;
        jdbc().sql("INSERT INTO proxy_fetch_lease (fetch_key, holder, expires_at) VALUES (?, 'a-dead-replica', ?)")
                .param(key)
                .param(Timestamp.from(Instant.now().plus(Duration.ofHours(1))))
                .update();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Digest> viaB = pool.submit(() -> streamBlob(b, repository, blob));
            Eventually.await(() -> runningFetches(b), n -> n == 1);
            assertThat(relay.count("GET /v2/" + name + "/blobs/" + blob)).isZero();
            jdbc().sql("UPDATE proxy_fetch_lease SET expires_at = ? WHERE fetch_key = ?")
                    .param(Timestamp.from(Instant.now().minusSeconds(1)))
                    .param(key)
                    .update();
            assertThat(viaB.get()).isEqualTo(blob);
        }
        assertThat(relay.count("GET /v2/" + name + "/blobs/" + blob)).isEqualTo(1);
        Eventually.await(ProxyReplicasTest::leases, n -> n == 0); // released just after the commit
        // Stored once, in the shared store: replica A answers from it without asking.
        assertThat(streamBlob(a, repository, blob)).isEqualTo(blob);
        assertThat(relay.count("GET /v2/" + name + "/blobs/" + blob)).isEqualTo(1);
    }

    private static int runningFetches(BerthServer server) {
        return server.bean(ProxyCache.class).runningBlobFetches();
    }

    private static long leases() {
        return jdbc().sql("SELECT count(*) FROM proxy_fetch_lease")
                .query(Long.class)
                .single();
    }

    private static JdbcClient jdbc() {
        return a.bean(JdbcClient.class);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random().nextBytes(bytes);
        return bytes;
    }

    private static Digest streamBlob(BerthServer server, String repository, Digest blob) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(server.baseUri() + "/v2/" + repository + "/blobs/" + blob))
                .header("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD))
                .timeout(Duration.ofSeconds(60))
                .build();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = r.body()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return Digest.parse("sha256:" + HexFormat.of().formatHex(sha.digest())).orElseThrow();
    }
}
