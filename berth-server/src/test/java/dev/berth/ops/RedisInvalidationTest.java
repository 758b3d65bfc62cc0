package dev.berth.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.Closing;
import dev.berth.support.RegistryClient;
import dev.berth.support.TcpProxy;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas on one database and the machine's Redis (through a relay the test can cut), with a
 * channel of their own. Remembered credentials live 60 s on a replica; a password change on A must
 * reach B well before that when Redis works, and with Redis gone both keep serving, B on its
 * cache's expiry, until Redis returns and B drops what it may have missed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisInvalidationTest {
    /** Far below the 60 s a replica remembers a credential: a rejection sooner came through Redis. */
    private static final Duration WELL_BEFORE_EXPIRY = Duration.ofSeconds(20);

    private static TestDatabase db;
    private static TcpProxy redisRelay;
    private static BerthServer a;
    private static BerthServer b;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        redisRelay = TcpProxy.start("127.0.0.1", 6379);
        Map<String, String> props = Map.of(
                "berth.redis.url", "redis://127.0.0.1:" + redisRelay.port(),
                "berth.redis.prefix", "berth-test-" + UUID.randomUUID() + ":");
        a = BerthServer.withDatabase(db, props);
        b = BerthServer.withDatabase(db, props);
    }

    @AfterAll
    static void stop() {
        Closing.all(b, a, redisRelay, db);
    }

    @Test
    @Order(1)
    void healthListsRedis() {
        JsonNode health = await(a, h -> h.path("status").asString().equals("healthy"));
        assertThat(component(health, "redis").path("status").asString()).isEqualTo("healthy");
    }

    @Test
    @Order(2)
    void aPasswordChangedOnOneReplicaIsRefusedOnTheOtherAtOnce() {
        TestUsers.TestUser user = TestUsers.create(a, "redisinv");
        RegistryClient onB = b.client(user.name(), user.password());
        assertThat(onB.get("/api/v2.0/users/current").status()).isEqualTo(200); // B remembers it now

        changePassword(a, user.id(), "Changed-On-A-1");

        Instant deadline = Instant.now().plus(WELL_BEFORE_EXPIRY);
        int status = 200;
        while (status == 200 && Instant.now().isBefore(deadline)) {
            status = onB.get("/api/v2.0/users/current").status();
            sleep(50);
        }
        assertThat(status).as("B still accepted the old password").isEqualTo(401);
        assertThat(b.client(user.name(), "Changed-On-A-1")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(200);
    }

    @Test
    @Order(2)
    void aRobotDisabledOnOneReplicaIsRefusedOnTheOtherAtOnce() {
        a.ensureProject("redisrobot", false);
        String permissions = "[{\"kind\":\"project\",\"namespace\":\"redisrobot\","
                + "\"access\":[{\"resource\":\"repository\",\"action\":\"pull\"}]}]";
        RegistryClient.Response created = a.adminClient()
                .send(
                        "POST",
                        "/api/v2.0/robots",
                        ("{\"name\":\"ci" + System.nanoTime() + "\",\"level\":\"project\",\"duration\":-1,"
                                        + "\"permissions\":" + permissions + "}")
                                .getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json");
        RegistryClient.check(created, 201);
        long id = created.json().path("id").asLong();
        String name = created.json().path("name").asString();
        RegistryClient robotOnB = b.client(name, created.json().path("secret").asString());
        assertThat(robotOnB.get("/v2/").status()).isEqualTo(200); // B remembers it now

        RegistryClient.check(
                a.adminClient()
                        .send(
                                "PUT",
                                "/api/v2.0/robots/" + id,
                                ("{\"name\":\"" + name + "\",\"level\":\"project\",\"duration\":-1,"
                                                + "\"disable\":true,\"permissions\":" + permissions + "}")
                                        .getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                "application/json"),
                200);

        Instant deadline = Instant.now().plus(WELL_BEFORE_EXPIRY);
        int status = 200;
        while (status == 200 && Instant.now().isBefore(deadline)) {
            status = robotOnB.get("/v2/").status();
            sleep(50);
        }
        assertThat(status).as("B still accepted the disabled robot").isEqualTo(401);
    }

    @Test
    @Order(3)
    void withRedisGoneBothServeAndHealthSaysDegradedThenRecovers() {
        TestUsers.TestUser user = TestUsers.create(a, "redisdown");
        RegistryClient onB = b.client(user.name(), user.password());
        assertThat(onB.get("/api/v2.0/users/current").status()).isEqualTo(200);

        redisRelay.cut();
        try {
            JsonNode health = await(b, h -> h.path("status").asString().equals("degraded"));
            assertThat(component(health, "redis").path("status").asString()).isEqualTo("unhealthy");
            assertThat(component(health, "database").path("status").asString()).isEqualTo("healthy");
            assertThat(b.anonymousClient().get("/readyz").status()).isEqualTo(200);

            // Still a working registry on either replica
            b.ensureProject("redisdown", false);
            RegistryClient.Image image =
                    b.adminClient().pushImage("redisdown/app", "v1", "layer".getBytes(StandardCharsets.UTF_8));
            RegistryClient.check(a.adminClient().get("/v2/redisdown/app/manifests/" + image.manifest()), 200);

            // The change is effective where it was made, and on B too: remembered credentials
            // follow the database's credential epoch, whether or not Redis carries the news
            changePassword(a, user.id(), "Changed-While-Down-1");
            assertThat(a.client(user.name(), user.password())
                            .get("/api/v2.0/users/current")
                            .status())
                    .isEqualTo(401);
            assertThat(onB.get("/api/v2.0/users/current").status())
                    .as("without Redis, B still refuses the old password at once")
                    .isEqualTo(401);
        } finally {
            redisRelay.restore();
        }
        // Back: B dropped everything it remembered, since invalidations sent meanwhile were lost
        await(b, h -> h.path("status").asString().equals("healthy"));
        Instant deadline = Instant.now().plus(WELL_BEFORE_EXPIRY);
        int status = 200;
        while (status == 200 && Instant.now().isBefore(deadline)) {
            status = onB.get("/api/v2.0/users/current").status();
            sleep(50);
        }
        assertThat(status).isEqualTo(401);
    }

    @Test
    @Order(4)
    void aReplicaStartsAndServesWhileRedisIsUnreachable() {
        redisRelay.cut();
        try (BerthServer c =
                BerthServer.withDatabase(db, Map.of("berth.redis.url", "redis://127.0.0.1:" + redisRelay.port()))) {
            JsonNode health = c.anonymousClient().get("/api/v2.0/health").json();
            assertThat(health.path("status").asString()).isEqualTo("degraded");
            assertThat(component(health, "redis").path("error").asString()).isEqualTo("redis is unreachable");
            assertThat(c.adminClient().get("/v2/").status()).isEqualTo(200);
            assertThat(c.anonymousClient().get("/readyz").status()).isEqualTo(200);
        } finally {
            redisRelay.restore();
        }
    }

    private static void changePassword(BerthServer server, long userId, String fresh) {
        RegistryClient.check(
                server.adminClient()
                        .send(
                                "PUT",
                                "/api/v2.0/users/" + userId + "/password",
                                ("{\"new_password\":\"" + fresh + "\"}").getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                "application/json"),
                200);
    }

    private static JsonNode await(BerthServer server, java.util.function.Predicate<JsonNode> condition) {
        return ObservabilityTest.await(
                () -> server.anonymousClient().get("/api/v2.0/health").json(), condition);
    }

    private static JsonNode component(JsonNode health, String name) {
        for (JsonNode c : health.path("components")) {
            if (c.path("name").asString().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + health);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
