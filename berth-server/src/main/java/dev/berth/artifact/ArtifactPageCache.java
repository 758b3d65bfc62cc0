package dev.berth.artifact;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.api.ListQuery;
import dev.berth.policy.ImmutableTagRules;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Artifact list pages kept in memory, gzip-compressed, so a page read again costs what finding its
 * repository costs.
 *
 * <p>A page is served from here only while its repository's {@code listing_version} is the one it
 * was built under. That column comes with the repository row every artifact request reads first,
 * and every change a page can show moves it forward in the changing transaction (V21): on any
 * replica, whoever made the change. Everything else a page depends on is in the key: the query,
 * the flags, and the project's tag immutability rules as lists read them. A page whose {@code
 * extra_attrs} were derived on the fly (not stored yet) is not kept: storing them later moves no
 * version. One entry per distinct page; a newer version replaces the older one.
 *
 * <p>Sized by compressed bytes ({@code berth.lists.page-cache-size}, 0 turns it off), a bound that
 * holds at every moment (pages are evicted as others are added, not later); a page holds at most
 * what a list may carry ({@link ListedMetadata}); idle pages leave after an hour.
 */
@Component
class ArtifactPageCache {
    /** What identifies a page apart from the version it was built under. */
    record Key(long repositoryId, ListQuery query, ArtifactAssembler.Flags flags, ImmutableTagRules.Listed rules) {}

    /**
     * A page: the total for {@code X-Total-Count} and the JSON body, gzip-compressed if kept; a page
     * just built and kept also carries its plain JSON for the request that built it.
     */
    record Page(long total, byte[] body, boolean gzipped, byte[] plain) {
        /** The body as plain JSON. */
        byte[] json() {
            if (plain != null) {
                return plain;
            }
            if (!gzipped) {
                return body;
            }
            try (var in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A page as built: the JSON, and whether it may be kept. */
    record Built(long total, byte[] json, boolean keep) {}

    private record Entry(long version, Page page) {}

    /** Pages served from memory, built and kept, built and not kept (off, or extra_attrs not stored yet). */
    record Counts(long hits, long misses, long uncached) {}

    private final Cache<Key, Entry> pages;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder uncached = new LongAdder();

    ArtifactPageCache(@Value("${berth.lists.page-cache-size:64MB}") DataSize size, MeterRegistry registry) {
        pages = size.toBytes() <= 0
                ? null
                : Caffeine.newBuilder()
                        .maximumWeight(size.toBytes())
                        .weigher(ArtifactPageCache::weight)
                        .expireAfterAccess(Duration.ofHours(1))
                        // Evictions run in the thread that adds a page, never later in a pool: the
                        // bound holds at every moment, also while many pages are added at once.
                        .executor(Runnable::run)
                        .build();
        String name = "berth.artifact.page.cache.requests";
        String help = "Artifact list pages served from memory (hit), built and kept (miss), or built and not kept";
        FunctionCounter.builder(name, hits, LongAdder::sum)
                .description(help)
                .tag("result", "hit")
                .register(registry);
        FunctionCounter.builder(name, misses, LongAdder::sum)
                .description(help)
                .tag("result", "miss")
                .register(registry);
        FunctionCounter.builder(name, uncached, LongAdder::sum)
                .description(help)
                .tag("result", "uncached")
                .register(registry);
        if (pages != null) {
            Gauge.builder(
                            "berth.artifact.page.cache.bytes",
                            pages,
                            p -> p.policy()
                                    .eviction()
                                    .map(e -> e.weightedSize().orElse(0))
                                    .orElse(0L))
                    .description("Compressed bytes of artifact list pages kept in memory")
                    .register(registry);
        }
    }

    Counts counts() {
        return new Counts(hits.sum(), misses.sum(), uncached.sum());
    }

    /**
     * The page under this key at this version: from memory if it was built at this version or a
     * later one (a later build shows at least every change this version stands for), else built by
     * {@code build} and kept if it may be. Concurrent misses build the page each; the latest
     * version built stays.
     */
    Page page(Key key, long version, Supplier<Built> build) {
        if (pages != null) {
            Entry entry = pages.getIfPresent(key);
            if (entry != null && entry.version() >= version) {
                hits.increment();
                return entry.page();
            }
        }
        Built built = build.get();
        if (pages == null || !built.keep()) {
            uncached.increment();
            return new Page(built.total(), built.json(), false, null);
        }
        Page kept = new Page(built.total(), gzip(built.json()), true, null);
        pages.asMap()
                .merge(key, new Entry(version, kept), (old, fresh) -> old.version() > fresh.version() ? old : fresh);
        misses.increment();
        return new Page(kept.total(), kept.body(), true, built.json());
    }

    /** A page's share of the bound: its compressed body, its key's query text, and the entry itself. */
    private static int weight(Key key, Entry entry) {
        long query = key.query().toString().length() * 2L;
        return (int) Math.min(Integer.MAX_VALUE, entry.page().body().length + query + 256);
    }

    /** Whether a page of these rows may be kept: all of their {@code extra_attrs} are stored. */
    static boolean keepable(List<ArtifactQueries.Row> rows) {
        return rows.stream().allMatch(r -> r.configKind() == null || r.storedExtraAttrs() != null);
    }

    /** Fastest compression: JSON pages shrink about tenfold even so. */
    private static byte[] gzip(byte[] json) {
        var out = new ByteArrayOutputStream(json.length / 8 + 64);
        try (var gz = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
