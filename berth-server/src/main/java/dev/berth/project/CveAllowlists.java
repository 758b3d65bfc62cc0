package dev.berth.project;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.api.ApiException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * CVE allowlists (the {@code cve_allowlist} table): the system's and each project's, validated as
 * Harbor validates them (no empty id, no duplicate), and the one in force for a project: the
 * system's when the project's {@code reuse_sys_cve_allowlist} is true, else its own; an expired
 * list allows nothing.
 */
@Service
public class CveAllowlists {
    private static final int MAX_ITEMS = 10_000;

    private final JdbcClient jdbc;
    private final Clock clock;

    CveAllowlists(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public CveAllowlist system() {
        return find(0).orElse(CveAllowlist.empty(0));
    }

    public CveAllowlist ofProject(long projectId) {
        return find(projectId).orElse(CveAllowlist.empty(projectId));
    }

    /**
     * The CVE ids a project's scans may ignore right now: from the system list when the project
     * reuses it, else from its own; none when that list has expired.
     */
    public Set<String> inForce(Project project) {
        boolean reuse = "true".equals(project.metadata().get("reuse_sys_cve_allowlist"));
        CveAllowlist list = reuse ? system() : ofProject(project.id());
        return list.isExpired(clock.instant()) ? Set.of() : Set.copyOf(list.items());
    }

    /** Replaces the system list. */
    public void setSystem(Optional<Long> expiresAt, List<String> items) {
        set(0, expiresAt, items);
    }

    /** Replaces a project's list. */
    void setProject(long projectId, Optional<Long> expiresAt, List<String> items) {
        set(projectId, expiresAt, items);
    }

    /**
     * The {@code cve_allowlist} of a project create or update body ({@code {"expires_at": …,
     * "items": [{"cve_id": …}]}}), validated; empty when the body has none.
     */
    static Optional<Parsed> parse(Object raw) {
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw ApiException.badRequest("cve_allowlist must be an object");
        }
        Optional<Long> expires = switch (map.get("expires_at")) {
            case null -> Optional.empty();
            case Number n -> Optional.of(n.longValue());
            default -> throw ApiException.badRequest("expires_at must be a number of seconds since the epoch");
        };
        List<String> items = new java.util.ArrayList<>();
        Object rawItems = map.get("items");
        if (rawItems != null) {
            if (!(rawItems instanceof List<?> list)) {
                throw ApiException.badRequest("items must be an array");
            }
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> m) || !(m.get("cve_id") instanceof String id)) {
                    throw ApiException.badRequest("each item needs a cve_id");
                }
                items.add(id);
            }
        }
        return Optional.of(new Parsed(expires, validated(items)));
    }

    record Parsed(Optional<Long> expiresAt, List<String> items) {}

    /** Harbor's validation: no empty id, no duplicate; ids are trimmed. */
    public static List<String> validated(List<String> items) {
        if (items.size() > MAX_ITEMS) {
            throw ApiException.badRequest("a CVE allowlist holds at most " + MAX_ITEMS + " items");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : items) {
            String id = raw == null ? "" : raw.trim();
            if (id.isEmpty()) {
                throw ApiException.badRequest("empty or whitespace-only CVE ID in allowlist");
            }
            if (id.length() > 128) {
                throw ApiException.badRequest("CVE ID longer than 128 characters in allowlist");
            }
            if (!seen.add(id)) {
                throw ApiException.badRequest("duplicate CVE ID in allowlist: " + id);
            }
        }
        return List.copyOf(seen);
    }

    private void set(long projectId, Optional<Long> expiresAt, List<String> items) {
        List<String> valid = validated(items);
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                        INSERT INTO cve_allowlist (project_id, expires_at, items, creation_time, update_time)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (COALESCE(project_id, 0)) DO UPDATE
                           SET expires_at = EXCLUDED.expires_at, items = EXCLUDED.items, update_time = EXCLUDED.update_time
                        """)
                .params(
                        projectId == 0 ? null : projectId,
                        expiresAt.orElse(null),
                        valid.toArray(String[]::new),
                        now,
                        now)
                .update();
    }

    /** The lists of these projects, by project id; empty ones for projects without. */
    Map<Long, CveAllowlist> ofProjects(List<Long> projectIds) {
        Map<Long, CveAllowlist> out = new java.util.HashMap<>();
        projectIds.forEach(id -> out.put(id, CveAllowlist.empty(id)));
        if (projectIds.isEmpty()) {
            return out;
        }
        jdbc.sql("""
                        SELECT id, COALESCE(project_id, 0), expires_at, items, creation_time, update_time
                        FROM cve_allowlist WHERE project_id = ANY (?)
                        """)
                .param(projectIds.toArray(Long[]::new))
                .query((rs, i) -> row(rs))
                .list()
                .forEach(l -> out.put(l.projectId(), l));
        return out;
    }

    private Optional<CveAllowlist> find(long projectId) {
        return jdbc.sql("""
                        SELECT id, COALESCE(project_id, 0), expires_at, items, creation_time, update_time
                        FROM cve_allowlist WHERE COALESCE(project_id, 0) = ?
                        """).param(projectId).query((rs, i) -> row(rs)).optional();
    }

    private static CveAllowlist row(ResultSet rs) throws SQLException {
        long expires = rs.getLong(3);
        boolean never = rs.wasNull();
        Array items = rs.getArray(4);
        return new CveAllowlist(
                rs.getLong(1),
                rs.getLong(2),
                never ? Optional.empty() : Optional.of(expires),
                items == null ? List.of() : Arrays.asList((String[]) items.getArray()),
                Optional.of(rs.getTimestamp(5).toInstant()),
                Optional.of(rs.getTimestamp(6).toInstant()));
    }

    /** Harbor's {@code CVEAllowlist} as the API returns it; times never set read as Go's zero time. */
    public record View(
            long id,
            long projectId,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long expiresAt,
            List<Item> items,
            String creationTime,
            String updateTime) {
        public record Item(String cveId) {}
    }

    public static View view(CveAllowlist l) {
        return new View(
                l.id(),
                l.projectId(),
                l.expiresAt().orElse(null),
                l.items().stream().map(View.Item::new).toList(),
                l.creationTime().map(Instant::toString).orElse(NEVER),
                l.updateTime().map(Instant::toString).orElse(NEVER));
    }

    /** Go's zero time, as Harbor writes a time that was never set. */
    private static final String NEVER = "0001-01-01T00:00:00.000Z";
}
