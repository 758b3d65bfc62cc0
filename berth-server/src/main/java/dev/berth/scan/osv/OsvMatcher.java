package dev.berth.scan.osv;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.scan.builtin.VulnerabilityMatcher;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in scanner's matcher: each CycloneDX component's purl looked up in the OSV database,
 * in the ecosystem's own version order, into the pluggable scanner API's generic vulnerability
 * report. The report's {@code database} object (a Berth addition; Harbor ignores it) says which
 * archives it was matched against, how old they are, and whether they are older than
 * {@code berth.scan.osv.max-age}.
 */
@Component
class OsvMatcher implements VulnerabilityMatcher {
    static final String SCANNER_NAME = "Berth";
    static final String SCANNER_VENDOR = "Berth";
    static final String SCANNER_VERSION = "osv-1";

    private final OsvDatabase database;
    private final JsonMapper json;
    private final Clock clock;

    OsvMatcher(OsvDatabase database, JsonMapper json, Clock clock) {
        this.database = database;
        this.json = json;
        this.clock = clock;
    }

    /** The generic report (application/vnd.security.vulnerability.report; version=1.1). */
    record Report(
            String generatedAt, Scanner scanner, String severity, List<Item> vulnerabilities, Database database) {}

    record Scanner(String name, String vendor, String version) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Cvss(Double scoreV3, Double scoreV2, String vectorV3, String vectorV2) {}

    record Item(
            String id,

            @com.fasterxml.jackson.annotation.JsonProperty("package")
            String packageName,

            String version,
            String fixVersion,
            String severity,
            String status,
            String description,
            List<String> links,
            Cvss preferredCvss,
            List<String> cweIds,
            Map<String, Object> vendorAttributes) {}

    /** Berth's note on the database a report was matched against. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Database(String source, String loadedAt, Long ageSeconds, boolean stale, String note) {}

    @Override
    public String match(String cycloneDxJson) {
        JsonNode bom = json.readTree(cycloneDxJson);
        List<String> purls = new ArrayList<>();
        collectPurls(bom.path("components"), purls);
        return json.writeValueAsString(matchPurls(purls));
    }

    /** Matches a list of purls; the report is the same as for an SBOM listing them. */
    Report matchPurls(List<String> purls) {
        return matchAll(Map.of(0L, purls)).get(0L);
    }

    /**
     * Matches several artifacts' purls at once (the re-match of stored SBOMs): one advisory lookup
     * for every package of all of them, and each distinct purl matched once. Each artifact's report
     * is the one {@link #matchPurls} gives for its purls.
     */
    <K> Map<K, Report> matchAll(Map<K, ? extends Collection<String>> purlsOf) {
        OsvDatabase.Status status = database.status();
        Map<String, Optional<PackageCoordinates>> packages = new HashMap<>();
        Set<OsvRecords.PackageKey> keys = new LinkedHashSet<>();
        for (Collection<String> purls : purlsOf.values()) {
            for (String purl : purls) {
                packages.computeIfAbsent(purl, u -> {
                    Optional<PackageCoordinates> p = PackageCoordinates.of(u);
                    p.ifPresent(c -> c.ecosystems().forEach(e -> keys.add(new OsvRecords.PackageKey(e, c.name()))));
                    return p;
                });
            }
        }
        Map<OsvRecords.PackageKey, List<OsvDatabase.Entry>> found = keys.isEmpty() ? Map.of() : database.lookup(keys);
        Map<String, List<Item>> itemsOfPurl = new HashMap<>();
        String generatedAt = clock.instant().toString();
        Database db = database(status);
        Map<K, Report> out = new LinkedHashMap<>();
        purlsOf.forEach((key, purls) -> {
            Map<String, Item> items = new LinkedHashMap<>();
            for (String purl : new LinkedHashSet<>(purls)) {
                for (Item item : itemsOfPurl.computeIfAbsent(
                        purl, u -> packages.get(u).map(p -> items(p, found)).orElse(List.of()))) {
                    add(items, item);
                }
            }
            List<Item> list = new ArrayList<>(items.values());
            list.sort(Comparator.comparing((Item i) -> -rank(i.severity()))
                    .thenComparing(Item::packageName)
                    .thenComparing(Item::id));
            String worst = list.stream()
                    .map(Item::severity)
                    .max(Comparator.comparingInt(OsvMatcher::rank))
                    .orElse("None");
            out.put(
                    key,
                    new Report(
                            generatedAt, new Scanner(SCANNER_NAME, SCANNER_VENDOR, SCANNER_VERSION), worst, list, db));
        });
        return out;
    }

