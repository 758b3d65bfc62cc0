package dev.berth.scan.osv;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OSV database as matching sees it: the advisories that name a package, parsed once and
 * cached until the database changes, and the database's state (which archives, how old).
 */
@Component
class OsvDatabase {
    private final OsvRecords records;
    private final OsvSettings settings;
    private final JsonMapper json;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Cache<String, OsvAdvisory> parsed =
            Caffeine.newBuilder().maximumSize(100_000).build();

    OsvDatabase(
            OsvRecords records, OsvSettings settings, JsonMapper json, Clock clock, ApplicationEventPublisher events) {
        this.records = records;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.events = events;
    }

    /** An advisory entry that names a package: the advisory, and which of its affected entries. */
    record Entry(OsvAdvisory advisory, OsvAdvisory.Affected affected) {}

    /**
     * The database's state.
     *
     * @param loadedAt when the least recently loaded archive was loaded; empty when none is
     * @param stale whether that is longer ago than {@code berth.scan.osv.max-age}, or nothing is loaded
     */
    public record Status(
            List<OsvRecords.Archive> archives, Optional<Instant> loadedAt, boolean stale, Duration maxAge) {
        public Optional<Duration> age(Instant now) {
            return loadedAt.map(t -> Duration.between(t, now));
        }

        public boolean empty() {
            return loadedAt.isEmpty();
        }
    }

    /** After a load: the packages whose advisories were added, changed or removed. */
    public record Changed(Set<OsvRecords.PackageKey> packages) {}

    public Status status() {
        List<OsvRecords.Archive> archives = records.archives();
        Optional<Instant> oldest = archives.stream()
                .filter(a -> a.loadedAt().isPresent())
                .map(a -> a.loadedAt().get())
                .min(Instant::compareTo);
        boolean stale = oldest.map(t -> Duration.between(t, clock.instant()).compareTo(settings.maxAge()) > 0)
                .orElse(true);
        return new Status(archives, oldest, stale, settings.maxAge());
    }

    /** The advisory entries of each package that any advisory names. */
    Map<OsvRecords.PackageKey, List<Entry>> lookup(Collection<OsvRecords.PackageKey> keys) {
        List<OsvRecords.Candidate> candidates = records.candidates(List.copyOf(keys));
        Map<String, Set<String>> missing = new HashMap<>();
        for (OsvRecords.Candidate c : candidates) {
            if (parsed.getIfPresent(key(c.archive(), c.id())) == null) {
                missing.computeIfAbsent(c.archive(), k -> new HashSet<>()).add(c.id());
            }
        }
        Map<String, OsvAdvisory> fetched = new HashMap<>();
        missing.forEach((archive, ids) -> records.records(archive, ids).forEach((id, text) -> {
            OsvAdvisory advisory = OsvAdvisory.parse(json.readTree(text));
            fetched.put(key(archive, id), advisory);
            parsed.put(key(archive, id), advisory);
        }));
        Map<OsvRecords.PackageKey, List<Entry>> out = new HashMap<>();
        for (OsvRecords.Candidate c : candidates) {
            String key = key(c.archive(), c.id());
            OsvAdvisory advisory = fetched.getOrDefault(key, parsed.getIfPresent(key));
            if (advisory == null
                    || advisory.withdrawn()
                    || c.ordinal() >= advisory.affected().size()) {
                continue; // removed since, or withdrawn
            }
            out.computeIfAbsent(new OsvRecords.PackageKey(c.ecosystem(), c.name()), k -> new ArrayList<>())
                    .add(new Entry(advisory, advisory.affected().get(c.ordinal())));
        }
        return out;
    }

    private static String key(String archive, String id) {
        return archive + "\u0000" + id;
    }

    /** Called after a load changed the database: forgets parsed advisories and tells listeners. */
    void changed(Set<OsvRecords.PackageKey> packages) {
        parsed.invalidateAll();
        if (!packages.isEmpty()) {
            events.publishEvent(new Changed(Set.copyOf(packages)));
        }
    }
}
