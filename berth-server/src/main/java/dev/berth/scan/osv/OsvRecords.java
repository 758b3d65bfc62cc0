package dev.berth.scan.osv;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The tables {@code osv_archive}, {@code osv_advisory} and {@code osv_affected} (V140). */
@Repository
class OsvRecords {
    private final JdbcClient jdbc;

    OsvRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A loaded (or loading) archive. */
    record Archive(
            String name,
            String source,
            Optional<String> etag,
            Optional<Instant> loadedAt,
            int advisories,
            Optional<Instant> newest) {}

    /** One advisory to store, with its affected entries' (ecosystem, normalised package). */
    record Row(String id, Instant modified, String json, List<PackageKey> affected) {}

    /** A package as the database indexes it. */
    record PackageKey(String ecosystem, String name) {}

    /** An indexed advisory entry for a package: the advisory and which of its affected entries. */
    record Candidate(String archive, String id, int ordinal, String ecosystem, String name) {}

    void ensureArchive(String name, String source) {
        jdbc.sql("""
                        INSERT INTO osv_archive (name, source, advisories) VALUES (?, ?, 0)
                        ON CONFLICT (name) DO NOTHING
                        """).params(name, source).update();
    }

    List<Archive> archives() {
        return jdbc.sql("SELECT name, source, etag, loaded_at, advisories, newest FROM osv_archive ORDER BY name")
                .query((rs, i) -> new Archive(
                        rs.getString(1),
                        rs.getString(2),
                        Optional.ofNullable(rs.getString(3)),
                        Optional.ofNullable(rs.getTimestamp(4)).map(Timestamp::toInstant),
                        rs.getInt(5),
                        Optional.ofNullable(rs.getTimestamp(6)).map(Timestamp::toInstant)))
                .list();
    }

    Optional<Archive> archive(String name) {
        return archives().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The archive's advisories and when each was modified, to skip what has not changed. */
    Map<String, Instant> modifiedOf(String archive) {
        Map<String, Instant> out = new HashMap<>();
        jdbc.sql("SELECT id, modified FROM osv_advisory WHERE archive = ?")
                .param(archive)
                .query(rs -> {
                    out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                });
        return out;
    }

    /** Replaces the given advisories of the archive (and their affected rows) in one statement each. */
    void upsert(String archive, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        String[] ids = rows.stream().map(Row::id).toArray(String[]::new);
        String[] modified = rows.stream().map(r -> r.modified().toString()).toArray(String[]::new);
        String[] json = rows.stream().map(Row::json).toArray(String[]::new);
        jdbc.sql("DELETE FROM osv_affected WHERE archive = ? AND advisory_id = ANY (?)")
                .params(archive, ids)
                .update();
        jdbc.sql("""
                        INSERT INTO osv_advisory (archive, id, modified, record)
                        SELECT ?, r.id, r.modified::timestamptz, r.record::jsonb
                        FROM unnest(?::text[], ?::text[], ?::text[]) AS r(id, modified, record)
                        ON CONFLICT (archive, id) DO UPDATE SET modified = EXCLUDED.modified, record = EXCLUDED.record
                        """).params(archive, ids, modified, json).update();
        List<String> aIds = new ArrayList<>();
        List<Integer> ordinals = new ArrayList<>();
        List<String> ecosystems = new ArrayList<>();
        List<String> packages = new ArrayList<>();
        for (Row r : rows) {
            for (int k = 0; k < r.affected().size(); k++) {
                aIds.add(r.id());
                ordinals.add(k);
                ecosystems.add(r.affected().get(k).ecosystem());
                packages.add(r.affected().get(k).name());
            }
        }
        jdbc.sql("""
                        INSERT INTO osv_affected (archive, advisory_id, ordinal, ecosystem, package)
                        SELECT ?, a.id, a.ordinal, a.ecosystem, a.package
                        FROM unnest(?::text[], ?::int[], ?::text[], ?::text[]) AS a(id, ordinal, ecosystem, package)
                        """)
                .params(
                        archive,
                        aIds.toArray(String[]::new),
                        ordinals.toArray(Integer[]::new),
                        ecosystems.toArray(String[]::new),
                        packages.toArray(String[]::new))
                .update();
    }

    /** The packages the given advisories of the archive affect (before they change or go). */
    Set<PackageKey> packagesOf(String archive, List<String> ids) {
        Set<PackageKey> out = new HashSet<>();
        jdbc.sql("SELECT DISTINCT ecosystem, package FROM osv_affected WHERE archive = ? AND advisory_id = ANY (?)")
                .params(archive, ids.toArray(String[]::new))
                .query(rs -> {
                    out.add(new PackageKey(rs.getString(1), rs.getString(2)));
                });
        return out;
    }

    void delete(String archive, List<String> ids) {
        jdbc.sql("DELETE FROM osv_advisory WHERE archive = ? AND id = ANY (?)")
                .params(archive, ids.toArray(String[]::new))
                .update();
    }

    void finish(String archive, String source, Optional<String> etag, Instant now) {
        jdbc.sql("""
                        UPDATE osv_archive SET source = ?, etag = ?, loaded_at = ?,
                               advisories = (SELECT count(*) FROM osv_advisory WHERE archive = ?),
                               newest = (SELECT max(modified) FROM osv_advisory WHERE archive = ?)
                        WHERE name = ?
                        """)
                .params(source, etag.orElse(null), Timestamp.from(now), archive, archive, archive)
                .update();
    }

    /** An update that found the archive unchanged (HTTP 304) still counts as current. */
    void touch(String archive, Instant now) {
        jdbc.sql("UPDATE osv_archive SET loaded_at = ? WHERE name = ?")
                .params(Timestamp.from(now), archive)
                .update();
    }

    /** The advisory entries indexed under any of the packages. */
    List<Candidate> candidates(List<PackageKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT a.archive, a.advisory_id, a.ordinal, a.ecosystem, a.package
                        FROM unnest(?::text[], ?::text[]) AS k(ecosystem, package)
                        JOIN osv_affected a ON a.ecosystem = k.ecosystem AND a.package = k.package
                        """)
                .params(
                        keys.stream().map(PackageKey::ecosystem).toArray(String[]::new),
                        keys.stream().map(PackageKey::name).toArray(String[]::new))
                .query((rs, i) ->
                        new Candidate(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5)))
                .list();
    }

    /** The records of the given advisories of one archive, by id. */
    Map<String, String> records(String archive, Collection<String> ids) {
        Map<String, String> out = new HashMap<>();
        jdbc.sql("SELECT id, record::text FROM osv_advisory WHERE archive = ? AND id = ANY (?)")
                .params(archive, ids.toArray(String[]::new))
                .query(rs -> {
                    out.put(rs.getString(1), rs.getString(2));
                });
        return out;
    }
}
