package dev.berth.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.ListQuery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The page cache's bound is in compressed bytes and holds at every moment: pages far larger in all
 * than the bound are added one after another, the size metric never exceeds it, and pages that
 * did not fit are built again. No server: the cache alone.
 */
class ArtifactPageCacheBoundTest {
    private static final long BOUND = 64 * 1024;

    @Test
    void keptPagesNeverExceedTheConfiguredBytesAndTheMetricSaysHowMany() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ArtifactPageCache cache = new ArtifactPageCache(DataSize.ofBytes(BOUND), registry);
        Random random = new Random(7);
        AtomicInteger builds = new AtomicInteger();
        double largest = 0;
        for (int repository = 1; repository <= 40; repository++) {
            byte[] json = incompressible(random, 8 * 1024);
            cache.page(key(repository), 1, () -> {
                builds.incrementAndGet();
                return new ArtifactPageCache.Built(1, json, true);
            });
            double bytes =
                    registry.get("berth.artifact.page.cache.bytes").gauge().value();
            assertThat(bytes).as("after page %d", repository).isLessThanOrEqualTo(BOUND);
            largest = Math.max(largest, bytes);
        }
        assertThat(builds).hasValue(40);
        // Nearly full (each page weighs about 6 KiB compressed), not emptied by the evictions
        assertThat(largest).isGreaterThan(BOUND / 2.0);

        // 40 pages do not fit: some are built again, some come from memory (which ones is the
        // eviction policy's choice), and the bound still holds
        int before = builds.get();
        for (int repository = 1; repository <= 40; repository++) {
            cache.page(key(repository), 1, () -> {
                builds.incrementAndGet();
                return new ArtifactPageCache.Built(1, incompressible(random, 8 * 1024), true);
            });
        }
        assertThat(builds.get() - before).isBetween(1, 39);
        assertThat(registry.get("berth.artifact.page.cache.bytes").gauge().value())
                .isLessThanOrEqualTo(BOUND);
    }

    @Test
    void aPageLargerThanTheWholeBoundIsServedButNotKept() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ArtifactPageCache cache = new ArtifactPageCache(DataSize.ofBytes(BOUND), registry);
        byte[] json = incompressible(new Random(8), (int) BOUND * 2);
        ArtifactPageCache.Page page = cache.page(key(1), 1, () -> new ArtifactPageCache.Built(1, json, true));
        assertThat(page.json()).isEqualTo(json);
        assertThat(registry.get("berth.artifact.page.cache.bytes").gauge().value())
                .isLessThanOrEqualTo(BOUND);
    }

    private static ArtifactPageCache.Key key(long repository) {
        return new ArtifactPageCache.Key(
                repository, ListQuery.firstPage(100), new ArtifactAssembler.Flags(true, false, false, false), null);
    }

    /** JSON-safe bytes that gzip cannot shrink much (hex of random bytes shrinks about 2x at most). */
    private static byte[] incompressible(Random random, int length) {
        byte[] raw = new byte[length];
        random.nextBytes(raw);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (33 + (raw[i] & 0x3f)); // printable, 64 symbols: about 6 bits a byte
        }
        return raw;
    }
}
