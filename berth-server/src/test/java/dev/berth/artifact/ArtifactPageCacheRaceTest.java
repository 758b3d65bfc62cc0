package dev.berth.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactFixtures.Pushed;
import dev.berth.support.BerthServer;
import dev.berth.support.Closing;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Pages kept in memory while pushes, tag changes and deletes race with reads of the same pages:
 * once the writers stop, every page the caching replica serves is byte for byte what a replica
 * without the cache builds from the same database and blobs. The race ends with a few seconds of
 * tag changes only, so that a kind of change that failed to move the version would not be hidden
 * by a later push that moves it.
 */
class ArtifactPageCacheRaceTest {
    private static final Duration RACE = Duration.ofSeconds(10);
    private static final Duration TAGS_ONLY = Duration.ofSeconds(3);
    private static final String FLAGS =
            "&with_tag=true&with_label=true&with_immutable_status=true&with_accessory=true&with_signature=true";

    private static TestDatabase db;
    private static BerthServer cached;
    private static BerthServer plain;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        cached = BerthServer.withDatabase(db, Map.of());
        // The same blobs (extra_attrs derived from them must agree), and no page kept.
        plain = BerthServer.withDatabase(
                db,
                Map.of(
                        "berth.data-dir", cached.dataDir().toString(),
                        "berth.lists.page-cache-size", "0",
                        "berth.jobs.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        Closing.all(plain, cached, db);
    }

    @Test
    void afterRacingWritesEveryCachedPageIsWhatABuiltPageSays() throws Exception {
        RegistryClient admin = cached.adminClient();
        String project = TestUsers.uniqueName("race");
        cached.ensureProject(project, false);
        String repo = project + "/app";
        String api = "/api/v2.0/projects/" + project + "/repositories/app/artifacts";
        List<Pushed> live = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            live.add(ArtifactFixtures.image(admin, repo, "seed" + i, "amd64", 64));
        }

        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean tagsOnly = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Future<?>> tasks = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int writer = w;
            tasks.add(pool.submit(() -> {
                int n = 0;
                while (!stop.get()) {
                    write(admin, repo, api, live, writer + "-" + n++, tagsOnly.get());
                    writes.incrementAndGet();
                }
                return null;
            }));
        }
        for (int r = 0; r < 3; r++) {
            tasks.add(pool.submit(() -> {
                while (!stop.get()) {
                    long page = ThreadLocalRandom.current().nextLong(1, 3);
                    RegistryClient.check(admin.get(api + "?page=" + page + "&page_size=5" + FLAGS), 200);
                    reads.incrementAndGet();
                }
                return null;
            }));
        }
        Thread.sleep(RACE.toMillis());
        // On a loaded machine the race may need longer to reach the writes and reads it must show.
        Eventually.await(Duration.ofMinutes(3), () -> writes.get() > 20 && reads.get() > 50, done -> done);
        tagsOnly.set(true);
        Thread.sleep(TAGS_ONLY.toMillis());
        stop.set(true);
        for (Future<?> task : tasks) {
            task.get();
        }
        pool.shutdown();
        assertThat(writes.get()).isGreaterThan(20);
        assertThat(reads.get()).isGreaterThan(50);

        awaitExtraAttrsStored(repo);
        long total = Long.parseLong(
                admin.get(api + "?page_size=5").header("X-Total-Count").orElseThrow());
        for (long page = 1; page <= (total + 4) / 5; page++) {
            String path = api + "?page=" + page + "&page_size=5" + FLAGS;
            Response built = plain.adminClient().get(path);
            RegistryClient.check(built, 200);
            // Twice: the first read may build (and keep) the page, the second comes from memory.
            for (int i = 0; i < 2; i++) {
                Response served = admin.get(path);
                assertThat(served.text()).as("page %d, read %d", page, i).isEqualTo(built.text());
                assertThat(served.header("X-Total-Count")).isEqualTo(built.header("X-Total-Count"));
            }
        }
    }

    /** One random change: a push, a tag added or deleted, or an artifact deleted; or only tag changes. */
    private static void write(
            RegistryClient admin, String repo, String api, List<Pushed> live, String name, boolean tagsOnly) {
        int kind = tagsOnly
                ? ThreadLocalRandom.current().nextInt(1, 3)
                : ThreadLocalRandom.current().nextInt(4);
        if (!tagsOnly && (kind == 0 || live.size() < 3)) {
            live.add(ArtifactFixtures.image(admin, repo, "t" + name, "arm64", 64));
            return;
        }
        Pushed target = live.get(ThreadLocalRandom.current().nextInt(live.size()));
        String artifact = api + "/" + target.digest();
        switch (kind) {
            case 1 ->
                expect(
                        admin.send(
                                "POST",
                                artifact + "/tags",
                                TestUsers.body("{\"name\":\"x" + name + "\"}"),
                                TestUsers.CONTENT_JSON),
                        201,
                        404);
            case 2 -> {
                Response tags = admin.get(artifact + "/tags");
                if (tags.status() == 200 && !tags.json().isEmpty()) {
                    expect(
                            admin.delete(artifact + "/tags/"
                                    + tags.json().get(0).path("name").asString()),
                            200,
                            404);
                }
            }
            default -> {
                live.remove(target);
                expect(admin.delete(artifact), 200, 404);
            }
        }
    }

    /** The other writer may have removed the artifact or tag first. */
    private static void expect(Response r, int... statuses) {
        for (int status : statuses) {
            if (r.status() == status) {
                return;
            }
        }
        throw new AssertionError(r.status() + " " + r.text());
    }

    private static void awaitExtraAttrsStored(String repo) throws InterruptedException {
        JdbcClient sql = cached.bean(JdbcClient.class);
        Instant deadline = Instant.now().plusSeconds(30);
        long missing = -1;
        while (Instant.now().isBefore(deadline)) {
            missing = sql.sql("""
                            SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id
                            WHERE r.name = ? AND NOT EXISTS (
                                SELECT 1 FROM config_attributes c WHERE c.config_digest = m.config_digest)""").param(repo).query(Long.class).single();
            if (missing == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(missing + " images still without stored extra_attrs");
    }
}
