package dev.berth.artifact;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code config_attributes} table: {@code extra_attrs} derived from config blobs, as JSON text,
 * so that a page of artifacts reads them in one statement instead of opening and parsing 100 config
 * blobs. Keyed by config digest and kind ({@code image} or {@code chart}); the blob is
 * content-addressed, so a row never goes stale, and it goes when the blob row does.
 *
 * <p>Rows are written when a manifest is pushed ({@link ConfigAttributesOnPush}), by the background
 * backfill for manifests that came without ({@link ConfigAttributesBackfill}, which remembers in
 * {@code config_attributes_backfill} up to which manifest id it has looked), and by a list that
 * still meets a config without a row.
 */
@Repository
class ConfigAttributes {
    private static final Logger log = LoggerFactory.getLogger(ConfigAttributes.class);

    /** A config digest and how it is read. */
    record Key(String configDigest, String kind) {}

    /** A manifest whose config has no row yet. */
    record Missing(long manifestId, Key key) {}

    /**
     * The kind of the config of manifest {@code m}, the one definition of it: {@code chart} for a Helm
     * config, {@code image} for Harbor's IMAGE type with a config, NULL when there is nothing to
     * derive. The backfill looks for rows of this kind; the artifact list reads it with each row
     * ({@code ArtifactQueries.Row.configKind}) and joins the stored row by it.
     */
    static final String KIND = "(CASE WHEN m.config_digest IS NULL THEN NULL"
            + " WHEN m.config_media_type = '" + ArtifactContent.HELM_CONFIG + "' THEN 'chart'"
            + " WHEN " + ArtifactSql.TYPE + " = 'IMAGE' THEN 'image' END)";

    /** Manifests after {@code ?} whose config has a kind and no row; {@code %s} is the select list. */
    private static final String MISSING_AFTER = """
            SELECT %s FROM manifest m CROSS JOIN LATERAL (SELECT %s AS kind) k
            WHERE m.id > ? AND k.kind IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM config_attributes c
                              WHERE c.config_digest = m.config_digest AND c.kind = k.kind)
            """;

    private final JdbcClient jdbc;

    ConfigAttributes(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Map<Key, String> find(Collection<Key> keys) {
        Map<Key, String> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        String[] digests = keys.stream().map(Key::configDigest).distinct().toArray(String[]::new);
        jdbc.sql("SELECT config_digest, kind, attrs FROM config_attributes WHERE config_digest = ANY (?)")
                .param(digests)
                .query((rs, i) -> found.put(new Key(rs.getString(1), rs.getString(2)), rs.getString(3)))
                .list();
        found.keySet().retainAll(keys);
        return found;
    }

    /** The keys of these manifests' configs, for those that have attributes (images and charts). */
    List<Key> keysOf(Collection<Long> manifestIds) {
        if (manifestIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT DISTINCT m.config_digest, k.kind FROM manifest m CROSS JOIN LATERAL (SELECT " + KIND
                        + " AS kind) k WHERE m.id = ANY (?) AND k.kind IS NOT NULL")
                .param(manifestIds.toArray(Long[]::new))
                .query((rs, i) -> new Key(rs.getString(1), rs.getString(2)))
                .list();
    }

    /**
     * Whether any manifest with an id above {@code afterId} lacks its config's row: an index range
     * scan from {@code afterId}, so cheap when the backfill is up to date.
     */
    boolean anyMissingAfter(long afterId) {
        return jdbc.sql(MISSING_AFTER.formatted("1", KIND) + " LIMIT 1")
                .param(afterId)
                .query(Integer.class)
                .optional()
                .isPresent();
    }

    /**
     * The manifests with an id in ({@code afterId}, {@code throughId}] whose config lacks its row.
     * Bounded on both sides so that the plan is a primary-key range scan with one probe per row
     * whatever the statistics say, and a batch never looks further than its range.
     */
    List<Missing> missingBetween(long afterId, long throughId) {
        return jdbc.sql(MISSING_AFTER.formatted("m.id, m.config_digest, k.kind", KIND) + " AND m.id <= ? ORDER BY m.id")
                .param(afterId)
                .param(throughId)
                .query((rs, i) -> new Missing(rs.getLong(1), new Key(rs.getString(2), rs.getString(3))))
                .list();
    }

    /** How many manifests above the backfill's mark lack their config's row. */
    long countMissing() {
        return jdbc.sql(MISSING_AFTER.formatted("count(*)", KIND))
                .param(backfillMark())
                .query(Long.class)
                .single();
    }

    /** The id up to which the backfill has looked at every manifest. */
    long backfillMark() {
        return jdbc.sql("SELECT scanned_through FROM config_attributes_backfill")
                .query(Long.class)
                .single();
    }

    /** Moves the backfill's mark forward (never back: another replica may have gone further). */
    void advanceBackfillMark(long throughId) {
        jdbc.sql("UPDATE config_attributes_backfill SET scanned_through = ? WHERE scanned_through < ?")
                .param(throughId)
                .param(throughId)
                .update();
    }

    /**
     * Refreshes the planner's statistics of the table. A backfill grows it much faster than
     * autovacuum notices; with the statistics of a near-empty table, PostgreSQL estimates that 100
     * digests match half of it and reads all of it for every batch (and every list page).
     */
    void analyze() {
        jdbc.sql("ANALYZE config_attributes").update();
    }

    /** The largest manifest id so far; 0 when there are none. */
    long lastManifestId() {
        return jdbc.sql("SELECT COALESCE(max(id), 0) FROM manifest")
                .query(Long.class)
                .single();
    }

    /**
     * Remembers derived attributes. Best effort: a blob collected meanwhile is skipped, and any
     * other failure only means they are derived again next time.
     */
    void save(Map<Key, String> attrs) {
        if (attrs.isEmpty()) {
            return;
        }
        List<String> digests = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        List<String> values = new ArrayList<>();
        attrs.forEach((k, v) -> {
            digests.add(k.configDigest());
            kinds.add(k.kind());
            values.add(v);
        });
        try {
            jdbc.sql("""
                            INSERT INTO config_attributes (config_digest, kind, attrs)
                            SELECT * FROM unnest(?::text[], ?::text[], ?::text[]) AS u (d, k, a)
                            WHERE EXISTS (SELECT 1 FROM blob b WHERE b.digest = u.d)
                            ON CONFLICT DO NOTHING
                            """)
                    .param(digests.toArray(String[]::new))
                    .param(kinds.toArray(String[]::new))
                    .param(values.toArray(String[]::new))
                    .update();
        } catch (DataAccessException e) {
            log.info("event=config_attributes_not_saved count={} reason=\"{}\"", attrs.size(), e.getMessage());
        }
    }
}
