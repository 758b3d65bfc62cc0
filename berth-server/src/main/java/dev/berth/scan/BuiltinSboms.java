package dev.berth.scan;

import com.github.packageurl.PackageURL;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The built-in scanner's SBOMs as kept per artifact (table {@code builtin_sbom}, V130), newest
 * only. Their packages are indexed with every other SBOM's (see {@link BuiltinSbomKept}).
 */
@Repository
public class BuiltinSboms {
    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    BuiltinSboms(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @Transactional
    void keep(long manifestId, String digest, String cycloneDx, List<PackageURL> packages, Instant now) {
        jdbc.sql("""
                        INSERT INTO builtin_sbom (manifest_id, digest, cyclonedx, package_count, created)
                        VALUES (?, ?, CAST(? AS jsonb), ?, ?)
                        ON CONFLICT (manifest_id) DO UPDATE
                           SET digest = EXCLUDED.digest, cyclonedx = EXCLUDED.cyclonedx,
                               package_count = EXCLUDED.package_count, created = EXCLUDED.created
                        """)
                .params(manifestId, digest, cycloneDx, packages.size(), Timestamp.from(now))
                .update();
        events.publishEvent(new BuiltinSbomKept(
                manifestId, packages.stream().map(PackageURL::canonicalize).toList()));
    }

    /** The artifact's kept CycloneDX SBOM. */
    public Optional<String> cycloneDx(long manifestId) {
        return jdbc.sql("SELECT cyclonedx::text FROM builtin_sbom WHERE manifest_id = ?")
                .param(manifestId)
                .query(String.class)
                .optional();
    }

    /** Up to {@code limit} artifacts with a kept SBOM that lists packages, by id after {@code afterId}. */
    public List<Long> withPackagesAfter(long afterId, int limit) {
        return jdbc.sql("""
                        SELECT manifest_id FROM builtin_sbom WHERE manifest_id > ? AND package_count > 0
                        ORDER BY manifest_id LIMIT ?
                        """).params(afterId, limit).query(Long.class).list();
    }
}
