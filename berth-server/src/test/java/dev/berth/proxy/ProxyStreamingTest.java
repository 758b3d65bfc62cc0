package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.Eventually;
import dev.berth.support.HttpRelay;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * First pulls stream: clients read an uncached blob while Berth fetches it (one upstream GET for
 * any number of them), a broken transfer resumes with a {@code Range} request, and an upstream
 * that wants a login is reached with the endpoint's credentials. Docker's distribution is the
 * upstream, behind a counting {@link HttpRelay} that can hold or cut a blob mid-body.
 */
class ProxyStreamingTest {
    private static final String ACCEPT =
            String.join(", ", RegistryClient.OCI_INDEX, RegistryClient.OCI_MANIFEST, RegistryClient.DOCKER_MANIFEST);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USER = "mirror-bot";
    private static final String PASSWORD = "Up-Stream-2026";

    private static DistributionRegistry upstream;
    private static DistributionRegistry locked;
    private static HttpRelay relay;
    private static BerthServer server;
    private static RegistryClient admin;
    private static RegistryClient up;
    private static String proxy;
    private static final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    @BeforeAll
    static void start() {
        upstream = DistributionRegistry.open();
        locked = DistributionRegistry.withBasicAuth(USER, PASSWORD);
        relay = HttpRelay.to(upstream.baseUri());
        server = BerthServer.withExternalDatabase(Map.of(
                "berth.outbound.allowed-networks", "127.0.0.1/32",
                "berth.proxy-cache.read-timeout", "20s",
                // No test here revalidates a tag; with the default 60 s, a loaded machine's slow first
                // pull left the tag due for a HEAD before the "a cached pull asks nothing" check.
                "berth.proxy-cache.revalidate-after", "1h",
                "berth.uploads.purge-schedule", "",
                "berth.events.retention-schedule", "",
                "berth.jobs.execution-sweep-schedule", ""));
        admin = server.adminClient();
        // A run across midnight UTC would fire the proxy project's default retention (keep what was
        // pulled in 7 days) between a first pull and its count. No test here is about schedules.
        TestAccounts.pauseScheduler(admin);
        up = new RegistryClient(upstream.baseUri());
        proxy = proxyProject(endpoint(relay.baseUri().toString(), Map.of()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (locked != null) {
            locked.close();
        }
    }

    @AfterEach
    void heal() {
        relay.release();
        relay.stopCorrupting();
    }

    private static long endpoint(String url, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(
                Map.of("name", TestAccounts.unique("up-"), "type", "docker-registry", "url", url, "insecure", true));
        body.putAll(extra);
        RegistryClient.Response r = TestAccounts.postJson(admin, "/api/v2.0/registries", body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private static String proxyProject(long registryId) {
        return proxyProject(registryId, Map.of("public", "false"));
    }

    private static String proxyProject(long registryId, Map<String, String> metadata) {
        String name = TestAccounts.unique("stream-");
        RegistryClient.Response r = TestAccounts.postJson(
                admin,
                "/api/v2.0/projects",
                Map.of("project_name", name, "registry_id", registryId, "metadata", metadata));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return name;
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random().nextBytes(b);
        return b;
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                .header("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD))
                .header("Accept", ACCEPT)
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    /** A blob read to its end, hashed as it streams; counts the answer's headers as they come. */
    private static Digest streamBlob(String repository, Digest blob, AtomicInteger answered) throws Exception {
        HttpResponse<InputStream> r =
                http.send(get("/v2/" + repository + "/blobs/" + blob), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        answered.incrementAndGet();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = r.body()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
                total += n;
            }
        }
        assertThat(total)
                .isEqualTo(r.headers().firstValueAsLong("Content-Length").orElseThrow());
        return Digest.parse("sha256:" + HexFormat.of().formatHex(sha.digest())).orElseThrow();
    }

    /** A whole pull: the manifest, then every blob streamed and verified. */
    private static Digest pull(String repository, String tag, AtomicInteger answered) throws Exception {
        HttpResponse<byte[]> m =
                http.send(get("/v2/" + repository + "/manifests/" + tag), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(m.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(m.body());
        List<String> blobs = new ArrayList<>();
        blobs.add(body.path("config").path("digest").asString());
        body.path("layers").forEach(l -> blobs.add(l.path("digest").asString()));
        for (String blob : blobs) {
            Digest expected = Digest.parse(blob).orElseThrow();
            assertThat(streamBlob(repository, expected, answered)).isEqualTo(expected);
        }
        return Digest.sha256(m.body());
    }

    /**
     * 51 clients pull an uncached image while the upstream holds its 16 MiB layer mid-body: every
     * client gets the answer's headers and the bytes so far before the upstream has sent it all,
     * the first is killed mid-blob, the other 50 read it whole and verify it, and the upstream saw
     * one GET per blob. 16 MiB rather than 64: fifty copies of 64 MiB through one JVM take minutes
     * on CI's two shared cores and prove nothing more; bench/proxy-cache.sh pulls 64 MiB.
     */
    @Test
    void fiftyFirstPullsStreamOneUpstreamCopyAndAKilledClientDoesNotAbortIt() throws Exception {
        String name = TestAccounts.unique("big-");
        String local = proxy + "/" + name;
        byte[] layer = random(16 << 20);
        RegistryClient.Image image = up.pushImage(name, "v1", layer);
        Digest layerDigest = image.layers().getFirst();
        relay.holdBlobsMatching(layerDigest.hex(), 4 << 20);

        // The first client: the manifest comes at once, the layer's first bytes while the upstream holds it.
        AtomicInteger answered = new AtomicInteger();
        HttpResponse<byte[]> manifest =
                http.send(get("/v2/" + local + "/manifests/v1"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(Digest.sha256(manifest.body())).isEqualTo(image.manifest());
        long firstBytes;
        try (Socket first = new Socket("127.0.0.1", server.port())) {
            first.getOutputStream()
                    .write(("GET /v2/" + local + "/blobs/" + layerDigest + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                                    + BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            first.getOutputStream().flush();
            InputStream in = first.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < (1 << 20)) {
                int n = in.read(buffer);
                assertThat(n)
                        .as("bytes before the upstream has sent the whole layer")
                        .isPositive();
                read += n;
            }
            firstBytes = read;
        } // killed mid-blob
        assertThat(firstBytes).isGreaterThanOrEqualTo(1 << 20);

        int clients = 50;
        List<Future<Digest>> pulls = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                pulls.add(pool.submit(() -> pull(local, "v1", answered)));
            }
            // every client has its blob answers going (config and layer) while the layer is still held upstream
            Eventually.await(Duration.ofSeconds(60), answered::get, n -> n >= 2 * clients);
            relay.release();
            for (Future<Digest> f : pulls) {
                assertThat(f.get()).isEqualTo(image.manifest());
            }
        }

        assertThat(relay.count("GET /v2/" + name + "/manifests/v1")).isEqualTo(1);
        assertThat(relay.count("GET /v2/" + name + "/blobs/" + layerDigest)).isEqualTo(1);
        assertThat(relay.count("GET /v2/" + name + "/blobs/" + image.config())).isEqualTo(1);
        // stored and listed like a pushed image once the fetch has ended
        Eventually.await(
                () -> admin.get("/api/v2.0/projects/" + proxy + "/repositories/" + name + "/artifacts"),
                r -> r.status() == 200 && r.json().size() == 1);
        int before = relay.countContaining("/v2/" + name + "/");
        assertThat(pull(local, "v1", new AtomicInteger())).isEqualTo(image.manifest());
        assertThat(relay.countContaining("/v2/" + name + "/")).isEqualTo(before);
    }

    @Test
    void aTransferThatBreaksOffIsResumedFromWhereItStoppedWithARange() throws Exception {
        String name = TestAccounts.unique("resume-");
        String local = proxy + "/" + name;
        RegistryClient.Image image = up.pushImage(name, "v1", random(3 << 20));
        Digest layerDigest = image.layers().getFirst();
        relay.cutBlobOnce(layerDigest.hex(), 1 << 20);

        assertThat(pull(local, "v1", new AtomicInteger())).isEqualTo(image.manifest());

        assertThat(relay.count("GET /v2/" + name + "/blobs/" + layerDigest)).isEqualTo(2);
        assertThat(relay.ranges())
                .containsExactly("/v2/" + name + "/blobs/" + layerDigest + " bytes=" + (1 << 20) + "-");
    }

    @Test
    void aBlobThatDoesNotMatchItsDigestBreaksTheStreamingClientsAndIsNotStored() throws Exception {
        String name = TestAccounts.unique("liar-");
        String local = proxy + "/" + name;
        RegistryClient.Image image = up.pushImage(name, "v1", random(2 << 20));
        Digest layerDigest = image.layers().getFirst();
        relay.corruptBlobsMatching(layerDigest.hex());
        // the manifest is verified and answered; its layer is what lies
        HttpResponse<byte[]> manifest =
                http.send(get("/v2/" + local + "/manifests/v1"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(manifest.statusCode()).isEqualTo(200);

        HttpResponse<InputStream> r =
                http.send(get("/v2/" + local + "/blobs/" + layerDigest), HttpResponse.BodyHandlers.ofInputStream());
        long read = 0;
        boolean broke = false;
        if (r.statusCode() == 200) {
            try (InputStream in = r.body()) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    read += n;
                }
            } catch (IOException expected) {
                broke = true;
            }
            // every byte but the last at most: the last is held until the digest is verified
            assertThat(broke).as("the connection breaks, read " + read).isTrue();
            assertThat(read).isLessThan(2 << 20);
        } else {
            assertThat(r.statusCode()).isEqualTo(502);
        }
        Long stored = new TestAccounts(server)
                .jdbc()
                .sql("SELECT count(*) FROM blob WHERE digest = ?")
                .param(layerDigest.toString())
                .query(Long.class)
                .single();
        assertThat(stored).isZero();
        // the image's caching failed with its layer: no artifact
        Eventually.await(
                () -> admin.get("/api/v2.0/projects/" + proxy + "/repositories/" + name + "/artifacts"),
                a -> a.status() == 404 || (a.status() == 200 && a.json().isEmpty()));

        relay.stopCorrupting();
        assertThat(streamBlob(local, layerDigest, new AtomicInteger())).isEqualTo(layerDigest);
    }

    /** Harbor's max_upstream_conn: Berth queues blob transfers beyond it (Harbor answers 429). */
    @Test
    void maxUpstreamConnLimitsConcurrentBlobTransfersAndQueuesTheRest() throws Exception {
        HttpRelay own = HttpRelay.to(upstream.baseUri());
        try {
            String limited = proxyProject(
                    endpoint(own.baseUri().toString(), Map.of()), Map.of("public", "false", "max_upstream_conn", "1"));
            String name = TestAccounts.unique("queued-");
            RegistryClient.Image image = up.pushImage(name, "v1", random(1 << 20), random(1 << 20), random(1 << 20));
            own.holdBlobsMatching(image.layers().getFirst().hex(), 1000);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Digest> pulling = pool.submit(() -> pull(limited + "/" + name, "v1", new AtomicInteger()));
                Eventually.await(
                        () -> own.count(
                                "GET /v2/" + name + "/blobs/" + image.layers().getFirst()),
                        n -> n == 1);
                own.release();
                assertThat(pulling.get()).isEqualTo(image.manifest());
            }
            assertThat(own.mostBlobsInFlight()).isEqualTo(1);
            // without the limit, the same image's blobs come in parallel
            String name2 = TestAccounts.unique("parallel-");
            RegistryClient.Image again = up.pushImage(name2, "v1", random(1 << 20), random(1 << 20), random(1 << 20));
            own.holdBlobsMatching("/" + name2 + "/", 1000); // every blob of the image, held together
            String open = proxyProject(endpoint(own.baseUri().toString(), Map.of()));
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Digest> pulling = pool.submit(() -> pull(open + "/" + name2, "v1", new AtomicInteger()));
                Eventually.await(own::mostBlobsInFlight, n -> n == 4);
                own.release();
                assertThat(pulling.get()).isEqualTo(again.manifest());
            }
        } finally {
            own.close();
        }
    }

    @Test
    void theCacheStatusShowsTagsAndTheUpstreamsRateLimitToMembersOnly() throws Exception {
        String name = TestAccounts.unique("status-");
        String local = proxy + "/" + name;
        RegistryClient.Image image = up.pushImage(name, "v1", random(1000));
        relay.addHeader("ratelimit-remaining", "97;w=21600");
        relay.addHeader("ratelimit-limit", "100;w=21600");
        assertThat(pull(local, "v1", new AtomicInteger())).isEqualTo(image.manifest());

        JsonNode status =
                admin.get("/api/v2.0/projects/" + proxy + "/proxy-cache").json();
        assertThat(status.path("registry_type").asString()).isEqualTo("docker-registry");
        assertThat(status.path("rate_limit").path("remaining").asString()).isEqualTo("97;w=21600");
        assertThat(status.path("rate_limit").path("limit").asString()).isEqualTo("100;w=21600");
        assertThat(status.path("upstream_held_until").isNull()).isTrue();
        Eventually.await(
                () -> admin.get("/api/v2.0/projects/" + proxy + "/proxy-cache/tags?page_size=100"),
                r -> r.text().contains("\"" + local + "\""));
        RegistryClient.Response tags = admin.get("/api/v2.0/projects/" + proxy + "/proxy-cache/tags?page_size=100");
        assertThat(tags.header("X-Total-Count")).isPresent();
        JsonNode row = null;
        for (JsonNode t : tags.json()) {
            if (t.path("repository_name").asString().equals(local)) {
                row = t;
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.path("tag").asString()).isEqualTo("v1");
        assertThat(row.path("upstream_digest").asString())
                .isEqualTo(image.manifest().toString());
        assertThat(row.path("stale").asBoolean()).isFalse();
        assertThat(row.path("last_revalidation").asString()).isNotEmpty();

        // members read it; others do not learn the project exists; a normal project has no cache status
        TestAccounts accounts = new TestAccounts(server);
        TestAccounts.Account guest = accounts.user("guest-");
        TestAccounts.Account stranger = accounts.user("stranger-");
        accounts.member(proxy, guest, dev.berth.iam.ProjectRole.GUEST);
        assertThat(guest.client()
                        .get("/api/v2.0/projects/" + proxy + "/proxy-cache")
                        .status())
                .isEqualTo(200);
        assertThat(guest.client()
                        .get("/api/v2.0/projects/" + proxy + "/proxy-cache/tags")
                        .status())
                .isEqualTo(200);
        assertThat(stranger.client()
                        .get("/api/v2.0/projects/" + proxy + "/proxy-cache")
                        .status())
                .isEqualTo(404);
        assertThat(stranger.client()
                        .get("/api/v2.0/projects/" + proxy + "/proxy-cache/tags")
                        .status())
                .isEqualTo(404);
        assertThat(server.anonymousClient()
                        .get("/api/v2.0/projects/" + proxy + "/proxy-cache")
                        .status())
                .isEqualTo(401);
        String normal = accounts.project("plain-", false);
        assertThat(admin.get("/api/v2.0/projects/" + normal + "/proxy-cache").status())
                .isEqualTo(404);
    }

    @Test
    void anUpstreamThatWantsALoginIsReachedWithTheEndpointsCredentials() throws Exception {
        RegistryClient owner =
                new RegistryClient(locked.baseUri(), Map.of("Authorization", BerthServer.basic(USER, PASSWORD)));
        String name = TestAccounts.unique("private-");
        RegistryClient.Image image = owner.pushImage(name, "v1", random(100_000));
        String withLogin = proxyProject(endpoint(
                locked.baseUri().toString(),
                Map.of("credential", Map.of("type", "basic", "access_key", USER, "access_secret", PASSWORD))));
        assertThat(pull(withLogin + "/" + name, "v1", new AtomicInteger())).isEqualTo(image.manifest());
        assertThat(pull(withLogin + "/" + name, image.manifest().toString(), new AtomicInteger()))
                .isEqualTo(image.manifest());

        // an endpoint whose login the upstream refuses is refused when it is registered
        RegistryClient.Response wrong = TestAccounts.postJson(
                admin,
                "/api/v2.0/registries",
                Map.of(
                        "name", TestAccounts.unique("up-"),
                        "type", "docker-registry",
                        "url", locked.baseUri().toString(),
                        "insecure", true,
                        "credential", Map.of("type", "basic", "access_key", USER, "access_secret", "wrong")));
        assertThat(wrong.status()).as(wrong.text()).isEqualTo(400);
    }
}
