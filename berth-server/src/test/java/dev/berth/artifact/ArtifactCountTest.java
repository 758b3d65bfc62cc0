package dev.berth.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactFixtures.Pushed;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A repository's artifact count (and the artifact list's X-Total-Count) is kept by the database as
 * manifests, tags and index references change: it must match what Harbor's listing rule says at every
 * step, through every kind of change, and stay exact when pushes and deletes race.
 */
class ArtifactCountTest {
    private BerthServer server;
    private RegistryClient admin;
    private JdbcClient jdbc;
    private String project;
    private String repo;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        jdbc = server.bean(JdbcClient.class);
        project = TestUsers.uniqueName("cnt");
        server.ensureProject(project, false);
        repo = project + "/app";
    }

    @Test
    void countFollowsIndexesTagsAndAccessories() {
        Pushed amd = ArtifactFixtures.image(admin, repo, "amd", "amd64", 50);
        Pushed arm = ArtifactFixtures.image(admin, repo, null, "arm64", 50);
        assertCounted(2);
        Instant pushedBefore = updateTime();

        admin.pushManifest(
                repo,
                "multi",
                RegistryClient.OCI_INDEX,
                RegistryClient.index(
                        RegistryClient.OCI_INDEX,
                        List.of(
                                RegistryClient.descriptor(
                                        RegistryClient.OCI_MANIFEST, amd.digest(), amd.manifest().length),
                                RegistryClient.descriptor(
                                        RegistryClient.OCI_MANIFEST, arm.digest(), arm.manifest().length))));
        assertCounted(2); // the index, and amd (a child, but tagged); arm is only a child now
        assertThat(updateTime()).isAfter(pushedBefore);

        RegistryClient.check(admin.delete("/v2/" + repo + "/manifests/amd"), 202);
        assertCounted(1); // amd lost its tag: only a child
        RegistryClient.check(
                admin.send(
                        "POST",
                        artifacts() + "/" + arm.digest() + "/tags",
                        TestUsers.body("{\"name\":\"arm\"}"),
                        TestUsers.CONTENT_JSON),
                201);
        assertCounted(2); // arm is tagged now

        // An accessory pushed before its subject is listed until the subject arrives.
        Pushed subject = unpushedImage();
        ArtifactFixtures.artifact(admin, repo, null, "application/vnd.example.sbom", subject);
        assertCounted(3);
        admin.pushManifest(repo, "subject", RegistryClient.OCI_MANIFEST, subject.manifest());
        assertCounted(3);

        // Cosign attaches by tag name: hidden while the subject exists, listed again when it goes.
        String cosignTag = "sha256-" + subject.digest().hex() + ".sig";
        ArtifactFixtures.artifact(admin, repo, cosignTag, "application/vnd.dev.cosign.artifact.sig.v1+json", null);
        assertCounted(3);
        RegistryClient.check(admin.delete("/v2/" + repo + "/manifests/" + subject.digest()), 202);
        assertCounted(4); // index, arm, and both accessories, now without a subject

        admin.pushManifest(repo, "again", RegistryClient.OCI_MANIFEST, subject.manifest());
        assertCounted(3); // the subject is back: both are its accessories again
    }

    @Test
    void countStaysExactWhenPushesAndDeletesRace() throws Exception {
        int workers = 4;
        int perWorker = 9;
        int pairs = 6;
        // Subjects and their accessories pushed at the same moment, so that each decides whether the
        // accessory is listed while the other is committing.
        List<Pushed> subjects = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            subjects.add(unpushedImage());
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers + 2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                results.add(pool.submit(() -> {
                    int kept = 0;
                    for (int i = 0; i < perWorker; i++) {
                        Pushed p = ArtifactFixtures.image(admin, repo, "w" + worker + "-" + i, "amd64", 32);
                        if (i % 3 == 0) {
                            RegistryClient.check(admin.delete(artifacts() + "/" + p.digest()), 200);
                        } else {
                            kept++;
                        }
                    }
                    return kept;
                }));
            }
            CyclicBarrier together = new CyclicBarrier(2);
            results.add(pool.submit(() -> {
                for (Pushed s : subjects) {
                    together.await(30, TimeUnit.SECONDS);
                    admin.pushManifest(
                            repo, "s-" + s.digest().hex().substring(0, 8), RegistryClient.OCI_MANIFEST, s.manifest());
                }
                return subjects.size();
            }));
            results.add(pool.submit(() -> {
                for (Pushed s : subjects) {
                    together.await(30, TimeUnit.SECONDS);
                    ArtifactFixtures.artifact(admin, repo, null, "application/vnd.example.sbom", s);
                }
                return 0; // every accessory's subject is there in the end: none is listed
            }));
            int expected = 0;
            for (Future<Integer> f : results) {
                expected += f.get(120, TimeUnit.SECONDS);
            }
            assertThat(expected).isEqualTo(workers * (perWorker - 3) + pairs);
            assertCounted(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    private Pushed unpushedImage() {
        return ArtifactFixtures.unpushedImage(admin, repo, "amd64", 40);
    }

    private String artifacts() {
        return "/api/v2.0/projects/" + project + "/repositories/app/artifacts";
    }

    private Instant updateTime() {
        return Instant.parse(admin.get("/api/v2.0/projects/" + project + "/repositories/app")
                .json()
                .path("update_time")
                .asString());
    }

    /**
     * The stored count, the list's total (stored and counted), the listed rows and a fresh decision
     * over every manifest of the repository all agree, and equal {@code expected}.
     */
    private void assertCounted(long expected) {
        RegistryClient.Response repository = admin.get("/api/v2.0/projects/" + project + "/repositories/app");
        assertThat(repository.json().path("artifact_count").asLong()).isEqualTo(expected);
        RegistryClient.Response list = admin.get(artifacts() + "?page_size=100");
        assertThat(list.header("X-Total-Count")).contains(Long.toString(expected));
        assertThat(list.json().size()).isEqualTo((int) expected);
        RegistryClient.Response filtered = admin.get(artifacts() + "?page_size=1&q=digest%3D~sha256");
        assertThat(filtered.header("X-Total-Count")).contains(Long.toString(expected));

        long repositoryId = repository.json().path("id").asLong();
        List<Long> listed = jdbc.sql("SELECT manifest_id FROM listed_artifact WHERE repository_id = ? ORDER BY 1")
                .param(repositoryId)
                .query(Long.class)
                .list();
        List<Long> decided = jdbc.sql(
                        "SELECT id FROM manifest WHERE repository_id = ? AND artifact_top_level(id) ORDER BY 1")
                .param(repositoryId)
                .query(Long.class)
                .list();
        assertThat(listed).isEqualTo(decided).hasSize((int) expected);
        long unsized = jdbc.sql(
                        "SELECT count(*) FROM manifest WHERE repository_id = ? AND artifact_size <> artifact_size_of(id)")
                .param(repositoryId)
                .query(Long.class)
                .single();
        assertThat(unsized).isZero();
    }
}
