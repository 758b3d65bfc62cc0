package dev.berth.scan;

import com.github.packageurl.PackageURL;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The built-in scanner's SBOMs as kept per artifact (table {@code builtin_sbom}, V130), newest only. */
@Repository
class BuiltinSboms {
    private final JdbcClient jdbc;

    BuiltinSboms(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
        jdbc.sql("DELETE FROM builtin_sbom_package WHERE manifest_id = ?")
                .param(manifestId)
                .update();
        String[] purls = new String[packages.size()];
        String[] types = new String[packages.size()];
        String[] names = new String[packages.size()];
        String[] versions = new String[packages.size()];
        for (int i = 0; i < packages.size(); i++) {
            PackageURL p = packages.get(i);
            purls[i] = p.canonicalize();
            types[i] = p.getType();
            names[i] = p.getNamespace() == null ? p.getName() : p.getNamespace() + "/" + p.getName();
            versions[i] = p.getVersion() == null ? "" : p.getVersion();
        }
        // One statement for all the packages: an image has hundreds.
        jdbc.sql("""
                        INSERT INTO builtin_sbom_package (manifest_id, purl, purl_type, purl_name, version)
                        SELECT ?, u.purl, u.type, u.name, u.version
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS u(purl, type, name, version)
                        ON CONFLICT DO NOTHING
                        """).params(manifestId, purls, types, names, versions).update();
    }

    /** The artifact's kept CycloneDX SBOM. */
    java.util.Optional<String> cycloneDx(long manifestId) {
        return jdbc.sql("SELECT cyclonedx::text FROM builtin_sbom WHERE manifest_id = ?")
                .param(manifestId)
                .query(String.class)
                .optional();
    }
}
