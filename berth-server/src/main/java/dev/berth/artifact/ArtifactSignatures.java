package dev.berth.artifact;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The signatures attached to an artifact, as Harbor lists them among its accessories ({@code
 * signature.cosign} by referrer or by cosign's {@code sha256-<hex>.sig} tag, {@code
 * signature.notation} by referrer), and whether an artifact is itself a signature. For policies
 * on the pull path: two indexed reads.
 */
@Service
public class ArtifactSignatures {
    private static final long MAX_ACCESSORIES = 100;

    private final JdbcClient jdbc;
    private final ArtifactQueries artifacts;

    ArtifactSignatures(JdbcClient jdbc, ArtifactQueries artifacts) {
        this.jdbc = jdbc;
        this.artifacts = artifacts;
    }

    /** What a pull policy needs of an artifact: its signature kinds, and whether it is a signature. */
    public record Signed(Set<String> signatureTypes, boolean isSignature) {}

    public Optional<Signed> of(long manifestId) {
        return jdbc.sql("SELECT m.repository_id, m.digest, (m.subject_digest IS NOT NULL AND "
                        + ArtifactSql.SUBJECT_ACCESSORY_TYPE + " LIKE 'signature.%')"
                        + " OR EXISTS (SELECT 1 FROM tag ct WHERE ct.manifest_id = m.id"
                        + " AND ct.name ~ '^sha256-[0-9a-f]{64}\\.sig$') AS is_signature"
                        + " FROM manifest m WHERE m.id = ?")
                .param(manifestId)
                .query((rs, i) -> {
                    long repositoryId = rs.getLong(1);
                    String digest = rs.getString(2);
                    Set<String> types =
                            artifacts
                                    .nestedAccessories(repositoryId, Map.of(manifestId, digest), MAX_ACCESSORIES)
                                    .stream()
                                    .map(ArtifactQueries.Accessory::type)
                                    .filter(t -> t.startsWith("signature."))
                                    .collect(Collectors.toUnmodifiableSet());
                    return new Signed(types, rs.getBoolean(3));
                })
                .optional();
    }
}
