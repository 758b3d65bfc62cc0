package dev.berth.proxy;

import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.registry.clients.ContainerTools;
import dev.berth.registry.clients.OciLayout;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.Eventually;
import dev.berth.support.HttpRelay;
import dev.berth.support.MutableClock;
import dev.berth.support.RegistryClient;
import dev.berth.support.TcpProxy;
import dev.berth.support.TestAccounts;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import tools.jackson.databind.JsonNode;

/**
 * Proxy-cache projects against a real upstream: Debian's docker-registry, behind a counting and
 * fault-injecting {@link HttpRelay}, behind a {@link TcpProxy} that can cut the line. One Berth
 * (with a clock the tests move) and one upstream serve every test; each test uses its own
 * repositories, so the relay's counts per path are each test's own.
 */
class ProxyCacheTest {
    private static final String NEVER = "0001-01-01T00:00:00.000Z";
    private static final String ACCEPT = String.join(
            ", ",
            RegistryClient.OCI_INDEX,
            RegistryClient.OCI_MANIFEST,
            RegistryClient.DOCKER_MANIFEST,
            RegistryClient.DOCKER_LIST);

    private static TestDatabase db;
    private static BerthServer server;
    private static MutableClock clock;
    private static DistributionRegistry upstream;
    private static HttpRelay relay;
    private static TcpProxy line;
    private static RegistryClient admin;
    private static RegistryClient up;
    private static long endpointId;
    private static String proxy;
    private static String hub;
    private static String mirror;
    private static Path skopeoPolicy;

