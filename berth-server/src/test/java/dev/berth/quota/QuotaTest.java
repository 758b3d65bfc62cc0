package dev.berth.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Storage quotas over HTTP, on a server of its own with no GC review delay: exact usage through
 * concurrent pushes, deletes and a GC run; refusals that store nothing; the quota API and its denials.
 */
class QuotaTest {
    private static BerthServer server;
    private static RegistryClient admin;
    private static TestAccounts accounts;

    @BeforeAll
    static void start() {
        server = BerthServer.withExternalDatabase(Map.of("berth.gc.review-delay", "0s", "berth.gc.upload-grace", "0s"));
        admin = server.adminClient();
        accounts = new TestAccounts(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] random(int size) {
        byte[] b = new byte[size];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    static JsonNode quotaOf(String project) {
        long id = accounts.projectId(project);
        RegistryClient.Response r = admin.get("/api/v2.0/quotas?reference=project&reference_id=" + id);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.header("X-Total-Count")).contains("1");
        return r.json().get(0);
    }

    static long used(String project) {
        return quotaOf(project).path("used").path("storage").asLong();
    }

    /**
     * Usage computed independently of project_blob: the distinct blobs linked to the project's
     * repositories and the distinct manifests stored in them, each digest once.
     */
    static long expectedFromLinks(String project) {
        return accounts.jdbc()
                .sql("""
                        SELECT COALESCE(sum(size), 0) FROM (
                          SELECT b.digest, b.size FROM blob b WHERE b.digest IN (
                            SELECT rb.digest FROM repository_blob rb JOIN repository r ON r.id = rb.repository_id
                            JOIN project p ON p.id = r.project_id WHERE p.name = ?)
                          UNION
                          SELECT m.digest, m.size FROM manifest m JOIN repository r ON r.id = m.repository_id
                          JOIN project p ON p.id = r.project_id WHERE p.name = ?) counted
                        """)
                .params(project, project)
                .query(Long.class)
                .single();
    }

    static long blobSize(String repo, Digest d) {
        return Long.parseLong(admin.head("/v2/" + repo + "/blobs/" + d)
                .header("Content-Length")
                .orElseThrow());
    }

    static void setLimit(String project, long bytes) {
        RegistryClient.Response r = admin.send(
                "PUT",
                "/api/v2.0/quotas/" + accounts.projectId(project),
                ("{\"hard\":{\"storage\":" + bytes + "}}").getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @Test
    void usageStaysExactThroughConcurrentPushesDeletesAndGc() throws Exception {
        String project = accounts.project("quota", false);
        byte[] shared1 = random(1000);
        byte[] shared2 = random(2000);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<RegistryClient.Image>> pushes = new ArrayList<>();
        List<String> repos = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String repo = project + "/r" + (i % 3);
            repos.add(repo);
            byte[] own = random(100 + i);
            String tag = "t" + i;
            pushes.add(pool.submit(() -> admin.pushImage(repo, tag, shared1, shared2, own)));
        }
        Map<Digest, Long> distinct = new HashMap<>();
        long manifestBytes = 0;
        for (int i = 0; i < pushes.size(); i++) {
            RegistryClient.Image image = pushes.get(i).get();
            manifestBytes += image.manifestBytes().length;
            distinct.put(image.config(), blobSize(repos.get(i), image.config()));
            for (int l = 0; l < image.layers().size(); l++) {
                distinct.put(
                        image.layers().get(l),
                        blobSize(repos.get(i), image.layers().get(l)));
            }
        }
        long expected = distinct.values().stream().mapToLong(Long::longValue).sum() + manifestBytes;
        // Both shared layers, twelve own layers, twelve configs: each counted once; and twelve manifests.
        assertThat(distinct).hasSize(26);
        assertThat(used(project)).isEqualTo(expected).isEqualTo(expectedFromLinks(project));

        // Concurrently: delete one repository, delete manifests in another, push more into the third.
        List<Future<?>> changes = new ArrayList<>();
        changes.add(pool.submit(() -> assertThat(admin.delete("/api/v2.0/projects/" + project + "/repositories/r0")
                        .status())
                .isEqualTo(200)));
        for (int i = 1; i < 12; i += 3) {
            RegistryClient.Image image = pushes.get(i).get();
            changes.add(pool.submit(
                    () -> assertThat(admin.delete("/v2/" + project + "/r1/manifests/" + image.manifest())
                                    .status())
                            .isEqualTo(202)));
        }
        for (int i = 0; i < 4; i++) {
            changes.add(pool.submit(() -> admin.pushImage(project + "/r2", null, shared1, random(50))));
        }
        for (Future<?> f : changes) {
            f.get();
        }
        pool.shutdown();
        assertThat(used(project)).isEqualTo(expectedFromLinks(project));

        long beforeGc = used(project);
        RegistryClient.Response gc = admin.send(
                "POST",
                "/api/v2.0/system/gc/schedule",
                "{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"delete_untagged\":true,\"workers\":2}}"
                        .getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(gc.status()).as(gc.text()).isEqualTo(201);
        String location = gc.header("Location").orElseThrow();
        awaitGc(location.substring(location.indexOf("/api/")));
        long afterGc = used(project);
        // GC removed r1's now-unreferenced links: usage fell, and still matches the links exactly.
        assertThat(afterGc).isLessThan(beforeGc).isEqualTo(expectedFromLinks(project));
        // The shared layers are still used by r2's images, and counted exactly once.
        assertThat(afterGc).isGreaterThanOrEqualTo(3000);
    }

    private static void awaitGc(String path) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            JsonNode h = admin.get(path).json();
            String status = h.path("job_status").asString();
            if (status.equals("Success")) {
                return;
            }
            assertThat(status).isNotIn("Error", "Stopped");
            Thread.sleep(100);
        }
        throw new AssertionError("GC did not finish");
    }

    @Test
    void pushOverQuotaIsRefusedAndStoresNothing() {
        String project = accounts.project("quota", false);
        String repo = project + "/app";
        setLimit(project, 5000);
        byte[] first = random(3000);
        Digest firstDigest = admin.pushBlob(repo, first);
        assertThat(used(project)).isEqualTo(3000);

        // Monolithic POST ?digest=: refused from Content-Length, before any byte is stored.
        byte[] big = random(3000);
        Digest bigDigest = Digest.sha256(big);
        RegistryClient.Response mono = admin.send(
                "POST",
                "/v2/" + repo + "/blobs/uploads/?digest=" + bigDigest,
                big,
                "Content-Type",
                "application/octet-stream");
        assertThat(mono.status()).as(mono.text()).isEqualTo(403);
        assertThat(mono.errorCode()).isEqualTo("DENIED");
        assertThat(mono.text()).contains("exceeds the limit");
        assertThat(admin.head("/v2/" + repo + "/blobs/" + bigDigest).status()).isEqualTo(404);

        // Chunked upload: refused at commit, the upload deleted.
        RegistryClient.Response startUpload = admin.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertThat(startUpload.status()).isEqualTo(202);
        String location = startUpload.header("Location").orElseThrow();
        RegistryClient.Response patch = admin.send(
                "PATCH", location, big, "Content-Type", "application/octet-stream", "Content-Range", "0-2999");
        assertThat(patch.status()).as(patch.text()).isEqualTo(202);
        String next = patch.header("Location").orElseThrow();
        RegistryClient.Response put =
                admin.send("PUT", next + (next.contains("?") ? "&" : "?") + "digest=" + bigDigest, null);
        assertThat(put.status()).as(put.text()).isEqualTo(403);
        assertThat(put.errorCode()).isEqualTo("DENIED");
        assertThat(admin.head("/v2/" + repo + "/blobs/" + bigDigest).status()).isEqualTo(404);
        assertThat(admin.get(next).status()).isEqualTo(404);
        assertThat(used(project)).isEqualTo(3000);
        assertThat(accounts.jdbc()
                        .sql("SELECT count(*) FROM blob WHERE digest = ?")
                        .param(bigDigest.toString())
                        .query(Long.class)
                        .single())
                .isZero();

        // A blob the project already counts costs nothing: pushing it into another repository works.
        admin.pushBlob(project + "/other", first);
        assertThat(used(project)).isEqualTo(3000);
        // A mount from another project that would exceed the limit is refused too.
        String elsewhere = accounts.project("quotasrc", false);
        Digest foreign = admin.pushBlob(elsewhere + "/src", big);
        RegistryClient.Response mount = admin.send(
                "POST", "/v2/" + repo + "/blobs/uploads/?mount=" + foreign + "&from=" + elsewhere + "/src", null);
        assertThat(mount.status()).as(mount.text()).isEqualTo(403);
        assertThat(admin.head("/v2/" + repo + "/blobs/" + foreign).status()).isEqualTo(404);

        // Raising the limit lets the same push through; usage counts it exactly.
        setLimit(project, -1);
        admin.pushBlob(repo, big);
        assertThat(used(project)).isEqualTo(6000);
        assertThat(admin.head("/v2/" + repo + "/blobs/" + firstDigest).status()).isEqualTo(200);
        // The project summary shows the same usage.
        JsonNode summary =
                admin.get("/api/v2.0/projects/" + project + "/summary").json();
        assertThat(summary.path("quota").path("used").path("storage").asLong()).isEqualTo(6000);
        assertThat(summary.path("quota").path("hard").path("storage").asLong()).isEqualTo(-1);
    }

    @Test
    void artifactCopyOverQuotaRollsBackEntirely() {
        String source = accounts.project("quotasrc", false);
        String target = accounts.project("quotadst", false);
        RegistryClient.Image image = admin.pushImage(source + "/app", "v1", random(4000));
        setLimit(target, 1000);
        String copyPath = "/api/v2.0/projects/" + target + "/repositories/app/artifacts?from=" + source + "/app@"
                + image.manifest();
        RegistryClient.Response refused = admin.send("POST", copyPath, null);
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(refused.text()).contains("exceeds the limit");
        assertThat(admin.head("/v2/" + target + "/app/manifests/" + image.manifest())
                        .status())
                .isEqualTo(404);
        assertThat(used(target)).isZero();

        setLimit(target, 1_000_000);
        assertThat(admin.send("POST", copyPath, null).status()).isEqualTo(201);
        assertThat(used(target))
                .isEqualTo(used(source))
                .isEqualTo(expectedFromLinks(target))
                .isGreaterThan(4000);
    }

    @Test
    void quotaApiIsForSystemAdministratorsOnly() {
        String project = accounts.project("quota", false);
        long id = accounts.projectId(project);
        TestAccounts.Account owner = accounts.user("qowner");
        accounts.member(project, owner, dev.berth.iam.ProjectRole.PROJECT_ADMIN);
        byte[] body = "{\"hard\":{\"storage\":10}}".getBytes(StandardCharsets.UTF_8);

        assertThat(server.anonymousClient().get("/api/v2.0/quotas").status()).isEqualTo(401);
        assertThat(server.anonymousClient().get("/api/v2.0/quotas/" + id).status())
                .isEqualTo(401);
        assertThat(server.anonymousClient()
                        .send("PUT", "/api/v2.0/quotas/" + id, body, "Content-Type", "application/json")
                        .status())
                .isEqualTo(401);
        assertThat(owner.client().get("/api/v2.0/quotas").status()).isEqualTo(403);
        assertThat(owner.client().get("/api/v2.0/quotas/" + id).status()).isEqualTo(403);
        RegistryClient.Response ownerPut =
                owner.client().send("PUT", "/api/v2.0/quotas/" + id, body, "Content-Type", "application/json");
        assertThat(ownerPut.status()).isEqualTo(403);
        assertThat(quotaOf(project).path("hard").path("storage").asLong()).isEqualTo(-1);

        assertThat(admin.get("/api/v2.0/quotas/99999999").status()).isEqualTo(404);
        for (String bad : List.of(
                "{}",
                "{\"hard\":{}}",
                "{\"hard\":{\"storage\":0}}",
                "{\"hard\":{\"storage\":-5}}",
                "{\"hard\":{\"storage\":\"x\"}}")) {
            RegistryClient.Response r = admin.send(
                    "PUT",
                    "/api/v2.0/quotas/" + id,
                    bad.getBytes(StandardCharsets.UTF_8),
                    "Content-Type",
                    "application/json");
            assertThat(r.status()).as(bad).isEqualTo(400);
        }

        setLimit(project, 123456);
        JsonNode q = admin.get("/api/v2.0/quotas/" + id).json();
        assertThat(q.path("id").asLong()).isEqualTo(id);
        assertThat(q.path("ref").path("name").asString()).isEqualTo(project);
        assertThat(q.path("ref").path("id").asLong()).isEqualTo(id);
        assertThat(q.path("ref").has("owner_name")).isTrue();
        assertThat(q.path("hard").path("storage").asLong()).isEqualTo(123456);
        assertThat(q.path("used").path("storage").asLong()).isZero();
        assertThat(q.has("creation_time") && q.has("update_time")).isTrue();
        // The project's own view agrees.
        assertThat(admin.get("/api/v2.0/projects/" + project + "/summary")
                        .json()
                        .path("quota")
                        .path("hard")
                        .path("storage")
                        .asLong())
                .isEqualTo(123456);

        RegistryClient.Response page = admin.get("/api/v2.0/quotas?page=1&page_size=1&sort=-id");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().size()).isEqualTo(1);
        assertThat(Long.parseLong(page.header("X-Total-Count").orElseThrow())).isGreaterThanOrEqualTo(1);
        assertThat(page.header("Link")).isPresent();
        assertThat(admin.get("/api/v2.0/quotas?q=secret%3Dx").status()).isEqualTo(400);
        assertThat(admin.get("/api/v2.0/quotas?reference=other").json().size()).isZero();
    }

