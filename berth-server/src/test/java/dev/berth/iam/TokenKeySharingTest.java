package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.config.BerthProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Replicas started at the same moment on one shared data directory, none with a configured key,
 * end up signing with one key: the first to place {@code keys/token.pem} wins and the others read
 * it, instead of each keeping the key it generated while a later rename replaced it on disk.
 */
class TokenKeySharingTest {
    @Test
    void replicasStartingTogetherOnOneDataDirectoryShareOneKey() throws Exception {
        Path dataDir = Files.createTempDirectory("berth-keys-");
        BerthProperties properties = new BerthProperties(dataDir, "", null);
        int replicas = 6;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> keys = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(replicas)) {
            for (int i = 0; i < replicas; i++) {
                keys.add(pool.submit(() -> {
                    go.await();
                    return new TokenKeys(properties, "")
                            .key()
                            .computeThumbprint()
                            .toString();
                }));
            }
            go.countDown();
            List<String> thumbprints = new ArrayList<>();
            for (Future<String> f : keys) {
                thumbprints.add(f.get());
            }
            String onDisk =
                    new TokenKeys(properties, "").key().computeThumbprint().toString();
            assertThat(thumbprints).containsOnly(onDisk);
        }
        try (Stream<Path> files = Files.list(dataDir.resolve("keys"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("token.pem");
        }
        try (Stream<Path> all = Files.walk(dataDir)) {
            all.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