    @BeforeAll
    static void start() throws IOException {
        upstream = DistributionRegistry.open();
        relay = HttpRelay.to(upstream.baseUri());
        line = TcpProxy.start("127.0.0.1", relay.port());
        db = TestDatabase.migrated();
        mirror = TestAccounts.unique("mirror-");
        server = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.outbound.allowed-networks", "127.0.0.1/32",
                        "berth.proxy-cache.revalidate-after", "60s",
                        "berth.proxy-cache.read-timeout", "10s",
                        "berth.proxy-cache.mirror-project", mirror,
                        "berth.uploads.purge-schedule", "",
                        "berth.events.retention-schedule", "",
                        "berth.jobs.execution-sweep-schedule", ""),
                MutableClock.Config.class);
        clock = server.bean(MutableClock.class);
        admin = server.adminClient();
        // The tests move the clock by more than half a day in all; the proxy projects' default
        // retention (daily at midnight, keep what was pulled in 7 days) would then fire mid-test and
        // delete a just-cached image whose pull is not yet counted. No test here is about schedules.
        TestAccounts.pauseScheduler(admin);
        up = new RegistryClient(upstream.baseUri());
        String url = "http://127.0.0.1:" + line.port();
        endpointId = endpoint("docker-registry", url);
        long hubId = endpoint("docker-hub", url);
        proxy = proxyProject("proxy-", endpointId, false);
        hub = proxyProject("hub-", hubId, false);
        assertThat(createProject(mirror, endpointId, true).status()).isEqualTo(201);
        skopeoPolicy = Files.createTempFile("skopeo-policy", ".json");
        Files.writeString(skopeoPolicy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
        if (line != null) {
            line.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (skopeoPolicy != null) {
            Files.deleteIfExists(skopeoPolicy);
        }
    }

    @AfterEach
    void healUpstream() {
        relay.mode(HttpRelay.Mode.PASS);
        relay.stopCorrupting();
        // the line may have been cut by the test
        try {
            line.restore();
        } catch (RuntimeException alreadyListening) {
            // it was not cut
        }
        // past any Retry-After a test provoked
        clock.advance(Duration.ofHours(1));
    }

    private static long endpoint(String type, String url) {
        RegistryClient.Response r = postJson(
                admin,
                "/api/v2.0/registries",
                Map.of("name", TestAccounts.unique(type + "-"), "type", type, "url", url, "insecure", true));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private static RegistryClient.Response createProject(String name, Object registryId, boolean isPublic) {
        return postJson(
                admin,
                "/api/v2.0/projects",
                Map.of(
                        "project_name",
                        name,
                        "registry_id",
                        registryId,
                        "metadata",
                        Map.of("public", Boolean.toString(isPublic), "proxy_speed_kb", "-1")));
    }

    private static String proxyProject(String prefix, long registryId, boolean isPublic) {
        String name = TestAccounts.unique(prefix);
        RegistryClient.Response r = createProject(name, registryId, isPublic);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return name;
    }

    private static String repo(String prefix) {
        return TestAccounts.unique(prefix);
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random().nextBytes(b);
        return b;
    }

    /** Pulls a manifest and every blob it names (for an image) through Berth, checking every digest. */
    private static Digest pull(String repository, String reference) {
        RegistryClient.Response m = admin.get("/v2/" + repository + "/manifests/" + reference, "Accept", ACCEPT);
        assertThat(m.status()).as(m.text()).isEqualTo(200);
        Digest digest = Digest.sha256(m.body());
        assertThat(m.header("Docker-Content-Digest")).contains(digest.toString());
        JsonNode body = m.json();
        List<String> blobs = new ArrayList<>();
        if (body.has("config")) {
            blobs.add(body.path("config").path("digest").asString());
            body.path("layers").forEach(l -> blobs.add(l.path("digest").asString()));
        }
        for (String blob : blobs) {
            RegistryClient.Response b = admin.get("/v2/" + repository + "/blobs/" + blob);
            assertThat(b.status()).as(b.text()).isEqualTo(200);
            assertThat(Digest.sha256(b.body()).toString()).isEqualTo(blob);
        }
        return digest;
    }

    /**
     * Waits until a first pull's image is stored: the client has it as soon as its bytes are
     * verified, the artifact is recorded once its last blob is.
     */
    private static void awaitStored(String project, String repository, String reference) {
        Eventually.await(
                () -> admin.get("/api/v2.0/projects/" + project + "/repositories/" + repository.replace("/", "%252F")
                                + "/artifacts/" + reference)
                        .status(),
                status -> status == 200);
    }

    private static RegistryClient.Response manifest(String repository, String reference) {
        return admin.get("/v2/" + repository + "/manifests/" + reference, "Accept", ACCEPT);
    }

    // ---- projects -----------------------------------------------------------------------------

    @Test
    void aProxyProjectNeedsAnEndpointThatCanBeOneAndShowsItsRegistryId() {
        RegistryClient.Response missing = createProject(TestAccounts.unique("p-"), 999_999, false);
        assertThat(missing.status()).as(missing.text()).isEqualTo(400);
        assertThat(missing.text()).contains("registry 999999 not found");
        long dtr = endpoint("dtr", "http://127.0.0.1:" + line.port());
        RegistryClient.Response unsupported = createProject(TestAccounts.unique("p-"), dtr, false);
        assertThat(unsupported.status()).as(unsupported.text()).isEqualTo(400);
        assertThat(unsupported.text()).contains("unsupported registry type dtr");
        RegistryClient.Response negative = createProject(TestAccounts.unique("p-"), -1, false);
        assertThat(negative.status()).isEqualTo(400);

        TestAccounts.Account user = new TestAccounts(server).user("pc-user-");
        RegistryClient.Response byUser = postJson(
                user.client(),
                "/api/v2.0/projects",
                Map.of("project_name", TestAccounts.unique("p-"), "registry_id", endpointId));
        assertThat(byUser.status()).as(byUser.text()).isEqualTo(403);
        assertThat(byUser.text()).contains("Only system admin can create proxy cache project");

        JsonNode project = admin.get("/api/v2.0/projects/" + proxy).json();
        assertThat(project.path("registry_id").asLong()).isEqualTo(endpointId);
        assertThat(project.path("metadata").path("proxy_speed_kb").asString()).isEqualTo("-1");
        JsonNode normal = admin.get("/api/v2.0/projects/library").json();
        assertThat(normal.path("registry_id").asLong()).isZero();

        // Harbor's default retention for a proxy cache: keep what was pulled in the last 7 days, daily
        String retentionId = project.path("metadata").path("retention_id").asString("");
        assertThat(retentionId).isNotEmpty();
        JsonNode retention = admin.get("/api/v2.0/retentions/" + retentionId).json();
        assertThat(retention.path("scope").path("ref").asLong())
                .isEqualTo(project.path("project_id").asLong());
        assertThat(retention.path("trigger").path("settings").path("cron").asString())
                .isEqualTo("0 0 0 * * *");
        JsonNode rule = retention.path("rules").get(0);
        assertThat(rule.path("template").asString()).isEqualTo("nDaysSinceLastPull");
        assertThat(rule.path("params").path("nDaysSinceLastPull").asInt()).isEqualTo(7);
        assertThat(rule.path("tag_selectors").get(0).path("pattern").asString()).isEqualTo("**");
        assertThat(rule.path("scope_selectors")
                        .path("repository")
                        .get(0)
                        .path("pattern")
                        .asString())
                .isEqualTo("**");
        assertThat(normal.path("metadata").has("retention_id")).isFalse();

        // the proxy keys are the project's to change later, as Harbor's are
        String other = proxyProject("speed-", endpointId, false);
        RegistryClient.Response updated = TestAccounts.putJson(
                admin, "/api/v2.0/projects/" + other, Map.of("metadata", Map.of("proxy_speed_kb", "2048")));
        assertThat(updated.status()).as(updated.text()).isEqualTo(200);
        assertThat(admin.get("/api/v2.0/projects/" + other)
                        .json()
                        .path("metadata")
                        .path("proxy_speed_kb")
                        .asString())
                .isEqualTo("2048");

        RegistryClient.Response delete = admin.delete("/api/v2.0/registries/" + endpointId);
        assertThat(delete.status()).as(delete.text()).isEqualTo(412);
        assertThat(delete.text()).contains("proxy-cache projects");
    }

    @Test
    void pushesIntoAProxyProjectAreRefusedAsHarborRefusesThem() {
        String repository = proxy + "/" + repo("pushed-");
        RegistryClient.Response upload = admin.send("POST", "/v2/" + repository + "/blobs/uploads/", null);
        assertThat(upload.status()).isEqualTo(403);
        assertThat(upload.errorCode()).isEqualTo("DENIED");
        assertThat(upload.text()).contains("can not push artifact to a proxy project: " + proxy);
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(RegistryClient.OCI_CONFIG, Digest.sha256(new byte[0]), 0),
                List.of(),
                null,
                null);
        RegistryClient.Response put = admin.send(
                "PUT", "/v2/" + repository + "/manifests/v1", manifest, "Content-Type", RegistryClient.OCI_MANIFEST);
        assertThat(put.status()).isEqualTo(403);
        assertThat(put.errorCode()).isEqualTo("DENIED");
    }

    // ---- pull-through -------------------------------------------------------------------------

    @Test
    void aMissIsFetchedOnceVerifiedStoredAndThenServedWithoutTheUpstream() {
        String name = repo("app-");
        RegistryClient.Image image = up.pushImage(name, "v1", random(200_000), random(1000));
        String local = proxy + "/" + name;

        Digest first = pull(local, "v1");
        assertThat(first).isEqualTo(image.manifest());
        assertThat(relay.count("GET /v2/" + name + "/manifests/v1")).isEqualTo(1);
        for (Digest blob : image.layers()) {
            assertThat(relay.count("GET /v2/" + name + "/blobs/" + blob)).isEqualTo(1);
        }
        assertThat(relay.count("GET /v2/" + name + "/blobs/" + image.config())).isEqualTo(1);

        // a hit: nothing goes upstream within the revalidation period
        int before = relay.countContaining("/v2/" + name + "/");
        assertThat(pull(local, "v1")).isEqualTo(image.manifest());
        assertThat(pull(local, image.manifest().toString())).isEqualTo(image.manifest());
        assertThat(relay.countContaining("/v2/" + name + "/")).isEqualTo(before);

        // listed as any artifact, with its tag
        awaitStored(proxy, name, "v1");
        JsonNode artifacts = admin.get("/api/v2.0/projects/" + proxy + "/repositories/" + name + "/artifacts")
                .json();
        assertThat(artifacts).hasSize(1);
        assertThat(artifacts.get(0).path("digest").asString())
                .isEqualTo(image.manifest().toString());
        assertThat(artifacts.get(0).path("tags").get(0).path("name").asString()).isEqualTo("v1");
    }

    @Test
    void skopeoCopiesAnImageThroughTheProxy() throws Exception {
        String name = repo("skopeo-");
        RegistryClient.Image image = up.pushImage(name, "1.0", random(50_000));
        Path dir = Files.createTempDirectory("pc-skopeo-");
        try {
            Process p = new ProcessBuilder(
                            "skopeo",
                            "--policy",
                            skopeoPolicy.toString(),
                            "copy",
                            "--preserve-digests",
                            "--src-tls-verify=false",
                            "--src-creds",
                            "admin:" + BerthServer.ADMIN_PASSWORD,
                            "docker://" + server.hostPort() + "/" + proxy + "/" + name + ":1.0",
                            "oci:" + dir + ":x")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(Files.readString(dir.resolve("index.json")))
                    .contains(image.manifest().toString());
            assertThat(dir.resolve("blobs/sha256/" + image.layers().getFirst().hex()))
                    .exists();

            // That first pull, answered before the image was stored, counts as Harbor counts it once
            // the artifact exists: pull count and time, the tag's pull time, one PULL_ARTIFACT
            // event (written with the count), and the audit entry.
            String repository = "/api/v2.0/projects/" + proxy + "/repositories/" + name;
            long pulls = Eventually.await(
                    () -> admin.get(repository).json().path("pull_count").asLong(), n -> n > 0);
            assertThat(pulls).isEqualTo(1);
            JsonNode artifact =
                    admin.get(repository + "/artifacts/1.0?with_tag=true").json();
            assertThat(artifact.path("pull_time").asString()).isNotEqualTo(NEVER);
            assertThat(artifact.path("tags").get(0).path("pull_time").asString())
                    .isNotEqualTo(NEVER);
            assertThat(JdbcClient.create(new SimpleDriverDataSource(
                                    new org.postgresql.Driver(), db.jdbcUrl(), db.user(), ""))
                            .sql("SELECT count(*) FROM event WHERE type = 'PULL_ARTIFACT'"
                                    + " AND data->>'repository' = ? AND data->>'digest' = ?")
                            .param(proxy + "/" + name)
                            .param(image.manifest().toString())
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
            assertThat(admin.get("/api/v2.0/audit-logs?q=operation=pull&page_size=100")
                            .text())
                    .contains(proxy + "/" + name + ":1.0");
        } finally {
            BerthServer.deleteRecursively(dir);
        }
    }

    @Test
    void referrersListWhatIsCachedAsHarborsDoAndNeverAskTheUpstream() {
        String name = repo("refs-");
        RegistryClient.Image image = up.pushImage(name, "v1", random(1000));
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = up.pushBlob(name, config);
        byte[] signature = random(300);
        Digest signatureDigest = up.pushBlob(name, signature);
        byte[] referrer = RegistryClient.imageManifest(
                RegistryClient.descriptor("application/vnd.oci.empty.v1+json", configDigest, config.length),
                List.of(RegistryClient.descriptor("application/vnd.example.signature", signatureDigest, 300)),
                RegistryClient.descriptor(RegistryClient.OCI_MANIFEST, image.manifest(), image.manifestBytes().length),
                "application/vnd.example.signature");
        Digest referrerDigest =
                up.pushManifest(name, Digest.sha256(referrer).toString(), RegistryClient.OCI_MANIFEST, referrer);
        String local = proxy + "/" + name;
        pull(local, "v1");
        awaitStored(proxy, name, "v1");

        // Not cached yet: none listed, and the upstream is not asked
        int before = relay.countContaining("/referrers/");
        RegistryClient.Response none = admin.get("/v2/" + local + "/referrers/" + image.manifest());
        assertThat(none.status()).as(none.text()).isEqualTo(200);
        assertThat(none.json().path("manifests")).isEmpty();

        // Pulled through the project by digest (as cosign or notation fetch it): listed from then on
        assertThat(pull(local, referrerDigest.toString())).isEqualTo(referrerDigest);
        awaitStored(proxy, name, referrerDigest.toString());
        JsonNode listed =
                admin.get("/v2/" + local + "/referrers/" + image.manifest()).json();
        assertThat(listed.path("manifests")).hasSize(1);
        assertThat(listed.path("manifests").get(0).path("digest").asString()).isEqualTo(referrerDigest.toString());
        assertThat(listed.path("manifests").get(0).path("artifactType").asString())
                .isEqualTo("application/vnd.example.signature");
        assertThat(relay.countContaining("/referrers/")).isEqualTo(before);
    }

    @Test
    void aCachedTagIsRevalidatedWithOneHeadPerPeriodAndMovesWhenTheUpstreamMovesIt() {
        String name = repo("moving-");
        String local = proxy + "/" + name;
        RegistryClient.Image v1 = up.pushImage(name, "latest", random(1000));
        assertThat(pull(local, "latest")).isEqualTo(v1.manifest());
        awaitStored(proxy, name, "latest");

        RegistryClient.Image v2 = up.pushImage(name, "latest", random(1000));
        // within the period: the cached digest, and no upstream call
        assertThat(pull(local, "latest")).isEqualTo(v1.manifest());
        assertThat(relay.count("HEAD /v2/" + name + "/manifests/latest")).isZero();

        clock.advance(Duration.ofSeconds(61));
        assertThat(pull(local, "latest")).isEqualTo(v2.manifest());
        awaitStored(proxy, name, v2.manifest().toString());
        Eventually.await(
                () -> admin.get("/api/v2.0/projects/" + proxy + "/repositories/" + name + "/artifacts/latest")
                        .json()
                        .path("digest")
                        .asString(),
                d -> d.equals(v2.manifest().toString()));
        assertThat(relay.count("HEAD /v2/" + name + "/manifests/latest")).isEqualTo(1);
        assertThat(relay.count("GET /v2/" + name + "/manifests/latest")).isEqualTo(2);

        // unchanged upstream: one HEAD, nothing downloaded
        clock.advance(Duration.ofSeconds(61));
        assertThat(pull(local, "latest")).isEqualTo(v2.manifest());
        assertThat(relay.count("HEAD /v2/" + name + "/manifests/latest")).isEqualTo(2);
        assertThat(relay.count("GET /v2/" + name + "/manifests/latest")).isEqualTo(2);

        // both artifacts are there; the tag is on the new one
        JsonNode tag = admin.get("/api/v2.0/projects/" + proxy + "/repositories/" + name + "/artifacts/latest")
                .json();
        assertThat(tag.path("digest").asString()).isEqualTo(v2.manifest().toString());
        assertThat(admin.get("/v2/" + local + "/manifests/" + v1.manifest(), "Accept", ACCEPT)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aMultiArchIndexIsCachedWithItsChildrenAndAChildPullsByDigest() {
        String name = repo("multi-");
        RegistryClient.Image amd = up.pushImage(name, null, random(3000));
        RegistryClient.Image arm = up.pushImage(name, null, random(3000));
        byte[] index = RegistryClient.index(
                RegistryClient.OCI_INDEX,
                List.of(
                        RegistryClient.descriptor(
                                RegistryClient.OCI_MANIFEST, amd.manifest(), amd.manifestBytes().length),
                        RegistryClient.descriptor(
                                RegistryClient.OCI_MANIFEST, arm.manifest(), arm.manifestBytes().length)));
        Digest indexDigest = up.pushManifest(name, "multi", RegistryClient.OCI_INDEX, index);
        String local = proxy + "/" + name;

        RegistryClient.Response got = manifest(local, "multi");
        assertThat(got.status()).as(got.text()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(index);
        assertThat(pull(local, arm.manifest().toString())).isEqualTo(arm.manifest());
        assertThat(pull(local, amd.manifest().toString())).isEqualTo(amd.manifest());
        assertThat(relay.count("GET /v2/" + name + "/manifests/" + arm.manifest()))
                .isEqualTo(1);
        awaitStored(proxy, name, "multi");
        assertThat(admin.get("/api/v2.0/projects/" + proxy + "/repositories/" + name + "/artifacts/multi")
                        .json()
                        .path("digest")
                        .asString())
                .isEqualTo(indexDigest.toString());

        // a digest only the upstream has, never asked for by tag
        RegistryClient.Image byDigest = up.pushImage(name, null, random(500));
        assertThat(pull(local, byDigest.manifest().toString())).isEqualTo(byDigest.manifest());
    }

    @Test
    void dockerHubSingleNamesGetLibrary() {
        String name = repo("busybox-");
        RegistryClient.Image image = up.pushImage("library/" + name, "1", random(700));
        assertThat(pull(hub + "/" + name, "1")).isEqualTo(image.manifest());
        assertThat(relay.count("GET /v2/library/" + name + "/manifests/1")).isEqualTo(1);
    }

    // ---- when the upstream cannot answer -------------------------------------------------------

    @Test
    void aDownUpstreamStillServesCachedTagsAndFailsUncachedOnesClearly() {
        String name = repo("down-");
        String local = proxy + "/" + name;
        RegistryClient.Image cached = up.pushImage(name, "v1", random(1000));
        up.pushImage(name, "v2", random(1000));
        assertThat(pull(local, "v1")).isEqualTo(cached.manifest());
        awaitStored(proxy, name, "v1");

        line.cut();
        clock.advance(Duration.ofSeconds(61));
        assertThat(pull(local, "v1")).isEqualTo(cached.manifest());
        RegistryClient.Response uncached = manifest(local, "v2");
        assertThat(uncached.status()).as(uncached.text()).isEqualTo(503);
        assertThat(uncached.errorCode()).isEqualTo("UNAVAILABLE");

        line.restore();
        assertThat(manifest(local, "v2").status()).isEqualTo(200);
    }

    @Test
    void errorsAndRateLimitsServeTheCacheAndRetryAfterHoldsBackLaterCalls() {
        String name = repo("limited-");
        String local = proxy + "/" + name;
        RegistryClient.Image cached = up.pushImage(name, "v1", random(1000));
        RegistryClient.Image other = up.pushImage(name, "v2", random(1000));
        assertThat(pull(local, "v1")).isEqualTo(cached.manifest());
        awaitStored(proxy, name, "v1");

        relay.mode(HttpRelay.Mode.ERROR_500);
        clock.advance(Duration.ofSeconds(61));
        assertThat(pull(local, "v1")).isEqualTo(cached.manifest());
        assertThat(manifest(local, "v2").status()).isEqualTo(503);

        relay.mode(HttpRelay.Mode.TOO_MANY_REQUESTS);
        relay.retryAfter("120");
        clock.advance(Duration.ofSeconds(61));
        assertThat(pull(local, "v1")).isEqualTo(cached.manifest());
        int calls = relay.countContaining("/v2/" + name + "/");
        RegistryClient.Response limited = manifest(local, "v2");
        assertThat(limited.status()).as(limited.text()).isEqualTo(429);
        assertThat(limited.errorCode()).isEqualTo("TOOMANYREQUESTS");
        assertThat(limited.header("Retry-After")).isPresent();
        // Retry-After holds: neither the cached nor the uncached pull calls the upstream meanwhile
        relay.mode(HttpRelay.Mode.PASS);
        clock.advance(Duration.ofSeconds(61));
        assertThat(pull(local, "v1")).isEqualTo(cached.manifest());
        assertThat(manifest(local, "v2").status()).isEqualTo(429);
        assertThat(relay.countContaining("/v2/" + name + "/")).isEqualTo(calls);

        clock.advance(Duration.ofSeconds(120));
        assertThat(pull(local, "v2")).isEqualTo(other.manifest());
    }

    // ---- mirror mode --------------------------------------------------------------------------

    @Test
    void theMirrorProjectAnswersPullsThatNameNoProject() {
        String name = repo("mirrored-");
        RegistryClient.Image image = up.pushImage("library/" + name, "1", random(900));
        RegistryClient anonymous = server.anonymousClient();
        // anonymous, as a mirror client is: a token for the project-less scope, then the pull
        RegistryClient.Response token =
                anonymous.get("/service/token?service=berth&scope=repository:library/" + name + ":pull");
        assertThat(token.status()).isEqualTo(200);
        RegistryClient bearer = new RegistryClient(
                server.baseUri(),
                Map.of("Authorization", "Bearer " + token.json().path("token").asString()));
        RegistryClient.Response m = bearer.get("/v2/library/" + name + "/manifests/1", "Accept", ACCEPT);
        assertThat(m.status()).as(m.text()).isEqualTo(200);
        assertThat(Digest.sha256(m.body())).isEqualTo(image.manifest());
        RegistryClient.Response layer =
                bearer.get("/v2/library/" + name + "/blobs/" + image.layers().getFirst());
        assertThat(layer.status()).isEqualTo(200);
        // stored in the mirror project, as any proxy project's artifact
        awaitStored(mirror, "library/" + name, "1");
        assertThat(admin.get("/api/v2.0/projects/" + mirror + "/repositories/library%252F" + name + "/artifacts")
                        .json())
                .hasSize(1);
        // a repository a local project has is served from there, not from the mirror
        RegistryClient.Image local = admin.pushImage("library/" + name + "-local", "1", random(100));
        assertThat(pull("library/" + name + "-local", "1")).isEqualTo(local.manifest());
        assertThat(relay.countContaining("/v2/library/" + name + "-local/")).isZero();
    }

    @Test
    void podmanPullsThroughTheMirrorFromARegistriesConfMirrorEntry() throws Exception {
        Assumptions.assumeTrue(
                ContainerTools.installed("podman") && ContainerTools.installed("buildah"), "podman and buildah needed");
        Path work = Files.createTempDirectory("pc-podman-");
        try {
            ContainerTools tools = new ContainerTools(work);
            OciLayout image = tools.buildLayout("src", "amd64", Map.of("hello.txt", ContainerTools.marker()), "gzip");
            String name = repo("podman-");
            tools.skopeo(
                            "copy",
                            "--dest-tls-verify=false",
                            "oci:" + image.dir() + ":latest",
                            "docker://" + upstream.hostPort() + "/library/" + name + ":1")
                    .ok();
            Files.writeString(tools.registriesConf(), """
                    unqualified-search-registries = []
                    [[registry]]
                    prefix = "docker.io"
                    location = "docker.io"
                    [[registry.mirror]]
                    location = "%s"
                    insecure = true
                    """.formatted(server.hostPort()));

            String id = tools.podman("p", "pull", "-q", "docker.io/library/" + name + ":1")
                    .ok()
                    .lastLine();

            assertThat("sha256:" + id).isEqualTo(image.configDigest().toString());
            assertThat(relay.count("GET /v2/library/" + name + "/manifests/1")).isEqualTo(1);
            awaitStored(mirror, "library/" + name, "1");
            JsonNode artifacts = admin.get(
                            "/api/v2.0/projects/" + mirror + "/repositories/library%252F" + name + "/artifacts")
                    .json();
            assertThat(artifacts.get(0).path("digest").asString())
                    .isEqualTo(image.manifestDigest().toString());
        } finally {
            BerthServer.deleteRecursively(work);
        }
    }
}
