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
 */
@Repository
class ConfigAttributes {
    private static final Logger log = LoggerFactory.getLogger(ConfigAttributes.class);

    /** A config digest and how it is read. */
    record Key(String configDigest, String kind) {}

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

    /**
     * Remembers derived attributes. Best effort: a blob collected meanwhile (the foreign key) or
     * any other failure only means they are derived again next time.
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
                            SELECT * FROM unnest(?::text[], ?::text[], ?::text[])
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