    /** An image manifest for the blobs, padded with an annotation to about {@code size} bytes. */
    static byte[] paddedManifest(RegistryClient.Image image, byte[] layer, int size) {
        byte[] plain = image.manifestBytes();
        String json = new String(plain, StandardCharsets.UTF_8);
        String pad = "x".repeat(Math.max(1, size - plain.length - 40));
        String padded = json.substring(0, json.length() - 1) + ",\"annotations\":{\"pad\":\"" + pad
                + java.util.UUID.randomUUID() + "\"}}";
        return padded.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void manifestsCountAgainstTheQuotaAndAnOverQuotaManifestIsRefused() {
        String project = accounts.project("mquota", false);
        String repo = project + "/app";
        byte[] layer = random(1000);
        RegistryClient.Image image = admin.pushImage(repo, "v1", layer);
        long blobs = blobSize(repo, image.config()) + layer.length;
        assertThat(used(project))
                .isEqualTo(blobs + image.manifestBytes().length)
                .isEqualTo(expectedFromLinks(project));

        // Room for the blobs and the first manifest and 10 KB more: a 50 KB manifest does not fit.
        setLimit(project, used(project) + 10_000);
        byte[] big = paddedManifest(image, layer, 50_000);
        Digest bigDigest = Digest.sha256(big);
        long before = used(project);
        RegistryClient.Response refused =
                admin.send("PUT", "/v2/" + repo + "/manifests/big", big, "Content-Type", RegistryClient.OCI_MANIFEST);
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("DENIED");
        assertThat(refused.text()).contains("exceeds the limit");
        assertThat(admin.head("/v2/" + repo + "/manifests/" + bigDigest).status())
                .isEqualTo(404);
        assertThat(admin.head("/v2/" + repo + "/manifests/big").status()).isEqualTo(404);
        assertThat(used(project)).isEqualTo(before);
        // Nor by digest.
        assertThat(admin.send(
                                "PUT",
                                "/v2/" + repo + "/manifests/" + bigDigest,
                                big,
                                "Content-Type",
                                RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(403);

        // A small one fits; the same manifest in another repository of the project costs nothing more.
        byte[] small = paddedManifest(image, layer, 5_000);
        admin.pushManifest(repo, "small", RegistryClient.OCI_MANIFEST, small);
        assertThat(used(project)).isEqualTo(before + small.length).isEqualTo(expectedFromLinks(project));
        admin.pushBlob(project + "/copy", layer);
        admin.pushBlob(project + "/copy", configOf(repo, image));
        admin.pushManifest(project + "/copy", "small", RegistryClient.OCI_MANIFEST, small);
        assertThat(used(project)).isEqualTo(before + small.length).isEqualTo(expectedFromLinks(project));

        // Deleting it from one repository keeps it counted for the other; deleting the other repository
        // releases it; the limit then lets the big one in.
        RegistryClient.check(admin.delete("/v2/" + repo + "/manifests/" + Digest.sha256(small)), 202);
        assertThat(used(project)).isEqualTo(before + small.length).isEqualTo(expectedFromLinks(project));
        RegistryClient.check(admin.delete("/api/v2.0/projects/" + project + "/repositories/copy"), 200);
        assertThat(used(project)).isEqualTo(before).isEqualTo(expectedFromLinks(project));
        setLimit(project, before + big.length);
        admin.pushManifest(repo, "big", RegistryClient.OCI_MANIFEST, big);
        assertThat(used(project)).isEqualTo(before + big.length).isEqualTo(expectedFromLinks(project));
    }

    @Test
    void concurrentManifestPushesNeverTogetherExceedTheLimit() throws Exception {
        String project = accounts.project("mrace", false);
        String repo = project + "/app";
        byte[] layer = random(500);
        RegistryClient.Image image = admin.pushImage(repo, "base", layer);
        long base = used(project);
        // Room for exactly three of the twelve 20 KB manifests pushed at once.
        List<byte[]> manifests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            manifests.add(paddedManifest(image, layer, 20_000));
        }
        long each = manifests.getFirst().length;
        assertThat(manifests).allSatisfy(m -> assertThat((long) m.length).isEqualTo(each));
        setLimit(project, base + 3 * each + each / 2);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < manifests.size(); i++) {
            byte[] m = manifests.get(i);
            String tag = "t" + i;
            results.add(pool.submit(() -> admin.send(
                            "PUT", "/v2/" + repo + "/manifests/" + tag, m, "Content-Type", RegistryClient.OCI_MANIFEST)
                    .status()));
        }
        int created = 0;
        for (Future<Integer> r : results) {
            int status = r.get();
            assertThat(status).isIn(201, 403);
            created += status == 201 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(created).isEqualTo(3);
        assertThat(used(project)).isEqualTo(base + 3 * each).isEqualTo(expectedFromLinks(project));
    }

    private static byte[] configOf(String repo, RegistryClient.Image image) {
        return admin.get("/v2/" + repo + "/blobs/" + image.config()).body();
    }
}