    /** The items one package gives, in the order of its ecosystems and their advisories. */
    private static List<Item> items(PackageCoordinates p, Map<OsvRecords.PackageKey, List<OsvDatabase.Entry>> found) {
        List<Item> out = new ArrayList<>();
        for (String ecosystem : p.ecosystems()) {
            Optional<Comparator<String>> order = Ecosystems.order(ecosystem);
            if (order.isEmpty()) {
                continue;
            }
            for (OsvDatabase.Entry e : found.getOrDefault(new OsvRecords.PackageKey(ecosystem, p.name()), List.of())) {
                OsvAdvisory.affects(e.affected(), p.version(), order.get())
                        .ifPresent(hit -> out.add(item(p, ecosystem, e, hit)));
            }
        }
        return out;
    }

    private Database database(OsvDatabase.Status status) {
        Instant now = clock.instant();
        if (status.empty()) {
            return new Database(
                    "OSV", null, null, true, "no vulnerability database is loaded: nothing could be matched");
        }
        long age = status.age(now).orElseThrow().toSeconds();
        String note = status.stale()
                ? "the vulnerability database was last updated " + age / 3600 + " h ago, more than the "
                        + status.maxAge().toHours()
                        + " h allowed (berth.scan.osv.max-age): newer vulnerabilities are missing"
                : null;
        return new Database("OSV", status.loadedAt().orElseThrow().toString(), age, status.stale(), note);
    }

    /** Two advisories for the same CVE and package (a GHSA and a PYSEC record) make one item. */
    private static void add(Map<String, Item> items, Item item) {
        String key = item.id() + "\u0000" + item.packageName() + "\u0000" + item.version();
        Item before = items.get(key);
        if (before == null) {
            items.put(key, item);
            return;
        }
        Item worse = rank(item.severity()) > rank(before.severity()) ? item : before;
        Item other = worse == item ? before : item;
        Set<String> links = new LinkedHashSet<>(worse.links());
        links.addAll(other.links());
        items.put(
                key,
                new Item(
                        worse.id(),
                        worse.packageName(),
                        worse.version(),
                        worse.fixVersion().isEmpty() ? other.fixVersion() : worse.fixVersion(),
                        worse.severity(),
                        worse.fixVersion().isEmpty() && other.fixVersion().isEmpty() ? "affected" : "fixed",
                        worse.description().isEmpty() ? other.description() : worse.description(),
                        List.copyOf(links),
                        worse.preferredCvss().scoreV3() == null ? other.preferredCvss() : worse.preferredCvss(),
                        worse.cweIds().isEmpty() ? other.cweIds() : worse.cweIds(),
                        merged(worse.vendorAttributes(), other.vendorAttributes())));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merged(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> out = new LinkedHashMap<>(a);
        Set<String> ids = new LinkedHashSet<>((List<String>) a.getOrDefault("osv_ids", List.of()));
        ids.addAll((List<String>) b.getOrDefault("osv_ids", List.of()));
        out.put("osv_ids", List.copyOf(ids));
        return out;
    }

    private static Item item(PackageCoordinates p, String ecosystem, OsvDatabase.Entry e, OsvAdvisory.Hit hit) {
        OsvAdvisory a = e.advisory();
        OptionalDouble v3 = a.scoreV3();
        OptionalDouble v2 = a.scoreV2();
        Cvss cvss = new Cvss(
                v3.isPresent() ? v3.getAsDouble() : null,
                v2.isPresent() ? v2.getAsDouble() : null,
                a.cvssV3().orElse(null),
                a.cvssV2().orElse(null));
        List<String> links = new ArrayList<>();
        links.add("https://osv.dev/vulnerability/" + a.id());
        a.links().stream().limit(20).forEach(links::add);
        String description = a.details().isBlank() ? a.summary() : a.details();
        if (description.length() > 4000) {
            description = description.substring(0, 4000) + "…";
        }
        Map<String, Object> vendor = new LinkedHashMap<>();
        vendor.put("osv_ids", List.of(a.id()));
        vendor.put("aliases", a.aliases());
        vendor.put("ecosystem", ecosystem);
        if (v3.isPresent()) {
            vendor.put(
                    "CVSS", Map.of("osv", Map.of("V3Vector", a.cvssV3().orElseThrow(), "V3Score", v3.getAsDouble())));
        }
        String fix = hit.fixVersion().orElse("");
        return new Item(
                a.reportId(),
                p.displayName(),
                p.displayVersion(),
                fix,
                a.severity(e.affected()),
                fix.isEmpty() ? "affected" : "fixed",
                description,
                List.copyOf(links),
                cvss,
                a.cweIds(),
                vendor);
    }

    private static int rank(String severity) {
        return switch (severity) {
            case "Critical" -> 5;
            case "High" -> 4;
            case "Medium" -> 3;
            case "Low" -> 2;
            case "None" -> 1;
            default -> 0;
        };
    }

    private static void collectPurls(JsonNode components, List<String> out) {
        for (JsonNode c : components) {
            String purl = c.path("purl").asString("");
            if (!purl.isEmpty()) {
                out.add(purl);
            }
            collectPurls(c.path("components"), out);
        }
    }
}
