package dev.berth.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.Eventually;
import dev.berth.support.FreePort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replicas that find their Redis through Sentinel (the chart's {@code redis.external.addr} of
 * sentinels with {@code sentinelMasterSet}): a real password-protected redis-server and a real
 * sentinel ({@code redis-server --sentinel}) on 127.0.0.1, and two invalidation channels given only
 * the sentinel's address and the master set's name.
 */
class RedisSentinelTest {
    private static final String REDIS = "/usr/bin/redis-server";
    private static final String PASSWORD = "sentinel-test-secret";

    private static Path dir;
    private static Process master;
    private static Process sentinel;
    private static int sentinelPort;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(REDIS)), "redis-server is not installed");
        dir = Files.createTempDirectory("berth-sentinel-");
        int masterPort = FreePort.pick();
        master = new ProcessBuilder(
                        REDIS,
                        "--port",
                        String.valueOf(masterPort),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--requirepass",
                        PASSWORD,
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("master.log").toFile())
                .start();
        sentinelPort = FreePort.pick();
        // Sentinel rewrites its configuration file, so it gets one of its own.
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(
                conf,
                "port " + sentinelPort + "\nbind 127.0.0.1\ndir " + dir + "\n"
                        + "sentinel monitor berthmaster 127.0.0.1 " + masterPort + " 1\n"
                        + "sentinel auth-pass berthmaster " + PASSWORD + "\n",
                StandardCharsets.UTF_8);
        sentinel = new ProcessBuilder(REDIS, conf.toString(), "--sentinel")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sentinel.log").toFile())
                .start();
    }

    @AfterAll
    static void stop() {
        for (Process p : new Process[] {sentinel, master}) {
            if (p != null) {
                p.destroy();
            }
        }
    }

    @Test
    void invalidationsReachTheOtherReplicaThroughTheMasterTheSentinelNames() throws IOException {
        String url = "redis-sentinel://:" + PASSWORD + "@127.0.0.1:" + sentinelPort + "/0#berthmaster";
        try (RedisInvalidations a = new RedisInvalidations(url, "berth-sentinel-test:");
                RedisInvalidations b = new RedisInvalidations(url, "berth-sentinel-test:")) {
            List<String> heard = new CopyOnWriteArrayList<>();
            b.onInvalidate("credentials", heard::add);
            Eventually.await(
                    () -> a.status().flatMap(s -> s.error().isEmpty() ? Optional.of(s) : Optional.empty()),
                    Optional::isPresent);
            Eventually.await(
                    () -> b.status().flatMap(s -> s.error().isEmpty() ? Optional.of(s) : Optional.empty()),
                    Optional::isPresent);

            a.invalidate("credentials", "alice");

            Eventually.await(() -> List.copyOf(heard), h -> h.contains("alice"));
            assertThat(a.status().orElseThrow().name()).isEqualTo("redis");
        }
        assertThat(Files.readString(dir.resolve("sentinel.log"))).contains("+monitor master berthmaster");
    }
}
