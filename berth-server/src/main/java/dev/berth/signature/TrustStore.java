package dev.berth.signature;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.cache.CacheInvalidations;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The tables {@code trust_policy}, {@code trust_key}, {@code trust_notation_store}, {@code
 * trust_keyless_identity}, {@code sigstore_trusted_root} and {@code trust_result}.
 */
@Repository
class TrustStore {
    /** The name under which replicas hear that a project's policy changed. */
    private static final String CACHE = "trust-policy";
    /** The name under which replicas hear that a project's results of older policy versions were dropped. */
    private static final String RESULTS = "trust-result";

    private final JdbcClient jdbc;
    private final CacheInvalidations invalidations;
    /**
     * Policies for the pull path, which asks on every manifest GET and HEAD: remembered for two
     * seconds, forgotten at once on this replica when one changes (and, after its commit, again, in
     * case a pull read the old row meanwhile), on the others too when Redis is configured.
     */
    private final Cache<Long, Optional<TrustPolicy>> policies = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(2))
            .maximumSize(10_000)
            .build();
    /**
     * Verified results for the pull path, which reads one on every manifest GET and HEAD under a
     * policy that is not off: remembered for two seconds. Only verified results are kept, because
     * only they can be wrong when remembered: a row is never turned unverified within one policy
     * version ({@link #putResult}), and every change of what a project trusts (mode, kinds, keys,
     * Notation trust, identities, the site's trust root) is a new version, so a remembered result
     * goes out of use as soon as the policy it was read under does (the policy cache's bound). An
     * unverified or missing result is read every time: a signature pushed is honoured on the next
     * pull, and a refused pull reads more rows anyway. Dropping older versions' rows drops them here
     * too, on every replica.
     */
    private final Cache<ResultKey, Result> verified = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(2))
            .maximumSize(50_000)
            .build();

    private record ResultKey(long projectId, long manifestId, long policyVersion) {}

    TrustStore(JdbcClient jdbc, CacheInvalidations invalidations) {
        this.jdbc = jdbc;
        this.invalidations = invalidations;
        invalidations.onInvalidate(CACHE, key -> {
            if (key.equals(CacheInvalidations.ALL)) {
                policies.invalidateAll();
            } else {
                policies.invalidate(Long.parseLong(key));
            }
        });
        invalidations.onInvalidate(RESULTS, key -> {
            if (key.equals(CacheInvalidations.ALL)) {
                verified.invalidateAll();
            } else {
                long projectId = Long.parseLong(key);
                verified.asMap().keySet().removeIf(k -> k.projectId() == projectId);
            }
        });
    }

    /** The policy as {@link #policy} reads it, remembered briefly: for the pull path only. */
    Optional<TrustPolicy> cachedPolicy(long projectId) {
        return policies.get(projectId, this::policy);
    }

    private void changed(long projectId) {
        policies.invalidate(projectId);
        invalidations.invalidate(CACHE, Long.toString(projectId));
    }

    /** A trusted key as stored. */
    record TrustedKey(
            long id, long projectId, String name, KeyType type, String pem, String fingerprint, Instant created) {
        PublicKeyPem parsed() {
            return PublicKeyPem.parse(pem);
        }
    }

    /**
     * One verification result.
     *
     * @param signature the digest of the signature manifest that verified, or that was judged
     */
    record Result(
            long manifestId,
            long policyVersion,
            String digest,
            boolean verified,
            Optional<String> kind,
            Optional<String> keyName,
            Optional<String> signature,
            String reason,
            Instant checkedAt) {}

    Optional<TrustPolicy> policy(long projectId) {
        return jdbc.sql("SELECT project_id, mode, kinds, version, update_time FROM trust_policy WHERE project_id = ?")
                .param(projectId)
                .query((rs, i) -> new TrustPolicy(
                        rs.getLong(1),
                        TrustPolicy.Mode.of(rs.getString(2)).orElseThrow(),
                        strings(rs.getArray(3)),
                        rs.getLong(4),
                        rs.getTimestamp(5).toInstant()))
                .optional();
    }

    /** Sets mode and kinds, one version up (a first policy is version 1). */
    TrustPolicy putPolicy(long projectId, TrustPolicy.Mode mode, List<String> kinds, Instant now) {
        jdbc.sql("""
                        INSERT INTO trust_policy (project_id, mode, kinds, version, update_time)
                        VALUES (:project, :mode, :kinds, 1, :now)
                        ON CONFLICT (project_id) DO UPDATE
                        SET mode = EXCLUDED.mode, kinds = EXCLUDED.kinds,
                            version = trust_policy.version + 1, update_time = EXCLUDED.update_time""")
                .param("project", projectId)
                .param("mode", mode.wire())
                .param("kinds", kinds.toArray(String[]::new))
                .param("now", Timestamp.from(now))
                .update();
        changed(projectId);
        return policy(projectId).orElseThrow();
    }

    /** A key change: the policy one version up, created (mode off) if the project had none. */
    TrustPolicy bump(long projectId, Instant now) {
        jdbc.sql("""
                        INSERT INTO trust_policy (project_id, mode, version, update_time) VALUES (?, 'off', 1, ?)
                        ON CONFLICT (project_id) DO UPDATE
                        SET version = trust_policy.version + 1, update_time = EXCLUDED.update_time""").params(projectId, Timestamp.from(now)).update();
        changed(projectId);
        return policy(projectId).orElseThrow();
    }

    /**
     * The reads and deletion that keys, Notation trust stores and keyless identities share: rows of
     * a project's table, each by id within the project (an id of another project is not found).
     */
    private final class ProjectRows<T> {
        private final String table;
        private final String columns;
        private final RowMapper<T> mapper;

        ProjectRows(String table, String columns, RowMapper<T> mapper) {
            this.table = table;
            this.columns = columns;
            this.mapper = mapper;
        }

        List<T> list(long projectId) {
            return jdbc.sql("SELECT " + columns + " FROM " + table + " WHERE project_id = ? ORDER BY id")
                    .param(projectId)
                    .query(mapper)
                    .list();
        }

        Optional<T> one(long projectId, long id) {
            return jdbc.sql("SELECT " + columns + " FROM " + table + " WHERE project_id = ? AND id = ?")
                    .params(projectId, id)
                    .query(mapper)
                    .optional();
        }

        long count(long projectId) {
            return jdbc.sql("SELECT count(*) FROM " + table + " WHERE project_id = ?")
                    .param(projectId)
                    .query(Long.class)
                    .single();
        }

        boolean delete(long projectId, long id) {
            return jdbc.sql("DELETE FROM " + table + " WHERE project_id = ? AND id = ?")
                            .params(projectId, id)
                            .update()
                    > 0;
        }
    }

    private final ProjectRows<TrustedKey> keyRows = new ProjectRows<>("trust_key", KEY_COLUMNS, (rs, i) -> key(rs));
    private final ProjectRows<StoredNotationStore> storeRows =
            new ProjectRows<>("trust_notation_store", STORE_COLUMNS, (rs, i) -> notationStore(rs));
    private final ProjectRows<StoredIdentity> identityRows =
            new ProjectRows<>("trust_keyless_identity", IDENTITY_COLUMNS, (rs, i) -> identity(rs));

    List<TrustedKey> keys(long projectId) {
        return keyRows.list(projectId);
    }

    Optional<TrustedKey> key(long projectId, long id) {
        return keyRows.one(projectId, id);
    }

    long countKeys(long projectId) {
        return keyRows.count(projectId);
    }

    /** Adds a key; empty when the project already has a key of that name. */
    Optional<Long> addKey(long projectId, String name, PublicKeyPem key, Instant now) {
        return jdbc.sql("""
                        INSERT INTO trust_key (project_id, name, key_type, public_key, fingerprint, creation_time)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, name) DO NOTHING RETURNING id""")
                .params(projectId, name, key.type().wire(), key.pem(), key.fingerprint(), Timestamp.from(now))
                .query(Long.class)
                .optional();
    }

    boolean deleteKey(long projectId, long id) {
        return keyRows.delete(projectId, id);
    }

    /**
     * Stores a result. At least once: the same verification again changes nothing but its time. A
     * verified row is not turned unverified within one version (a signed index covers its children,
     * and a child's own failing check must not undo that), so a remembered verified result stays
     * right and other replicas need not hear of the write; this one forgets it all the same.
     */
    void putResult(long projectId, Result r) {
        verified.invalidate(new ResultKey(projectId, r.manifestId(), r.policyVersion()));
        jdbc.sql("""
                        INSERT INTO trust_result (manifest_id, policy_version, project_id, digest, verified, kind,
                                                  key_name, signature, reason, checked_at)
                        VALUES (:manifest, :version, :project, :digest, :verified, :kind, :key, :signature, :reason, :at)
                        ON CONFLICT (manifest_id, policy_version) DO UPDATE
                        SET verified = EXCLUDED.verified, kind = EXCLUDED.kind, key_name = EXCLUDED.key_name,
                            signature = EXCLUDED.signature, reason = EXCLUDED.reason, checked_at = EXCLUDED.checked_at
                        WHERE EXCLUDED.verified OR NOT trust_result.verified""")
                .param("manifest", r.manifestId())
                .param("version", r.policyVersion())
                .param("project", projectId)
                .param("digest", r.digest())
                .param("verified", r.verified())
                .param("kind", r.kind().orElse(null))
                .param("key", r.keyName().orElse(null))
                .param("signature", r.signature().orElse(null))
                .param("reason", r.reason())
                .param("at", Timestamp.from(r.checkedAt()))
                .update();
    }

    /**
     * The result of a manifest under one version of the project's policy, for the pull path: a
     * verified one as remembered (see {@link #verified}), else one primary-key read.
     */
    Optional<Result> cachedResult(long projectId, long manifestId, long policyVersion) {
        ResultKey key = new ResultKey(projectId, manifestId, policyVersion);
        Result remembered = verified.getIfPresent(key);
        if (remembered != null) {
            return Optional.of(remembered);
        }
        Optional<Result> read = result(manifestId, policyVersion);
        read.filter(Result::verified).ifPresent(r -> verified.put(key, r));
        return read;
    }

    /** The result of a manifest under one policy version: one primary-key read. */
    Optional<Result> result(long manifestId, long policyVersion) {
        return jdbc.sql("""
                        SELECT manifest_id, policy_version, digest, verified, kind, key_name, signature, reason, checked_at
                        FROM trust_result WHERE manifest_id = ? AND policy_version = ?""")
                .params(manifestId, policyVersion)
                .query((rs, i) -> new Result(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getBoolean(4),
                        Optional.ofNullable(rs.getString(5)),
                        Optional.ofNullable(rs.getString(6)),
                        Optional.ofNullable(rs.getString(7)),
                        rs.getString(8),
                        rs.getTimestamp(9).toInstant()))
                .optional();
    }

    /** Drops results of older versions of the project's policy (they are never read again). */
    void dropStale(long projectId, long currentVersion) {
        jdbc.sql("DELETE FROM trust_result WHERE project_id = ? AND policy_version < ?")
                .params(projectId, currentVersion)
                .update();
        verified.asMap().keySet().removeIf(k -> k.projectId() == projectId && k.policyVersion() < currentVersion);
        invalidations.invalidate(RESULTS, Long.toString(projectId));
    }

    /** A Notation X.509 trust store as stored. */
    record StoredNotationStore(long id, long projectId, NotationTrustStore store, Instant created) {}

    /** The project's Notary trust policy document (JSON), if it has one. */
    Optional<String> notationPolicy(long projectId) {
        return jdbc.sql("SELECT notation_policy FROM trust_policy WHERE project_id = ? AND notation_policy IS NOT NULL")
                .param(projectId)
                .query(String.class)
                .optional();
    }

    /** Sets the Notary trust policy document, one version up (created, mode off, if there was no policy). */
    TrustPolicy putNotationPolicy(long projectId, String document, Instant now) {
        jdbc.sql("""
                        INSERT INTO trust_policy (project_id, mode, version, update_time, notation_policy)
                        VALUES (?, 'off', 1, ?, ?)
                        ON CONFLICT (project_id) DO UPDATE
                        SET notation_policy = EXCLUDED.notation_policy, version = trust_policy.version + 1,
                            update_time = EXCLUDED.update_time""").params(projectId, Timestamp.from(now), document).update();
        changed(projectId);
        return policy(projectId).orElseThrow();
    }

    List<StoredNotationStore> notationStores(long projectId) {
        return storeRows.list(projectId);
    }

    Optional<StoredNotationStore> notationStore(long projectId, long id) {
        return storeRows.one(projectId, id);
    }

    long countNotationStores(long projectId) {
        return storeRows.count(projectId);
    }

    /** Adds a trust store; empty when the project has one of that type and name. */
    Optional<Long> addNotationStore(long projectId, NotationTrustStore store, Instant now) {
        return jdbc.sql("""
                        INSERT INTO trust_notation_store (project_id, store_type, name, certificates, creation_time)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, store_type, name) DO NOTHING RETURNING id""")
                .params(projectId, store.type(), store.name(), store.pem(), Timestamp.from(now))
                .query(Long.class)
                .optional();
    }

    boolean deleteNotationStore(long projectId, long id) {
        return storeRows.delete(projectId, id);
    }

    // ---- keyless identities and the site's Sigstore trust root ----

    private static final String IDENTITY_COLUMNS =
            "id, project_id, name, issuer, issuer_regex, subject, subject_regex, creation_time";

    /** A trusted keyless identity as stored. */
    record StoredIdentity(long projectId, KeylessIdentity identity, Instant created) {}

    List<StoredIdentity> identities(long projectId) {
        return identityRows.list(projectId);
    }

    Optional<StoredIdentity> identity(long projectId, long id) {
        return identityRows.one(projectId, id);
    }

    long countIdentities(long projectId) {
        return identityRows.count(projectId);
    }

    /** Adds an identity; empty when the project already has one of that name. */
    Optional<Long> addIdentity(long projectId, KeylessIdentity id, Instant now) {
        return jdbc.sql("""
                        INSERT INTO trust_keyless_identity
                            (project_id, name, issuer, issuer_regex, subject, subject_regex, creation_time)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, name) DO NOTHING RETURNING id""")
                .params(
                        projectId,
                        id.name(),
                        id.issuer().orElse(null),
                        id.issuerRegex().orElse(null),
                        id.subject().orElse(null),
                        id.subjectRegex().orElse(null),
                        Timestamp.from(now))
                .query(Long.class)
                .optional();
    }

    boolean deleteIdentity(long projectId, long id) {
        return identityRows.delete(projectId, id);
    }

    /** Projects that trust at least one keyless identity (their results depend on the trust root). */
    List<Long> projectsWithIdentities() {
        return jdbc.sql("SELECT DISTINCT project_id FROM trust_keyless_identity ORDER BY project_id")
                .query(Long.class)
                .list();
    }

    /** The site's trust root document and when it was set, if the site replaced the shipped one. */
    record StoredRoot(String document, Instant updated) {}

    Optional<StoredRoot> trustedRoot() {
        return jdbc.sql("SELECT document, update_time FROM sigstore_trusted_root WHERE id = 1")
                .query((rs, i) ->
                        new StoredRoot(rs.getString(1), rs.getTimestamp(2).toInstant()))
                .optional();
    }

    void putTrustedRoot(String document, Instant now) {
        jdbc.sql("""
                        INSERT INTO sigstore_trusted_root (id, document, update_time) VALUES (1, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document, update_time = EXCLUDED.update_time""").params(document, Timestamp.from(now)).update();
    }

    boolean deleteTrustedRoot() {
        return jdbc.sql("DELETE FROM sigstore_trusted_root WHERE id = 1").update() > 0;
    }

    private static StoredIdentity identity(java.sql.ResultSet rs) throws SQLException {
        return new StoredIdentity(
                rs.getLong(2),
                new KeylessIdentity(
                        rs.getLong(1),
                        rs.getString(3),
                        Optional.ofNullable(rs.getString(4)),
                        Optional.ofNullable(rs.getString(5)),
                        Optional.ofNullable(rs.getString(6)),
                        Optional.ofNullable(rs.getString(7))),
                rs.getTimestamp(8).toInstant());
    }

    private static final String STORE_COLUMNS = "id, project_id, store_type, name, certificates, creation_time";

    private static StoredNotationStore notationStore(java.sql.ResultSet rs) throws SQLException {
        return new StoredNotationStore(
                rs.getLong(1),
                rs.getLong(2),
                NotationTrustStore.parse(rs.getString(3), rs.getString(4), rs.getString(5)),
                rs.getTimestamp(6).toInstant());
    }

    private static final String KEY_COLUMNS = "id, project_id, name, key_type, public_key, fingerprint, creation_time";

    private static TrustedKey key(java.sql.ResultSet rs) throws SQLException {
        return new TrustedKey(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                KeyType.byWire(rs.getString(4)).orElseThrow(),
                rs.getString(5),
                rs.getString(6),
                rs.getTimestamp(7).toInstant());
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : new ArrayList<>(Arrays.asList((String[]) array.getArray()));
    }
}
