package dev.berth.scan.osv;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.artifact.ArtifactInventory;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectScope;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Berth's package search (not in Harbor): which artifacts contain a package, optionally within a
 * version range, from the packages of every stored SBOM. Answers only artifacts of projects whose
 * artifacts the caller may read.
 *
 * <p>{@code GET /api/v2.0/packages/artifacts?type=maven&name=org.apache.logging.log4j:log4j-core
 * &version_range=>=2.0,<2.15.0}: {@code type} is the purl type, {@code name} the package as reports
 * show it, {@code version_range} comparisons joined by commas, all of which must hold, in the
 * ecosystem's own version order.
 */
@RestController
class PackageSearchController {
    /** Rows read at most per request: an answer is a page of a bounded scan, not the registry. */
    private static final int SCAN_LIMIT = 10_000;

    private static final Map<String, String> ORDER_OF_TYPE = Map.of(
            "maven", "Maven",
            "npm", "npm",
            "pypi", "PyPI",
            "golang", "Go",
            "cargo", "crates.io",
            "gem", "RubyGems",
            "nuget", "NuGet",
            "deb", "Debian",
            "apk", "Alpine",
            "rpm", "Rocky Linux");

    private final JdbcClient jdbc;
    private final Authorizer authorizer;
    private final ArtifactInventory inventory;

    PackageSearchController(JdbcClient jdbc, Authorizer authorizer, ArtifactInventory inventory) {
        this.jdbc = jdbc;
        this.authorizer = authorizer;
        this.inventory = inventory;
    }

    record PackageView(String type, String name, String version, String purl) {}

    record ArtifactView(
            long projectId,
            String projectName,
            String repositoryName,
            String digest,
            String tag,
            @JsonProperty("package") PackageView packageView) {}

    record Constraint(String op, String version) {}

    @GetMapping("/api/v2.0/packages/artifacts")
    ResponseEntity<List<ArtifactView>> artifacts(
            HttpServletRequest request,
            @RequestParam(name = "type") String type,
            @RequestParam(name = "name") String name,
            @RequestParam(name = "version_range", defaultValue = "") String range,
            @RequestParam(name = "page", defaultValue = "1") int page,
            @RequestParam(name = "page_size", defaultValue = "10") int pageSize) {
        Principal caller = Callers.of(request);
        if (page < 1 || pageSize < 1 || pageSize > 100) {
            throw ApiException.badRequest("page must be 1 or more and page_size between 1 and 100");
        }
        String purlType = type.strip().toLowerCase(java.util.Locale.ROOT);
        String wanted = purlType.equals("pypi") ? Ecosystems.normalizedName("PyPI", name.strip()) : name.strip();
        List<Constraint> constraints = constraints(range);
        Comparator<String> order = Optional.ofNullable(ORDER_OF_TYPE.get(purlType))
                .flatMap(Ecosystems::order)
                .orElse(null);
        if (!constraints.isEmpty() && order == null) {
            throw ApiException.badRequest("no version order is known for package type " + purlType);
        }
        record Hit(long manifestId, String version, String purl) {}
        // One index holds every kept SBOM's packages, the built-in scanner's included (SbomIndex).
        List<Hit> hits = jdbc
                .sql("""
                        SELECT DISTINCT ON (manifest_id, purl) manifest_id, version, purl FROM sbom_package
                        WHERE purl_type = ? AND name = ? ORDER BY manifest_id, purl LIMIT ?
                        """)
                .params(purlType, wanted, SCAN_LIMIT)
                .query((rs, i) -> new Hit(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list()
                .stream()
                .filter(h -> constraints.stream().allMatch(c -> holds(c, h.version(), order)))
                .toList();
        Map<Long, ArtifactInventory.Stored> artifacts = new HashMap<>();
        for (ArtifactInventory.Stored a :
                inventory.byIds(hits.stream().map(Hit::manifestId).distinct().toList())) {
            artifacts.put(a.id(), a);
        }
        Map<Long, Optional<ProjectScope>> readable = new HashMap<>();
        List<ArtifactView> visible = new ArrayList<>();
        for (Hit h : hits) {
            ArtifactInventory.Stored a = artifacts.get(h.manifestId());
            if (a == null) {
                continue;
            }
            Optional<ProjectScope> project = readable.computeIfAbsent(
                    a.projectId(),
                    id -> authorizer
                            .project(id)
                            .filter(p -> authorizer.allowed(caller, p, Resource.ARTIFACT, Action.READ)));
            project.ifPresent(p -> visible.add(new ArtifactView(
                    p.id(),
                    p.name(),
                    a.repository(),
                    a.digest(),
                    a.tag().orElse(null),
                    new PackageView(purlType, name.strip(), h.version(), h.purl()))));
        }
        int from = Math.min(visible.size(), (page - 1) * pageSize);
        int to = Math.min(visible.size(), from + pageSize);
        return ResponseEntity.ok()
                .header("X-Total-Count", String.valueOf(visible.size()))
                .body(visible.subList(from, to));
    }

    static List<Constraint> constraints(String range) {
        List<Constraint> out = new ArrayList<>();
        for (String part : range.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            String op = p.startsWith(">=") || p.startsWith("<=") || p.startsWith("==") || p.startsWith("!=")
                    ? p.substring(0, 2)
                    : (p.startsWith(">") || p.startsWith("<") || p.startsWith("=") ? p.substring(0, 1) : "=");
            String version = p.substring(p.startsWith(op) ? op.length() : 0).strip();
            if (version.isEmpty()) {
                throw ApiException.badRequest("version_range: a comparison without a version: " + p);
            }
            out.add(new Constraint(op, version));
        }
        return out;
    }

    private static boolean holds(Constraint c, String version, Comparator<String> order) {
        int cmp = order.compare(version, c.version());
        return switch (c.op()) {
            case ">=" -> cmp >= 0;
            case ">" -> cmp > 0;
            case "<=" -> cmp <= 0;
            case "<" -> cmp < 0;
            case "!=" -> cmp != 0;
            default -> cmp == 0;
        };
    }
}
